import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { HEARTBEAT_STALE_MS } from "./instances";

/** A queue of work the instances carry out: pg-boss's schedules and Clearance's own loops. */
export interface QueueFigure {
  queue: string;
  /** items due now and not yet taken */
  depth: number;
  /** seconds since the oldest of them was due (0 when none is) */
  oldestAgeSeconds: number;
}

export interface AdapterCallFigure {
  system: string;
  call: string;
  outcome: string;
  count: number;
  durationSecondsSum: number;
}

/** What /api/metrics reports from the database: the same on every instance. */
export interface OperationalFigures {
  queues: QueueFigure[];
  /** now − the oldest exception past its expiry and not yet ended (0 when none is) */
  enforcementLagSeconds: number;
  openExceptions: number;
  pendingRequests: number;
  adapterCalls: AdapterCallFigure[];
  /** instances whose jobs beat within the last HEARTBEAT_STALE_MS */
  instancesWithJobs: number;
}

type Row = Record<string, unknown>;
const num = (v: unknown) => Number(v ?? 0);

/**
 * Everything in three statements (the queues, the counts, the adapter calls), each an index
 * scan or a small aggregate: a scrape every 15 s costs the database a few milliseconds.
 * Adapter calls are counted over the whole log once, then only the rows added since (totals).
 */
export async function readOperationalFigures(
  db: Db,
  now: Date,
  totals: AdapterCallTotals = newAdapterCallTotals(),
): Promise<OperationalFigures> {
  const at = now.toISOString();
  const queues = await db.execute<Row>(sql`
    select q.name as queue, count(j.id)::int as depth,
           coalesce(extract(epoch from ${at}::timestamptz - min(j.start_after)), 0)::float8 as oldest
      from pgboss.queue q
      left join pgboss.job j
        on j.name = q.name and j.state in ('created', 'retry') and j.start_after <= ${at}::timestamptz
     group by q.name
    union all
    select 'provisioning', count(*)::int,
           coalesce(extract(epoch from ${at}::timestamptz - min(next_attempt_at)), 0)::float8
      from provisioning_operations where status = 'pending' and next_attempt_at <= ${at}::timestamptz
    union all
    select 'mail', count(*)::int, coalesce(extract(epoch from ${at}::timestamptz - min(created_at)), 0)::float8
      from outbox_emails where sent_at is null
    union all
    select 'audit-chain', count(*)::int,
           coalesce(extract(epoch from ${at}::timestamptz - min(occurred_at)), 0)::float8
      from audit_events where seq is null`);
  const [counts] = (
    await db.execute<Row>(sql`
    select
      (select coalesce(extract(epoch from ${at}::timestamptz - min(expires_at)), 0)::float8
         from access_exceptions where ended_at is null and expires_at <= ${at}::timestamptz) as lag,
      (select count(*)::int from access_exceptions where ended_at is null) as open_exceptions,
      (select count(*)::int from access_requests where status in ('pending', 'needs_info')) as pending_requests,
      (select count(*)::int from instance_heartbeats
        where beat_at > ${at}::timestamptz - ${HEARTBEAT_STALE_MS} * interval '1 millisecond') as instances`)
  ).rows;
  const adapterCalls = await countAdapterCalls(db, now, totals);
  return {
    queues: queues.rows.map((r) => ({
      queue: String(r.queue),
      depth: num(r.depth),
      oldestAgeSeconds: Math.max(0, num(r.oldest)),
    })),
    enforcementLagSeconds: Math.max(0, num(counts?.lag)),
    openExceptions: num(counts?.open_exceptions),
    pendingRequests: num(counts?.pending_requests),
    adapterCalls,
    instancesWithJobs: num(counts?.instances),
  };
}

/**
 * Adapter calls counted so far by this process: the log's totals per system, call and outcome,
 * through row `throughId`. Counting the whole log at every scrape cost 200 ms at a million rows;
 * adding only the rows since costs an index range scan.
 */
export interface AdapterCallTotals {
  throughId: number;
  byLabels: Map<string, AdapterCallFigure>;
  /** the log's highest id as seen at each scrape, to count through once it is old enough */
  marks: { id: number; atMs: number }[];
}

export const newAdapterCallTotals = (): AdapterCallTotals => ({ throughId: 0, byLabels: new Map(), marks: [] });

/**
 * A row's id is taken before its transaction commits, so a higher id can be visible before a
 * lower one. Rows are counted only through the highest id seen at least 30 s ago (by this
 * process's clock): far beyond how long the transaction recording a call stays open, so no row
 * appears behind `throughId` afterwards. The counters trail the log by that much.
 */
const SETTLED_AFTER_MS = 30_000;

async function countAdapterCalls(db: Db, now: Date, totals: AdapterCallTotals): Promise<AdapterCallFigure[]> {
  const [top] = (await db.execute<Row>(sql`select coalesce(max(id), 0)::float8 as id from adapter_calls`)).rows;
  totals.marks.push({ id: num(top?.id), atMs: now.getTime() });
  const settled = totals.marks.filter((m) => m.atMs <= now.getTime() - SETTLED_AFTER_MS).at(-1);
  if (settled && settled.id > totals.throughId) {
    const { rows } = await db.execute<Row>(sql`
      select system_key as system, call, outcome, count(*)::int as count, (sum(duration_ms) / 1000.0)::float8 as seconds
        from adapter_calls
       where id > ${totals.throughId} and id <= ${settled.id}
       group by system_key, call, outcome`);
    for (const r of rows) {
      const labels = { system: String(r.system), call: String(r.call), outcome: String(r.outcome) };
      const key = JSON.stringify(labels);
      const seen = totals.byLabels.get(key) ?? { ...labels, count: 0, durationSecondsSum: 0 };
      seen.count += num(r.count);
      seen.durationSecondsSum += num(r.seconds);
      totals.byLabels.set(key, seen);
    }
    totals.throughId = settled.id;
  }
  // Marks older than the one counted through are of no more use.
  if (settled) totals.marks = totals.marks.filter((m) => m.atMs >= settled.atMs);
  return [...totals.byLabels.values()]
    .map((figure) => ({ ...figure }))
    .sort((a, b) => `${a.system} ${a.call} ${a.outcome}`.localeCompare(`${b.system} ${b.call} ${b.outcome}`));
}
