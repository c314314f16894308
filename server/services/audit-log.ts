import { and, asc, desc, eq, gt, ilike, isNotNull, lt, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { checkpointLabel } from "@/server/core/audit/checkpoint";
import { ChainWalk, type StoredEvent } from "@/server/core/audit/verify";
import { DomainError } from "@/server/core/errors";
import { MAX_PAGE_SIZE } from "@/server/core/lists/cursor";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern } from "@/server/db/like";
import { filterShapes, statementCache } from "@/server/db/statements";
import { auditEvents, identities } from "@/server/db/schema";
import { readLatestCheckpoints } from "./audit-checkpoints/checkpoints";
import { checkpointSettings } from "./audit-checkpoints/settings";
import { checkpointStores, type CheckpointStore } from "./audit-checkpoints/stores";
import { auditKeyring, linkHashing, type AuditKeyring } from "./audit-keys";
import { unchainedAuditEvents } from "./audit-sequencer";
import type { ServiceContext } from "./context";

// Events about a person show the person's name.
const subject = alias(identities, "subject");
const subjectJoin = and(eq(auditEvents.subjectType, "identity"), eq(auditEvents.subjectId, sql`${subject.id}::text`));

export interface ListAuditEventsInput {
  /** events per page, at most MAX_PAGE_SIZE */
  limit?: number;
  /** the previous page's nextCursor: the id of its last (oldest) event */
  cursor?: string;
  action?: string;
  /** Events about one thing, e.g. an identity's id. */
  subjectId?: string;
  search?: string;
}

/**
 * Audit events, newest first, a page at a time (keyset on the id: the first page reads its 50
 * events, not the whole trail), filtered by action and by a search over actor, subject and reason;
 * with the actions there are to filter by (a skip scan of the action index, not a scan of the trail).
 */
export async function listAuditEvents({ ctx, input }: { ctx: ServiceContext; input: ListAuditEventsInput }) {
  const limit = Math.min(input.limit ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE);
  if (input.cursor !== undefined && !/^\d{1,18}$/.test(input.cursor))
    throw new DomainError("INVALID_INPUT", "This is not a cursor from the previous page: load the list again", {
      field: "cursor",
    });
  const term = input.search?.trim() || null;
  const values = {
    cursor: input.cursor === undefined ? null : Number(input.cursor),
    action: input.action || null,
    subjectId: input.subjectId || null,
    pattern: term ? containsPattern(term) : null,
  };
  const shape = shapes.keyOf(values);
  const [rows, actions] = await Promise.all([
    listStatement(ctx.db, shape).execute({ ...values, limit: limit + 1 }),
    input.cursor === undefined ? cachedAuditActions(ctx.db, ctx.clock()) : Promise.resolve(null),
  ]);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextCursor: more ? String(page[page.length - 1]!.id) : null, actions };
}

/** The list's filters, in the order of its statement's shape (server/db/statements.ts). */
const shapes = filterShapes(["cursor", "action", "subjectId", "pattern"] as const);
const bound = {
  cursor: sql.placeholder("cursor"),
  action: sql.placeholder("action"),
  subjectId: sql.placeholder("subjectId"),
  pattern: sql.placeholder("pattern"),
  limit: sql.placeholder("limit"),
};

function listFiltersOf(shape: string): SQL[] {
  const used = (filter: Parameters<typeof shapes.uses>[1]) => shapes.uses(shape, filter);
  const filters: SQL[] = [];
  if (used("cursor")) filters.push(lt(auditEvents.id, bound.cursor));
  if (used("action")) filters.push(eq(auditEvents.action, bound.action));
  if (used("subjectId")) filters.push(eq(auditEvents.subjectId, bound.subjectId));
  if (used("pattern"))
    filters.push(
      or(
        ilike(auditEvents.actorLabel, bound.pattern),
        ilike(auditEvents.subjectId, bound.pattern),
        ilike(auditEvents.reason, bound.pattern),
        ilike(subject.displayName, bound.pattern),
        // refused sign-ins name the email they tried in their context
        sql`${auditEvents.context} ->> 'email' ilike ${bound.pattern}`,
      )!,
    );
  return filters;
}

/** The page's statement, built once per handle and shape (server/db/statements.ts), bound per call. */
const listStatement = statementCache((db, shape: string) =>
  db
    .select({
      id: auditEvents.id,
      // ISO text, as the wire carries it: no Date to parse and to write again for each row
      occurredAt: sql<string>`to_char(${auditEvents.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
      actorType: auditEvents.actorType,
      actorId: auditEvents.actorId,
      actorLabel: auditEvents.actorLabel,
      action: auditEvents.action,
      subjectType: auditEvents.subjectType,
      subjectId: auditEvents.subjectId,
      reason: auditEvents.reason,
      /**
       * What "Details" shows, as JSON text written by PostgreSQL ({ before, after, context, hash }): the page
       * only prints it, so the server neither parses nor re-serializes three JSON documents per row.
       */
      details: sql<string>`'{"before":' || coalesce(${auditEvents.before}::text, 'null')
        || ',"after":' || coalesce(${auditEvents.after}::text, 'null')
        || ',"context":' || coalesce(${auditEvents.context}::text, 'null')
        || ',"hash":' || coalesce(to_jsonb(${auditEvents.hash})::text, 'null') || '}'`,
      subjectName: subject.displayName,
    })
    .from(auditEvents)
    .leftJoin(subject, subjectJoin)
    .where(and(...listFiltersOf(shape)))
    .orderBy(desc(auditEvents.id))
    .limit(bound.limit)
    .prepare(""),
);

/**
 * The filter's choices, kept per instance for ACTIONS_MAX_AGE_MS: a new kind of action appears with a new
 * release, not from one call to the next, so the first page need not probe the index on every call.
 */
const ACTIONS_MAX_AGE_MS = 60_000;
const actionsCache = new WeakMap<object, { at: number; actions: Promise<string[]> }>();

function cachedAuditActions(db: DbOrTx, now: Date): Promise<string[]> {
  const hit = actionsCache.get(db);
  const age = hit ? now.getTime() - hit.at : -1;
  if (hit && age >= 0 && age < ACTIONS_MAX_AGE_MS) return hit.actions;
  const actions = auditActions(db);
  actionsCache.set(db, { at: now.getTime(), actions });
  // A failed read is not kept: the next call tries again.
  actions.catch(() => actionsCache.delete(db));
  return actions;
}

/** Every action in the trail, in order: one index probe per action (a loose index scan). */
async function auditActions(db: DbOrTx): Promise<string[]> {
  const { rows } = await db.execute<{ action: string }>(sql`
    with recursive a(action) as (
      (select ${auditEvents.action} from ${auditEvents} order by ${auditEvents.action} limit 1)
      union all
      select (select e.action from ${auditEvents} e where e.action > a.action order by e.action limit 1)
      from a where a.action is not null
    )
    select action from a where action is not null`);
  return rows.map((r) => r.action);
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
  /**
   * Events committed but not yet linked by the sequencer (normally for under a second), read
   * after the walk; oldestAt is when the oldest of them happened. They are in no link yet, so
   * nothing verifies them: a count that stays, or an old oldestAt, means no sequencer is running.
   */
  unchained: { count: number; oldestAt: string | null };
}

export type ChainVerification =
  | ({ ok: true } & VerificationFacts)
  /** brokenAt: the first event that fails; null when events are missing from the end or a checkpoint is forged */
  | ({ ok: false; brokenAt: number | null; problem: string } & VerificationFacts);

/**
 * Recomputes the whole chain in its order (seq), in batches so a long trail is never held in memory,
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
  let unchained: VerificationFacts["unchained"] = { count: 0, oldestAt: null };
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
    unchained,
  });
  let lastSeq = 0;
  for (;;) {
    const batch = await ctx.db
      .select()
      .from(auditEvents)
      .where(and(isNotNull(auditEvents.seq), gt(auditEvents.seq, lastSeq)))
      .orderBy(asc(auditEvents.seq))
      .limit(1000);
    if (batch.length === 0) break;
    for (const { seq, ...event } of batch) {
      // Linked rows carry both hashes (audit_events_link_check).
      const broken = walk.next(event as StoredEvent);
      if (broken) {
        unchained = await readUnchained(ctx.db);
        return { ok: false, ...broken, ...facts() };
      }
      lastSeq = seq!;
    }
  }
  unchained = await readUnchained(ctx.db);
  const truncated = walk.finish();
  if (truncated) return { ok: false, ...truncated, ...facts() };
  if (latest.invalid.length) return { ok: false, brokenAt: null, problem: latest.invalid[0]!, ...facts() };
  return { ok: true, ...facts() };
}

async function readUnchained(db: Pick<ServiceContext, "db">["db"]): Promise<VerificationFacts["unchained"]> {
  const { count, oldestAt } = await unchainedAuditEvents(db);
  return { count, oldestAt: oldestAt?.toISOString() ?? null };
}

/** One line on what the chain was compared with, e.g. for the CLI. */
export const describeCheckpoints = (checkpoints: readonly CheckpointCompared[]) =>
  checkpoints.map((c) => `${checkpointLabel(c)} (${c.count} events) in ${c.location}`).join("; ");
