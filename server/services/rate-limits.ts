import { eq, sql, type SQL } from "drizzle-orm";
import type { Clock } from "@/server/core/actor";
import { rateLimited, secondsUntilWindowEnds, windowStartOf, type RateLimitRule } from "@/server/core/rate-limit";
import type { Db } from "@/server/db/client";
import { rateLimitBuckets } from "@/server/db/schema";

/** What the limiter needs: the database every instance shares, and the clock. */
export interface LimiterContext {
  db: Db;
  clock: Clock;
}

export interface RateLimitState {
  /** Hits counted in the current window, this one included. */
  hits: number;
  limited: boolean;
  retryAfterSeconds: number;
}

/**
 * Counts `cost` hits against `bucket` in one atomic statement (INSERT … ON CONFLICT DO UPDATE),
 * so concurrent requests on any number of instances never lose a hit. A row whose window is
 * older starts again from this hit; an instance whose clock lags a little adds to the newer
 * window instead of resetting it.
 */
export async function hitRateLimit(
  ctx: LimiterContext,
  bucket: string,
  rule: RateLimitRule,
  cost = 1,
): Promise<RateLimitState> {
  const now = ctx.clock();
  const { rows } = await ctx.db.execute<HitRow>(hitStatement(now, bucket, rule, cost));
  return stateOfHit(now, rows[0]!, rule);
}

type HitRow = { hits: number; window_ms: number };

/**
 * The upsert that counts a hit, returning the bucket's hits and window (HitRow), for hitRateLimit
 * and for a statement that counts a hit only when `when` holds (checkSourceToken).
 */
export function hitStatement(now: Date, bucket: string, rule: RateLimitRule, cost = 1, when: SQL = sql`true`) {
  const windowStart = windowStartOf(now, rule.windowSeconds);
  // Every signed-in call runs this: plain SQL, as Drizzle's insert builder costs ~0.5 ms of CPU more per call.
  return sql`
    insert into rate_limit_buckets as t (bucket, window_start, window_seconds, hits)
    select ${bucket}, ${windowStart.toISOString()}::timestamptz, ${rule.windowSeconds}::integer, ${cost}::integer
    where ${when}
    on conflict (bucket) do update set
      hits = case when t.window_start >= excluded.window_start then least(t.hits + excluded.hits, 2000000000) else excluded.hits end,
      window_start = greatest(t.window_start, excluded.window_start),
      window_seconds = excluded.window_seconds
    returning t.hits, (extract(epoch from t.window_start) * 1000)::float8 as window_ms`;
}

/** What a hit (hitStatement's row) says about its bucket. */
export const stateOfHit = (now: Date, row: HitRow, rule: RateLimitRule) =>
  stateOf(now, { hits: row.hits, windowStart: new Date(row.window_ms) }, rule);

/** What a peek at a bucket (its row, if any) says: would one more hit be over the limit? */
export function stateOfPeek(now: Date, row: { hits: number; windowStart: Date } | null, rule: RateLimitRule) {
  if (!row || row.windowStart < windowStartOf(now, rule.windowSeconds))
    return { hits: 0, limited: false, retryAfterSeconds: 0 };
  return stateOf(now, row, rule, row.hits + 1);
}

/**
 * Whether one more hit would be over the limit, without counting one: "has this address already
 * spent its wrong tokens?" is asked before the token is even looked at.
 */
export async function peekRateLimit(ctx: LimiterContext, bucket: string, rule: RateLimitRule): Promise<RateLimitState> {
  const now = ctx.clock();
  const [row] = await ctx.db
    .select({ hits: rateLimitBuckets.hits, windowStart: rateLimitBuckets.windowStart })
    .from(rateLimitBuckets)
    .where(eq(rateLimitBuckets.bucket, bucket));
  return stateOfPeek(now, row ?? null, rule);
}

function stateOf(
  now: Date,
  row: { hits: number; windowStart: Date },
  rule: RateLimitRule,
  counted = row.hits,
): RateLimitState {
  const limited = counted > rule.limit;
  return {
    hits: row.hits,
    limited,
    retryAfterSeconds: limited ? secondsUntilWindowEnds(now, row.windowStart, rule.windowSeconds) : 0,
  };
}

/** Counts the hits and throws RATE_LIMITED (429, Retry-After) once the bucket is over its limit. No rule: no limit. */
export async function enforceRateLimit(
  ctx: LimiterContext,
  input: { bucket: string; rule: RateLimitRule | null; what: string; cost?: number },
): Promise<void> {
  if (!input.rule) return;
  const state = await hitRateLimit(ctx, input.bucket, input.rule, input.cost);
  if (state.limited) throw rateLimited(input.what, state.retryAfterSeconds);
}

/** The rate-limits-clean job: deletes buckets whose window has ended. */
export async function deleteExpiredRateLimits(ctx: LimiterContext): Promise<number> {
  const t = rateLimitBuckets;
  const deleted = await ctx.db
    .delete(t)
    .where(sql`${t.windowStart} + ${t.windowSeconds} * interval '1 second' <= ${ctx.clock()}`)
    .returning({ bucket: t.bucket });
  return deleted.length;
}
