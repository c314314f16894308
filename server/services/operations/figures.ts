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
 * Adapter calls are counted over the whole log, so they only grow, as Prometheus counters must.
 */
export async function readOperationalFigures(db: Db, now: Date): Promise<OperationalFigures> {
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
  const calls = await db.execute<Row>(sql`
    select system_key as system, call, outcome, count(*)::int as count, (sum(duration_ms) / 1000.0)::float8 as seconds
      from adapter_calls group by system_key, call, outcome order by 1, 2, 3`);
  return {
    queues: queues.rows.map((r) => ({
      queue: String(r.queue),
      depth: num(r.depth),
      oldestAgeSeconds: Math.max(0, num(r.oldest)),
    })),
    enforcementLagSeconds: Math.max(0, num(counts?.lag)),
    openExceptions: num(counts?.open_exceptions),
    pendingRequests: num(counts?.pending_requests),
    adapterCalls: calls.rows.map((r) => ({
      system: String(r.system),
      call: String(r.call),
      outcome: String(r.outcome),
      count: num(r.count),
      durationSecondsSum: num(r.seconds),
    })),
    instancesWithJobs: num(counts?.instances),
  };
}
