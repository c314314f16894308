import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { recordingDb } from "@/test/support/query-recorder";
import { cachedFigure } from "./cached-figures";
import { EXCEPTION_COUNTS_MAX_AGE_MS, exceptionCounts } from "./exceptions/queries";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const at = (ms: number) => new Date(Date.UTC(2026, 10, 22, 12) + ms);

describe("cached figures", () => {
  it("are computed once and read back until they are older than their bound, then recomputed", async () => {
    let computed = 0;
    const spec = { key: "test-bound", maxAgeMs: 10_000, compute: async () => ++computed };
    expect(await cachedFigure(t.db, at(0), spec)).toBe(1);
    expect(await cachedFigure(t.db, at(9_999), spec)).toBe(1);
    expect(await cachedFigure(t.db, at(10_000), spec)).toBe(2);
    // a clock set back does not trust a value from its future
    expect(await cachedFigure(t.db, at(-1), spec)).toBe(3);
    expect(computed).toBe(3);
  });

  it("are served from this process's memory while fresh, with no query, and read again past their bound", async () => {
    const { db, queries } = recordingDb(t.pool);
    let computed = 0;
    const spec = { key: "test-memory", maxAgeMs: 10_000, compute: async () => ++computed };
    expect(await cachedFigure(db, at(0), spec)).toBe(1);
    expect(queries.length).toBeGreaterThan(0);
    queries.length = 0;
    expect(await cachedFigure(db, at(9_999), spec)).toBe(1);
    expect(queries).toEqual([]);
    // Another instance (another handle) recomputes it later: this one sees that once its own copy is stale.
    expect(await cachedFigure(t.db, at(10_000), spec)).toBe(2);
    expect(await cachedFigure(db, at(11_000), spec)).toBe(2);
    expect(queries.filter((q) => /cached_figures/.test(q.text))).toHaveLength(1);
    expect(computed).toBe(2);
    // A clock set back does not trust it either.
    queries.length = 0;
    expect(await cachedFigure(db, at(9_000), spec)).toBe(3);
    expect(queries.length).toBeGreaterThan(0);
  });

  it("are computed by one caller in the cluster when many ask at once; the others wait only for the first value", async () => {
    let computed = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const spec = {
      key: "test-once",
      maxAgeMs: 10_000,
      compute: async () => {
        computed++;
        await gate;
        return computed;
      },
    };
    // 8 callers over separate connections, none with a value yet: one computes, the others wait for it.
    const first = Array.from({ length: 8 }, () => cachedFigure(t.db, at(0), spec));
    await expect.poll(() => computed, { timeout: 30_000 }).toBe(1);
    release();
    expect(await Promise.all(first)).toEqual(Array(8).fill(1));
    expect(computed).toBe(1);

    // Stale: one recomputes while the others read the last value at once, not waiting for it.
    let releaseAgain!: () => void;
    const gateAgain = new Promise<void>((resolve) => (releaseAgain = resolve));
    const slow = {
      ...spec,
      compute: async () => {
        await gateAgain;
        return ++computed;
      },
    };
    const recomputing = cachedFigure(t.db, at(20_000), slow);
    await expect.poll(() => locksHeld(), { timeout: 30_000 }).toBe(1);
    expect(await Promise.all(Array.from({ length: 6 }, () => cachedFigure(t.db, at(20_000), slow)))).toEqual(
      Array(6).fill(1),
    );
    releaseAgain();
    expect(await recomputing).toBe(2);
    expect(await cachedFigure(t.db, at(20_001), slow)).toBe(2);
    expect(computed).toBe(2);
  });

  it("the exceptions dashboard's counts are right, and follow a change within their bound", async () => {
    const now = at(0);
    const before = await exceptionCounts(t.db, now);
    expect(before.open).toBe(await openExceptions());
    await t.db.execute(sql`
      insert into access_exceptions (identity_id, resource_key, source, type, justification, approver_id, approved_at,
        created_by, created_at, starts_at, expires_at, status)
      select (select id from identities order by email limit 1), (select key from resources order by key limit 1),
        'admin', 'project', 'Quarter-end close', (select id from identities where email = 'cfo@company.com'),
        ${now}, 'test', ${now}, ${now}, ${at(3 * 86_400_000)}, 'active'`);
    // Within the bound, the last value; past it, the new one.
    expect((await exceptionCounts(t.db, at(1_000))).open).toBe(before.open);
    const after = await exceptionCounts(t.db, at(EXCEPTION_COUNTS_MAX_AGE_MS));
    expect(after.open).toBe(before.open + 1);
    expect(after.expiring7).toBe(before.expiring7 + 1);
    expect(after.open).toBe(await openExceptions());
    expect(after.shareOfAccess).toBeCloseTo(after.open / (after.open + after.policyGrants));
  });
});

async function openExceptions() {
  const { rows } = await t.db.execute<{ n: number }>(
    sql`select count(*)::int as n from access_exceptions where ended_at is null`,
  );
  return rows[0]!.n;
}

async function locksHeld() {
  const { rows } = await t.db.execute<{ n: number }>(
    sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())`,
  );
  return rows[0]!.n;
}
