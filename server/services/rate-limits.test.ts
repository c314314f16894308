import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseRateLimitRule } from "@/server/core/rate-limit";
import { createDrizzle, type Db } from "@/server/db/client";
import { rateLimitBuckets } from "@/server/db/schema";
import { checkRateLimitSettings, rateLimitRule } from "@/server/http/limits";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { movableClock } from "@/test/support/requests";
import { deleteExpiredRateLimits, enforceRateLimit, hitRateLimit, peekRateLimit } from "./rate-limits";

let t: TestDatabase;
// A second application instance: its own connection pool on the same database.
let otherPool: pg.Pool;
let other: Db;
const clock = movableClock("2026-06-01T08:00:10Z");

beforeAll(async () => {
  t = await createTestDatabase("empty");
  otherPool = new pg.Pool({ connectionString: t.url, max: 10 });
  other = createDrizzle(otherPool);
});
afterAll(async () => {
  await otherPool.end();
  await t.close();
});

describe("rate limits in PostgreSQL", () => {
  it("counts hits per bucket in a fixed window and refuses past the limit with the seconds to wait", async () => {
    const rule = { limit: 3, windowSeconds: 60 };
    const ctx = { db: t.db, clock };
    const states = [];
    for (let i = 0; i < 4; i++) states.push(await hitRateLimit(ctx, "test:one", rule));
    expect(states.map((s) => [s.hits, s.limited])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    // 08:00:10 in the window 08:00:00–08:01:00.
    expect(states[3]!.retryAfterSeconds).toBe(50);
    await expect(enforceRateLimit(ctx, { bucket: "test:one", rule, what: "tries" })).rejects.toMatchObject({
      code: "RATE_LIMITED",
      retryAfterSeconds: 50,
      message: "Too many tries: try again in 50 seconds",
    });
    // Other buckets are untouched.
    expect((await hitRateLimit(ctx, "test:two", rule)).hits).toBe(1);
    // The next window starts from zero.
    clock.advance(1);
    expect(await hitRateLimit(ctx, "test:one", rule)).toMatchObject({ hits: 1, limited: false });
  });

  it("holds across instances: two pools hitting one bucket at once lose no hit", async () => {
    const rule = { limit: 100, windowSeconds: 600 };
    const hits = await Promise.all(
      Array.from({ length: 60 }, (_, i) => hitRateLimit({ db: i % 2 ? other : t.db, clock }, "test:shared", rule)),
    );
    // Every hit saw a distinct count: the upsert is atomic.
    expect(hits.map((h) => h.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    // What one instance counted, the other refuses.
    await hitRateLimit({ db: t.db, clock }, "test:shared", rule, 40);
    expect(await hitRateLimit({ db: other, clock }, "test:shared", rule)).toMatchObject({ hits: 101, limited: true });
  });

  it("counts a batch as many hits, and an instance whose clock lags adds to the newer window", async () => {
    const rule = { limit: 20, windowSeconds: 60 };
    const ahead = movableClock("2026-06-01T09:00:01Z");
    const behind = movableClock("2026-06-01T08:59:59Z");
    expect((await hitRateLimit({ db: t.db, clock: ahead }, "test:batch", rule, 15)).hits).toBe(15);
    expect(await hitRateLimit({ db: other, clock: behind }, "test:batch", rule, 6)).toMatchObject({
      hits: 21,
      limited: true,
    });
  });

  it("peeks without counting: would one more hit be refused?", async () => {
    const rule = { limit: 2, windowSeconds: 60 };
    const ctx = { db: t.db, clock };
    expect((await peekRateLimit(ctx, "test:peek", rule)).limited).toBe(false);
    await hitRateLimit(ctx, "test:peek", rule);
    expect((await peekRateLimit(ctx, "test:peek", rule)).limited).toBe(false);
    await hitRateLimit(ctx, "test:peek", rule);
    expect(await peekRateLimit(ctx, "test:peek", rule)).toMatchObject({ hits: 2, limited: true });
    expect(await peekRateLimit({ db: other, clock }, "test:peek", rule)).toMatchObject({ limited: true });
  });

  it("the cleaning job deletes the buckets of windows that have ended", async () => {
    const ctx = { db: t.db, clock };
    await hitRateLimit(ctx, "test:long", { limit: 5, windowSeconds: 3600 });
    await hitRateLimit(ctx, "test:short", { limit: 5, windowSeconds: 60 });
    clock.advance(2);
    await deleteExpiredRateLimits(ctx);
    const left = (await t.db.select({ bucket: rateLimitBuckets.bucket }).from(rateLimitBuckets)).map((r) => r.bucket);
    expect(left).toContain("test:long");
    expect(left).not.toContain("test:short");
    expect(await t.db.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.bucket, "test:one"))).toEqual([]);
  });
});

describe("rate-limit settings", () => {
  it("reads N/window from the environment, with defaults, off, and a clear error for a typo", () => {
    expect(parseRateLimitRule("30/1m", "X")).toEqual({ limit: 30, windowSeconds: 60 });
    expect(parseRateLimitRule("1200 / 60s", "X")).toEqual({ limit: 1200, windowSeconds: 60 });
    expect(parseRateLimitRule("20/10m", "X")).toEqual({ limit: 20, windowSeconds: 600 });
    expect(parseRateLimitRule("5/h", "X")).toEqual({ limit: 5, windowSeconds: 3600 });
    expect(parseRateLimitRule("off", "X")).toBeNull();
    expect(rateLimitRule("wrongToken", {})).toEqual({ limit: 10, windowSeconds: 600 });
    expect(rateLimitRule("signIn", { CLEARANCE_RATE_LIMIT_SIGN_IN: "5/1m" })).toEqual({ limit: 5, windowSeconds: 60 });
    for (const bad of ["30", "30/", "0/1m", "thirty/1m", "30/2d", "-1/1m"])
      expect(() => parseRateLimitRule(bad, "CLEARANCE_RATE_LIMIT_CALLS")).toThrow(
        /CLEARANCE_RATE_LIMIT_CALLS is ".*": write a number of hits per window/,
      );
    expect(() => checkRateLimitSettings({ CLEARANCE_RATE_LIMIT_TOKEN: "lots" })).toThrow(/CLEARANCE_RATE_LIMIT_TOKEN/);
    expect(() => checkRateLimitSettings({})).not.toThrow();
  });
});
