import { and, asc, count, desc, eq, gt, ilike, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { checkpointLabel } from "@/server/core/audit/checkpoint";
import { ChainWalk } from "@/server/core/audit/verify";
import { containsPattern } from "@/server/db/like";
import { auditEvents, identities } from "@/server/db/schema";
import { readLatestCheckpoints } from "./audit-checkpoints/checkpoints";
import { checkpointSettings } from "./audit-checkpoints/settings";
import { checkpointStores, type CheckpointStore } from "./audit-checkpoints/stores";
import { auditKeyring, linkHashing, type AuditKeyring } from "./audit-keys";
import type { ServiceContext } from "./context";

// Events about a person show the person's name.
const subject = alias(identities, "subject");
const subjectJoin = and(eq(auditEvents.subjectType, "identity"), eq(auditEvents.subjectId, sql`${subject.id}::text`));

export interface ListAuditEventsInput {
  page: number;
  pageSize: number;
  action?: string;
  /** Events about one thing, e.g. an identity's id. */
  subjectId?: string;
  search?: string;
}

/** Audit events, newest first, filtered by action and by a search over actor, subject and reason. */
export async function listAuditEvents({ ctx, input }: { ctx: ServiceContext; input: ListAuditEventsInput }) {
  const filters: SQL[] = [];
  if (input.action) filters.push(eq(auditEvents.action, input.action));
  if (input.subjectId) filters.push(eq(auditEvents.subjectId, input.subjectId));
  const term = input.search?.trim();
  if (term) {
    const p = containsPattern(term);
    filters.push(
      or(
        ilike(auditEvents.actorLabel, p),
        ilike(auditEvents.subjectId, p),
        ilike(auditEvents.reason, p),
        ilike(subject.displayName, p),
        // refused sign-ins name the email they tried in their context
        sql`${auditEvents.context} ->> 'email' ilike ${p}`,
      )!,
    );
  }
  const where = filters.length ? and(...filters) : undefined;
  const [rows, [total], actions] = await Promise.all([
    ctx.db
      .select({ event: auditEvents, subjectName: subject.displayName })
      .from(auditEvents)
      .leftJoin(subject, subjectJoin)
      .where(where)
      .orderBy(desc(auditEvents.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(auditEvents).leftJoin(subject, subjectJoin).where(where),
    ctx.db.selectDistinct({ action: auditEvents.action }).from(auditEvents).orderBy(auditEvents.action),
  ]);
  return {
    rows: rows.map(({ event: { prevHash: _prev, ...e }, subjectName }) => ({ ...e, subjectName })),
    total: total?.n ?? 0,
    page: input.page,
    pageSize: input.pageSize,
    actions: actions.map((a) => a.action),
  };
}

/** A checkpoint the chain was compared with. */
export interface CheckpointCompared {
  location: string;
  name: string;
  at: string;
  count: number;
  headId: number | null;
}

interface VerificationFacts {
  /** events whose link held, in order from the first */
  checked: number;
  /** of which legacy: plain SHA-256 links written before audit keys existed */
  legacy: number;
  checkpoints: CheckpointCompared[];
  /** why the end of the chain could not be confirmed: a location with no checkpoint yet, or unreadable */
  unconfirmed: string[];
}

export type ChainVerification =
  | ({ ok: true } & VerificationFacts)
  /** brokenAt: the first event that fails; null when events are missing from the end or a checkpoint is forged */
  | ({ ok: false; brokenAt: number | null; problem: string } & VerificationFacts);

/**
 * Recomputes the whole chain in id order, in batches so a long trail is never held in memory,
 * with the audit keyring, and compares it with the newest checkpoint of every location that can
 * be read back (read first, so they never see more than the walk will). Names the first event
 * that fails, or the events missing from the end.
 */
export async function verifyAuditChain({
  ctx,
  keyring = auditKeyring(),
  stores,
}: {
  ctx: Pick<ServiceContext, "db">;
  keyring?: AuditKeyring;
  stores?: CheckpointStore[];
}): Promise<ChainVerification> {
  const targets = stores ?? checkpointStores(checkpointSettings());
  let latest;
  try {
    latest = await readLatestCheckpoints(targets, keyring);
  } finally {
    if (!stores) for (const s of targets) s.close?.();
  }
  const walk = new ChainWalk(linkHashing(keyring), latest.checkpoints);
  const facts = (): VerificationFacts => ({
    checked: walk.checked,
    legacy: walk.legacy,
    checkpoints: latest.checkpoints.map(({ location, name, checkpoint: c }) => ({
      location,
      name,
      at: c.at,
      count: c.count,
      headId: c.headId,
    })),
    unconfirmed: latest.unconfirmed,
  });
  let lastId = 0;
  for (;;) {
    const batch = await ctx.db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, lastId))
      .orderBy(asc(auditEvents.id))
      .limit(1000);
    if (batch.length === 0) break;
    for (const event of batch) {
      const broken = walk.next(event);
      if (broken) return { ok: false, ...broken, ...facts() };
      lastId = event.id;
    }
  }
  const truncated = walk.finish();
  if (truncated) return { ok: false, ...truncated, ...facts() };
  if (latest.invalid.length) return { ok: false, brokenAt: null, problem: latest.invalid[0]!, ...facts() };
  return { ok: true, ...facts() };
}

/** One line on what the chain was compared with, e.g. for the CLI. */
export const describeCheckpoints = (checkpoints: readonly CheckpointCompared[]) =>
  checkpoints.map((c) => `${checkpointLabel(c)} (${c.count} events) in ${c.location}`).join("; ");
