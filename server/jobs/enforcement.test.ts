import { and, count, eq, inArray, isNull, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { createDrizzle } from "@/server/db/client";
import { accessExceptions, adapterCalls, auditEvents, provisioningOperations } from "@/server/db/schema";
import { closeAdapters } from "@/server/services/provisioning/adapters";
import { enforcementStatus } from "@/server/services/provisioning/enforcement-status";
import { configureSystemAdapter } from "@/server/services/provisioning/system-admin";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { insertExpiringExceptions } from "@/test/support/expiring";
import { waitFor } from "@/test/support/flaky-target";
import { startHoldingTarget, type HoldingTarget } from "@/test/support/holding-target";
import { as } from "@/test/support/requests";
import { startEnforcementLoop } from "./enforcement";

/**
 * Issue 14, goal 3: expiry on time whatever the adapters do. Two "instances" (an enforcement
 * loop each, on its own pool) share one database; the target holds every call until the test
 * lets it answer. Behaviour, not timing: the exceptions end while every removal call is held.
 */
const SECRET = "whsec_expiry_on_time";
const BOUND = { google: 8, slack: 3 };
let t: TestDatabase;
let target: HoldingTarget;
const pools: pg.Pool[] = [];
const saved = { ...process.env };

beforeAll(async () => {
  process.env.CLEARANCE_PROVISIONING_CONCURRENCY = String(BOUND.google);
  process.env.CLEARANCE_PROVISIONING_CONCURRENCY_SLACK = String(BOUND.slack);
  t = await createTestDatabase();
  target = await startHoldingTarget();
  // Only this test's work: the seed's queued operations and its exceptions due soon are out of the way.
  await t.db.execute(
    sql`update provisioning_operations set status = 'cancelled' where status in ('pending', 'waiting')`,
  );
  await t.db.execute(
    sql`update access_exceptions set ended_at = expires_at, end_reason = 'expired', ended_by = 'fixture', status = 'removed'
        where ended_at is null and expires_at < now() + interval '1 day'`,
  );
  const priya = await as(t.db, "priya.raman@company.com", () => new Date());
  for (const systemKey of ["google", "slack"])
    await configureSystemAdapter({
      ctx: priya,
      input: {
        systemKey,
        adapterKind: "webhook",
        // Calls are held for as long as the test needs: no timeout on a slow machine.
        adapterConfig: { url: target.url, secret: SECRET, timeoutMs: 600_000 },
      },
    });
});
afterAll(async () => {
  process.env = saved;
  await target?.close();
  await closeAdapters();
  await Promise.all(pools.map((p) => p.end()));
  await t?.close();
});

/** A second app instance's database handle: its own pool on the same database. */
function instanceDb() {
  const pool = new pg.Pool({ connectionString: t.url, max: 10 });
  pool.on("error", () => undefined);
  pools.push(pool);
  return createDrizzle(pool);
}

const endedCount = async (ids: string[]) =>
  (
    await t.db
      .select({ n: count() })
      .from(accessExceptions)
      .where(and(inArray(accessExceptions.id, ids), eq(accessExceptions.endReason, "expired")))
  )[0]!.n;

describe("expiry on time whatever the adapters do (two instances, a target that holds every call)", () => {
  it("ends 200 exceptions expiring together while every removal call is held; removals stay within each system's bound on two instances; each is revoked once", async () => {
    const now = Date.now();
    // A first wave whose removals take every slot and are held: the next expiries must not wait for them.
    const first = [
      ...(await insertExpiringExceptions(t.db, { systemKey: "google", count: 12, expiresAt: new Date(now - 60_000) })),
      ...(await insertExpiringExceptions(t.db, { systemKey: "slack", count: 6, expiresAt: new Date(now - 60_000) })),
    ];
    const status = () => enforcementStatus({ ctx: { db: t.db, actor: systemActor("test"), clock: () => new Date() } });
    const before = await status();
    expect(before.expiry.overdue).toBe(first.length);
    expect(before.expiry.lagMs).toBeGreaterThanOrEqual(60_000);

    const logs: string[] = [];
    const log = (line: string) => logs.push(line);
    const start = () => startEnforcementLoop({ db: instanceDb(), everyMs: 200, provisioningEveryMs: 200, log });
    // One instance first: its own held calls must not hold up its expiry loop.
    const instances = [start()];
    try {
      await waitFor(
        () => target.inFlight("google") === BOUND.google && target.inFlight("slack") === BOUND.slack,
        "both systems' removals to fill their bounds",
        60_000,
      );
      expect(target.answered()).toBe(0);

      // 200 more expire together while those calls are held.
      const second = await insertExpiringExceptions(t.db, {
        systemKey: "google",
        count: 200,
        expiresAt: new Date(),
      });
      const all = [...first, ...second];
      await waitFor(async () => (await endedCount(all)) === all.length, "every exception to end", 120_000);
      // Every one ended (out of expected access, audited, removal queued) before any removal call returned.
      expect(target.answered()).toBe(0);
      expect(target.maxInFlight("google")).toBe(BOUND.google);
      expect(target.maxInFlight("slack")).toBe(BOUND.slack);
      const expiredEvents = await t.db
        .select({ n: count() })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "exception.expired"), inArray(auditEvents.subjectId, all)));
      expect(expiredEvents[0]!.n).toBe(all.length);

      // The Systems page's figures: on time now; the removals wait, within the bound, under way on both instances.
      const during = await status();
      expect(during.expiry).toMatchObject({ overdue: 0, lagMs: 0, oldestOverdueAt: null });
      const google = during.systems.find((s) => s.systemKey === "google")!;
      expect(google).toMatchObject({
        concurrency: BOUND.google,
        removals: 212,
        removalsInFlight: BOUND.google,
        removalsDue: 212 - BOUND.google,
      });
      expect(google.oldestRemovalWaitMs).toBeGreaterThanOrEqual(0);

      // A second instance joins for the removals: the bound holds across both, and nothing is done twice.
      instances.push(start());
      await instances[1]!.caughtUp;
      target.open();
      await waitFor(
        async () =>
          (
            await t.db
              .select({ n: count() })
              .from(accessExceptions)
              .where(and(inArray(accessExceptions.id, all), eq(accessExceptions.status, "removed")))
          )[0]!.n === all.length,
        "every removal to be recorded",
        180_000,
      );
      // Never more calls at once than the bound, across both instances.
      expect(target.maxInFlight("google")).toBe(BOUND.google);
      expect(target.maxInFlight("slack")).toBe(BOUND.slack);

      // Exactly once: one revoke per exception, one call each at the target (its id as idempotency key), one logged call.
      const revokes = await t.db
        .select()
        .from(provisioningOperations)
        .where(and(inArray(provisioningOperations.exceptionId, all), eq(provisioningOperations.action, "revoke")));
      expect(revokes).toHaveLength(all.length);
      expect(new Set(revokes.map((r) => r.exceptionId)).size).toBe(all.length);
      expect(revokes.every((r) => r.status === "done" && r.attempts === 1 && r.claimToken === null)).toBe(true);
      const atTarget = target.calls.filter((c) => c.action === "revoke");
      expect(atTarget).toHaveLength(all.length);
      expect(new Set(atTarget.map((c) => c.operationId))).toEqual(new Set(revokes.map((r) => r.id)));
      expect(atTarget.every((c) => c.idempotencyKey === c.operationId)).toBe(true);
      const logged = await t.db
        .select({ n: count() })
        .from(adapterCalls)
        .where(
          inArray(
            adapterCalls.operationId,
            revokes.map((r) => r.id),
          ),
        );
      expect(logged[0]!.n).toBe(all.length);
      const delivered = await t.db
        .select({ n: count() })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "exception.removal_delivered"), inArray(auditEvents.subjectId, all)));
      expect(delivered[0]!.n).toBe(all.length);
      expect(
        await t.db
          .select()
          .from(accessExceptions)
          .where(and(inArray(accessExceptions.id, all), isNull(accessExceptions.endedAt))),
      ).toEqual([]);
      expect(logs.filter((l) => /ran out|provisioning: |expiry: /.test(l))).toEqual([]);
      expect((await status()).systems.filter((s) => s.removals > 0)).toEqual([]);
    } finally {
      target.open();
      await Promise.all(instances.map((i) => i.stop()));
    }
  }, 400_000);
});
