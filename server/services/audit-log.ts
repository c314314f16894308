import { and, asc, count, desc, eq, gt, ilike, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { chainInput, GENESIS_HASH } from "@/server/core/audit/chain";
import { containsPattern } from "@/server/db/like";
import { auditEvents, identities } from "@/server/db/schema";
import { sha256 } from "./audit";
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

export type ChainVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: number; problem: string };

/**
 * Recomputes the whole chain in id order, in batches so a long trail is never held in
 * memory, and names the first event whose link does not hold.
 */
export async function verifyAuditChain({ ctx }: { ctx: Pick<ServiceContext, "db"> }): Promise<ChainVerification> {
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const batch = await ctx.db
      .select()
      .from(auditEvents)
      .where(gt(auditEvents.id, lastId))
      .orderBy(asc(auditEvents.id))
      .limit(1000);
    if (batch.length === 0) return { ok: true, checked };
    for (const e of batch) {
      if (e.prevHash !== prevHash) {
        return { ok: false, checked, brokenAt: e.id, problem: "its previous-hash does not match the event before it (an event was removed or reordered)" };
      }
      const { id: _id, prevHash: _p, hash, ...content } = e;
      if (sha256(chainInput(prevHash, content)) !== hash) {
        return { ok: false, checked, brokenAt: e.id, problem: "its content does not match its hash (the event was changed)" };
      }
      prevHash = hash;
      lastId = e.id;
      checked++;
    }
  }
}
