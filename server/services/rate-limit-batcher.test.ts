import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rateLimitBuckets } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { movableClock } from "@/test/support/requests";
import { enforceBatchedRateLimit, RateLimitBatcher, rateLimitBatcherFor, type Queryable } from "./rate-limit-batcher";
import { hitRateLimit } from "./rate-limits";

let t: TestDatabase;
// Two application instances: each its own pool (and batcher) on the same database.
let poolA: pg.Pool;
let poolB: pg.Pool;
const clock = movableClock("2026-06-01T08:00:10Z");
// Flushes only when a test says so: the timer's interval is far longer than any test.
const manual = { flushMs: 3_600_000, log: () => {} };

beforeAll(async () => {
  t = await createTestDatabase("empty");
  poolA = new pg.Pool({ connectionString: t.url, max: 2 });
  poolB = new pg.Pool({ connectionString: t.url, max: 2 });
});
afterAll(async () => {
  await poolA.end();
  await poolB.end();
  await t.close();
});

async function storedHits(bucket: string): Promise<number | null> {
  const [row] = await t.db.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.bucket, bucket));
  return row?.hits ?? null;
}

/** Calls `n` times; how many were let through. */
function admitted(
  batcher: RateLimitBatcher,
  bucket: string,
  rule: { limit: number; windowSeconds: number },
  n: number,
) {
  let ok = 0;
  for (let i = 0; i < n; i++) if (!batcher.hit(clock, bucket, rule).limited) ok++;
  return ok;
}

describe("rate limits counted in memory and flushed to PostgreSQL", () => {
  it("is exact within one instance, before and after flushes, with no database round trip per hit", async () => {
    const a = new RateLimitBatcher(poolA, manual);
    const rule = { limit: 5, windowSeconds: 60 };
    expect([1, 2, 3].map(() => a.hit(clock, "one:exact", rule).hits)).toEqual([1, 2, 3]);
    // Nothing reached the table yet.
    expect(await storedHits("one:exact")).toBeNull();
    await a.flush();
    expect(await storedHits("one:exact")).toBe(3);
    // The flushed hits are not counted twice: two more reach the limit, the sixth is refused.
    expect(a.hit(clock, "one:exact", rule, 2)).toMatchObject({ hits: 5, limited: false });
    // 08:00:10 in the window 08:00:00–08:01:00.
    expect(a.hit(clock, "one:exact", rule)).toEqual({ hits: 6, limited: true, retryAfterSeconds: 50 });
    await a.flush();
    expect(await storedHits("one:exact")).toBe(6);
    expect(a.hit(clock, "one:exact", rule).limited).toBe(true);
    expect(() =>
      enforceBatchedRateLimit({ db: t.db, clock }, { bucket: "one:exact", rule: null, what: "tries" }),
    ).not.toThrow();
  });

  it("across two instances, one sees the other's count at its next flush: overshoot = its calls to then", async () => {
    const a = new RateLimitBatcher(poolA, manual);
    const b = new RateLimitBatcher(poolB, manual);
    const rule = { limit: 10, windowSeconds: 60 };
    expect(admitted(a, "two:spread", rule, 12)).toBe(10);
    await a.flush();
    // B has not flushed this bucket since A's hits: it lets through what it gets until its own flush...
    expect(admitted(b, "two:spread", rule, 3)).toBe(3);
    await b.flush();
    expect(await storedHits("two:spread")).toBe(15);
    // ...and from then on refuses, like A. In all: the limit + B's calls in one flush interval.
    expect(admitted(b, "two:spread", rule, 5)).toBe(0);
    expect(admitted(a, "two:spread", rule, 5)).toBe(0);

    // The other way round: B's flushed hits stop A at A's next flush.
    expect(admitted(a, "two:back", rule, 6)).toBe(6);
    await a.flush();
    expect(admitted(b, "two:back", rule, 4)).toBe(4);
    await b.flush();
    expect(b.hit(clock, "two:back", rule)).toMatchObject({ hits: 11, limited: true });
    expect(a.hit(clock, "two:back", rule)).toMatchObject({ hits: 7, limited: false }); // stale: within the bound
    await a.flush();
    // 6 + 4 flushed, A's stale one, and this one (B's refused hit is not flushed yet).
    expect(a.hit(clock, "two:back", rule)).toMatchObject({ hits: 12, limited: true });

    // A limit counted exactly elsewhere (an export's hitRateLimit) reaches the batcher at its next flush.
    expect(admitted(a, "two:mixed", rule, 2)).toBe(2);
    await hitRateLimit({ db: t.db, clock }, "two:mixed", rule, 8);
    await a.flush();
    expect(a.hit(clock, "two:mixed", rule)).toMatchObject({ hits: 11, limited: true });
  });

  it("starts each window from zero and never adds an ended window's hits to the next", async () => {
    const a = new RateLimitBatcher(poolA, manual);
    const rule = { limit: 3, windowSeconds: 60 };
    const local = movableClock("2026-06-01T09:00:50Z");
    for (let i = 0; i < 4; i++) a.hit(local, "win:roll", rule);
    expect(a.hit(local, "win:roll", rule).limited).toBe(true);
    local.advance(1);
    // The 5 hits of 09:00 were never flushed; 09:01's count starts afresh and only its own hit is stored.
    expect(a.hit(local, "win:roll", rule)).toMatchObject({ hits: 1, limited: false });
    await a.flush();
    expect(await storedHits("win:roll")).toBe(1);
  });

  it("a failed flush neither throws nor opens the gate: it counts alone, sends later", async () => {
    let down = true;
    const lines: string[] = [];
    const flaky: Queryable = {
      query: (text, values) => (down ? Promise.reject(new Error("connection refused")) : poolA.query(text, values)),
    };
    const a = new RateLimitBatcher(flaky, { flushMs: 10, log: (l) => lines.push(l) });
    const rule = { limit: 5, windowSeconds: 600 };
    expect(admitted(a, "fail:gate", rule, 3)).toBe(3);
    await a.flush();
    // Its own timer keeps trying (without an unhandled rejection) while the database is down.
    await new Promise((r) => setTimeout(r, 100));
    expect(lines).toEqual([expect.stringMatching(/rate limits: flush failed.*connection refused/)]);
    // Still limited by this instance's own count: 2 more, then refused.
    expect(admitted(a, "fail:gate", rule, 4)).toBe(2);
    expect(await storedHits("fail:gate")).toBeNull();
    down = false;
    await a.flush();
    expect(await storedHits("fail:gate")).toBe(7);
    expect(a.unflushed()).toBe(0);
    expect(a.hit(clock, "fail:gate", rule)).toMatchObject({ hits: 8, limited: true });
    expect(lines[1]).toMatch(/flushed again after \d+ failed flush/);
  });

  it("a flush with no answer gives up after its timeout and keeps the hits for the next one", async () => {
    let hang = true;
    const slow: Queryable = {
      query: (text, values) => (hang ? new Promise(() => {}) : poolA.query(text, values)),
    };
    const a = new RateLimitBatcher(slow, { flushMs: 3_600_000, flushTimeoutMs: 50, log: () => {} });
    const rule = { limit: 5, windowSeconds: 600 };
    a.hit(clock, "fail:hang", rule, 2);
    await a.flush();
    expect(a.unflushed()).toBe(2);
    hang = false;
    await a.flush();
    expect(await storedHits("fail:hang")).toBe(2);
  });

  it("one batcher per database handle, flushed on its own timer", async () => {
    expect(rateLimitBatcherFor(t.db)).toBe(rateLimitBatcherFor(t.db));
    const rule = { limit: 2, windowSeconds: 60 };
    enforceBatchedRateLimit({ db: t.db, clock }, { bucket: "own:timer", rule, what: "tries" });
    enforceBatchedRateLimit({ db: t.db, clock }, { bucket: "own:timer", rule, what: "tries" });
    expect(() => enforceBatchedRateLimit({ db: t.db, clock }, { bucket: "own:timer", rule, what: "tries" })).toThrow(
      expect.objectContaining({ code: "RATE_LIMITED", retryAfterSeconds: 50 }),
    );
    await expect.poll(() => storedHits("own:timer"), { timeout: 5_000 }).toBe(3);
  });
});
