import type { Clock } from "@/server/core/actor";
import { rateLimited, secondsUntilWindowEnds, windowStartOf, type RateLimitRule } from "@/server/core/rate-limit";
import { poolOf, type Db } from "@/server/db/client";
import type { RateLimitState } from "./rate-limits";

/** What the batcher needs of a database: one parameterized query (a pg.Pool, or a test's stand-in). */
export interface Queryable {
  query<R extends object>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

export interface BatcherOptions {
  /** How long hits wait in memory before one statement adds them to the shared table. */
  flushMs?: number;
  /** A flush that has not answered by then counts as failed (its hits are sent again: over-counting, never under). */
  flushTimeoutMs?: number;
  log?: (line: string) => void;
}

/** The defaults docs/security/web-surface.md's bound is written with. */
export const FLUSH_MS = 500;
const FLUSH_TIMEOUT_MS = 5_000;
/** After failed flushes the next try waits longer, up to this. */
const MAX_RETRY_MS = 5_000;

interface Bucket {
  rule: RateLimitRule;
  /** epoch ms of the window these counts belong to */
  windowStart: number;
  /** hits in the shared table for this window, as the last flush of this bucket returned them (ours included) */
  shared: number;
  /** our hits sent by the flush under way */
  inFlight: number;
  /** our hits not sent yet */
  pending: number;
}

// One statement for every bucket with new hits: the same upsert as hitRateLimit, over arrays.
const FLUSH_SQL = `
  insert into rate_limit_buckets as t (bucket, window_start, window_seconds, hits)
  select u.bucket, to_timestamp(u.window_ms / 1000.0), u.window_seconds, u.hits
  from unnest($1::text[], $2::float8[], $3::int[], $4::int[]) as u(bucket, window_ms, window_seconds, hits)
  on conflict (bucket) do update set
    hits = case when t.window_start >= excluded.window_start
      then least(t.hits + excluded.hits, 2000000000) else excluded.hits end,
    window_start = greatest(t.window_start, excluded.window_start),
    window_seconds = excluded.window_seconds
  returning t.bucket, t.hits, (extract(epoch from t.window_start) * 1000)::float8 as window_ms`;

/**
 * A rate limiter for the hottest path (every tRPC call) that needs no database round trip per hit.
 * Each instance counts its own hits in memory, exactly, and adds them to the shared table
 * (`rate_limit_buckets`, the cluster's truth) in one statement every `flushMs`; the statement
 * returns each bucket's cluster-wide count, which the instance then judges its next hits against.
 * A caller is refused when the shared count as last seen plus this instance's hits since exceeds the
 * limit: exactly at the limit on one instance; with several, each other instance can admit at most
 * the calls it receives in one flush interval (and its flush's time) beyond it before it sees the
 * shared count (docs/security/web-surface.md, section 16). A failed flush keeps its hits for the
 * next one and the instance goes on refusing by its own count; nothing is thrown to callers.
 */
export class RateLimitBatcher {
  private readonly buckets = new Map<string, Bucket>();
  private readonly flushMs: number;
  private readonly flushTimeoutMs: number;
  private readonly log: (line: string) => void;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  private failures = 0;
  private lastClock: Clock = () => new Date();

  constructor(
    private readonly db: Queryable,
    options: BatcherOptions = {},
  ) {
    this.flushMs = options.flushMs ?? FLUSH_MS;
    this.flushTimeoutMs = options.flushTimeoutMs ?? FLUSH_TIMEOUT_MS;
    this.log = options.log ?? ((line) => console.error(`clearance: ${line}`));
  }

  /** Counts `cost` hits now, without waiting for the database, and says whether they are over the limit. */
  hit(clock: Clock, bucket: string, rule: RateLimitRule, cost = 1): RateLimitState {
    this.lastClock = clock;
    const now = clock();
    const windowStart = windowStartOf(now, rule.windowSeconds).getTime();
    let b = this.buckets.get(bucket);
    // A newer window starts from zero; a lagging clock adds to the newer window it already knows.
    if (!b || b.windowStart < windowStart || b.rule.windowSeconds !== rule.windowSeconds) {
      b = { rule, windowStart, shared: 0, inFlight: 0, pending: 0 };
      this.buckets.set(bucket, b);
    }
    b.rule = rule;
    b.pending += cost;
    this.schedule(this.flushMs);
    const hits = b.shared + b.inFlight + b.pending;
    const limited = hits > rule.limit;
    return {
      hits,
      limited,
      retryAfterSeconds: limited ? secondsUntilWindowEnds(now, new Date(b.windowStart), rule.windowSeconds) : 0,
    };
  }

  /** Hits not yet in the shared table (tests and shutdown). */
  unflushed(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.pending + b.inFlight;
    return n;
  }

  /** Adds every pending hit to the shared table now, in one statement (also what the timer runs). */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.then(() => this.flush());
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const sent = this.takePending();
    if (sent.length === 0) return Promise.resolve();
    this.flushing = this.send(sent).finally(() => {
      this.flushing = null;
      if (this.unflushed() > 0) this.schedule(this.retryDelay());
    });
    return this.flushing;
  }

  private schedule(ms: number) {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, ms);
    // Never keeps a process alive that has nothing else to do.
    this.timer.unref?.();
  }

  private retryDelay() {
    return this.failures === 0 ? this.flushMs : Math.min(MAX_RETRY_MS, this.flushMs * 2 ** this.failures);
  }

  /** Moves pending hits to in flight; forgets buckets whose window has ended (their hits no longer matter). */
  private takePending(): { name: string; b: Bucket; windowStart: number; hits: number }[] {
    const now = this.lastClock().getTime();
    const sent = [];
    for (const [name, b] of this.buckets) {
      if (b.windowStart + b.rule.windowSeconds * 1000 <= now) {
        if (b.inFlight === 0) this.buckets.delete(name);
        continue;
      }
      if (b.pending === 0) continue;
      sent.push({ name, b, windowStart: b.windowStart, hits: b.pending });
      b.inFlight += b.pending;
      b.pending = 0;
    }
    return sent;
  }

  private async send(sent: { name: string; b: Bucket; windowStart: number; hits: number }[]) {
    let timeout: ReturnType<typeof setTimeout> | undefined;
    try {
      const query = this.db.query<{ bucket: string; hits: number; window_ms: number }>(FLUSH_SQL, [
        sent.map((s) => s.name),
        sent.map((s) => s.windowStart),
        sent.map((s) => s.b.rule.windowSeconds),
        sent.map((s) => s.hits),
      ]);
      const late = new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new Error(`no answer in ${this.flushTimeoutMs} ms`)), this.flushTimeoutMs);
      });
      query.catch(() => {}); // a late failure after the timeout is not unhandled
      const { rows } = await Promise.race([query, late]);
      const byName = new Map(rows.map((r) => [r.bucket, r]));
      for (const s of sent) {
        s.b.inFlight -= s.hits;
        const row = byName.get(s.name);
        if (!row || this.buckets.get(s.name) !== s.b) continue;
        if (row.window_ms > s.b.windowStart) {
          // Another instance's clock is ahead and the row moved to a newer window (ours were added to it).
          s.b.windowStart = row.window_ms;
          s.b.shared = row.hits;
        } else if (row.window_ms === s.b.windowStart) s.b.shared = row.hits;
      }
      if (this.failures > 0) this.log(`rate limits: flushed again after ${this.failures} failed flush(es)`);
      this.failures = 0;
    } catch (err) {
      // Keep the hits for the next flush: this instance still counts them against the limit.
      for (const s of sent) {
        s.b.inFlight -= s.hits;
        s.b.pending += s.hits;
      }
      if (this.failures === 0)
        this.log(`rate limits: flush failed, counting in this instance until it works: ${(err as Error).message}`);
      this.failures++;
    } finally {
      clearTimeout(timeout);
    }
  }
}

// One batcher per database handle: the app has one (getDb()); each test database gets its own.
const batchers = new WeakMap<object, RateLimitBatcher>();

export function rateLimitBatcherFor(db: Db): RateLimitBatcher {
  let batcher = batchers.get(db);
  if (!batcher) {
    batcher = new RateLimitBatcher(poolOf(db) as unknown as Queryable);
    batchers.set(db, batcher);
  }
  return batcher;
}

/**
 * enforceRateLimit for the per-call limits: counts in this instance's memory (no database round
 * trip), shared with other instances through the table every FLUSH_MS. Throws RATE_LIMITED past the limit.
 */
export function enforceBatchedRateLimit(
  ctx: { db: Db; clock: Clock },
  input: { bucket: string; rule: RateLimitRule | null; what: string; cost?: number },
): void {
  if (!input.rule) return;
  const state = rateLimitBatcherFor(ctx.db).hit(ctx.clock, input.bucket, input.rule, input.cost);
  if (state.limited) throw rateLimited(input.what, state.retryAfterSeconds);
}
