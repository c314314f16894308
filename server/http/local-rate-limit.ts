import { rateLimited, secondsUntilWindowEnds, windowStartOf, type RateLimitRule } from "@/server/core/rate-limit";

/**
 * A rate limit counted in this process's memory, with the same fixed windows as the shared one
 * (server/services/rate-limits.ts), for the operator endpoints (health, readiness, metrics): they
 * must answer while the database does not, and a load balancer or Prometheus asks each instance
 * directly, so a per-instance count is the right one. At most `maxBuckets` addresses are kept;
 * the oldest window's go first.
 */
export function localRateLimiter(maxBuckets = 10_000) {
  const buckets = new Map<string, { windowStart: number; hits: number }>();
  return {
    /** Counts a hit; throws RATE_LIMITED (429 with Retry-After) once `bucket` is over the rule. */
    hit(bucket: string, rule: RateLimitRule | null, what: string, now: Date): void {
      if (!rule) return;
      const windowStart = windowStartOf(now, rule.windowSeconds).getTime();
      const current = buckets.get(bucket);
      const hits = current && current.windowStart === windowStart ? current.hits + 1 : 1;
      buckets.delete(bucket);
      buckets.set(bucket, { windowStart, hits });
      // A Map iterates in insertion order and each hit re-inserts: the first key is the stalest.
      if (buckets.size > maxBuckets) buckets.delete(buckets.keys().next().value!);
      if (hits > rule.limit)
        throw rateLimited(what, secondsUntilWindowEnds(now, new Date(windowStart), rule.windowSeconds));
    },
    /** Whether `bucket` has already spent the rule in this window, without counting a hit. */
    spent(bucket: string, rule: RateLimitRule | null, now: Date): number {
      if (!rule) return 0;
      const windowStart = windowStartOf(now, rule.windowSeconds).getTime();
      const current = buckets.get(bucket);
      return current && current.windowStart === windowStart && current.hits >= rule.limit
        ? secondsUntilWindowEnds(now, new Date(windowStart), rule.windowSeconds)
        : 0;
    },
  };
}
