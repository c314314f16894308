import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, adapterCalls, auditEvents, provisioningOperations } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { insertExpiringExceptions } from "@/test/support/expiring";
import { waitFor } from "@/test/support/flaky-target";
import { startHoldingTarget, type HoldingTarget } from "@/test/support/holding-target";
import { as } from "@/test/support/requests";
import { expireExceptions } from "../exceptions/end";
import { closeAdapters } from "./adapters";
import { claimDue, concurrencyFor, performClaim, runDueOperations } from "./runner";
import { configureSystemAdapter } from "./system-admin";

/**
 * Claims: no adapter call inside a transaction, and exactly once when a runner stops mid-call.
 * A claim is a lease; when it runs out another runner tries again with the same idempotency
 * key, and the first runner, should it come back, records its call but changes nothing.
 */
let t: TestDatabase;
let target: HoldingTarget;
const ctx = (name = "provisioning") => ({ db: t.db, actor: systemActor(name), clock: () => new Date() });

beforeAll(async () => {
  t = await createTestDatabase();
  target = await startHoldingTarget({ open: true });
  await t.db.execute(
    sql`update provisioning_operations set status = 'cancelled' where status in ('pending', 'waiting')`,
  );
  await configureSystemAdapter({
    ctx: await as(t.db, "priya.raman@company.com", () => new Date()),
    input: { systemKey: "google", adapterKind: "webhook", adapterConfig: { url: target.url, secret: "whsec_claims" } },
  });
});
afterAll(async () => {
  await target?.close();
  await closeAdapters();
  await t?.close();
});
beforeEach(() => {
  target.calls.length = 0;
});

async function oneRemoval() {
  const [id] = await insertExpiringExceptions(t.db, { systemKey: "google", count: 1, expiresAt: new Date() });
  expect(await expireExceptions({ ctx: ctx("exceptions-expire") })).toBeGreaterThanOrEqual(1);
  const [op] = await t.db
    .select()
    .from(provisioningOperations)
    .where(and(eq(provisioningOperations.exceptionId, id!), eq(provisioningOperations.action, "revoke")));
  return { exceptionId: id!, op: op! };
}
const opRow = async (id: string) =>
  (await t.db.select().from(provisioningOperations).where(eq(provisioningOperations.id, id)))[0]!;
const auditCount = async (action: string, subjectId: string) =>
  (
    await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, action), eq(auditEvents.subjectId, subjectId)))
  ).length;

describe("a runner that stops mid-call", () => {
  it("leaves a lease that runs out; another runner calls again with the same idempotency key; the first one, back late, changes nothing", async () => {
    const { exceptionId, op } = await oneRemoval();
    // Runner A claims with a short lease and "stops" before it calls (as a kill -9 would leave it).
    const { claims } = await claimDue(ctx(), "google", 10, 300);
    const claimA = claims.find((c) => c.op.id === op.id)!;
    expect(claimA.op).toMatchObject({ status: "pending", attempts: 1 });
    // While the lease holds, nobody else takes it.
    expect((await claimDue(ctx(), "google", 10)).claims.map((c) => c.op.id)).not.toContain(op.id);
    await waitFor(async () => (await opRow(op.id)).leaseUntil! < new Date(Date.now() - 50), "the lease to run out");

    // Runner B takes it over: a second attempt, the same operation id as idempotency key.
    expect(await runDueOperations({ ctx: ctx() })).toBeGreaterThanOrEqual(1);
    expect(await opRow(op.id)).toMatchObject({ status: "done", attempts: 2, claimToken: null, leaseUntil: null });
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, exceptionId)))[0]!.status).toBe(
      "removed",
    );

    // Runner A comes back and makes its call after all: the target sees the same key twice; the database records it once.
    expect(await performClaim(ctx(), claimA)).toBe("lost");
    const calls = target.calls.filter((c) => c.operationId === op.id);
    expect(calls.map((c) => c.idempotencyKey)).toEqual([op.id, op.id]);
    expect(await t.db.select().from(adapterCalls).where(eq(adapterCalls.operationId, op.id))).toHaveLength(2);
    expect(await auditCount("provisioning.revoked", op.id)).toBe(1);
    expect(await auditCount("exception.removal_delivered", exceptionId)).toBe(1);
    expect(await opRow(op.id)).toMatchObject({ status: "done", attempts: 2 });
  });

  it("on its last attempt, fails the operation (revoke failed for IT) instead of trying beyond its attempts", async () => {
    const { exceptionId, op } = await oneRemoval();
    await t.db.update(provisioningOperations).set({ maxAttempts: 1 }).where(eq(provisioningOperations.id, op.id));
    await claimDue(ctx(), "google", 10, 300);
    await waitFor(async () => (await opRow(op.id)).leaseUntil! < new Date(Date.now() - 50), "the lease to run out");
    await runDueOperations({ ctx: ctx() });
    expect(await opRow(op.id)).toMatchObject({
      status: "failed",
      attempts: 1,
      lastError: expect.stringMatching(/no answer was recorded for attempt 1 of 1/),
    });
    expect((await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, exceptionId)))[0]!.status).toBe(
      "revoke_failed",
    );
    expect(target.calls.filter((c) => c.operationId === op.id)).toEqual([]);
  });
});

describe("no adapter call inside a transaction", () => {
  it("a claimed operation's call is under way with no transaction open and no row lock held", async () => {
    const { op } = await oneRemoval();
    const held = await startHoldingTarget();
    await configureSystemAdapter({
      ctx: await as(t.db, "priya.raman@company.com", () => new Date()),
      input: { systemKey: "google", adapterKind: "webhook", adapterConfig: { url: held.url, secret: "whsec_claims" } },
    });
    try {
      const running = runDueOperations({ ctx: ctx() });
      await waitFor(() => held.calls.some((c) => c.operationId === op.id), "the revoke to reach the target");
      // Another writer locks the operation's row at once (NOWAIT), and no session of this database is in a transaction.
      await t.db.transaction(async (tx) => {
        await tx.execute(sql`select id from provisioning_operations where id = ${op.id} for update nowait`);
      });
      const { rows } = await t.db.execute<{ n: number }>(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
      );
      expect(rows[0]!.n).toBe(0);
      held.open();
      await running;
      expect(await opRow(op.id)).toMatchObject({ status: "done" });
    } finally {
      await held.close();
      await configureSystemAdapter({
        ctx: await as(t.db, "priya.raman@company.com", () => new Date()),
        input: {
          systemKey: "google",
          adapterKind: "webhook",
          adapterConfig: { url: target.url, secret: "whsec_claims" },
        },
      });
    }
  });
});

describe("the bound per system", () => {
  it("is 8 by default, CLEARANCE_PROVISIONING_CONCURRENCY for all, _<SYSTEM> for one; a bad value names the variable", () => {
    expect(concurrencyFor("google", {})).toBe(8);
    expect(concurrencyFor("google", { CLEARANCE_PROVISIONING_CONCURRENCY: "4" })).toBe(4);
    expect(
      concurrencyFor("my-crm", {
        CLEARANCE_PROVISIONING_CONCURRENCY: "4",
        CLEARANCE_PROVISIONING_CONCURRENCY_MY_CRM: "2",
      }),
    ).toBe(2);
    expect(() => concurrencyFor("google", { CLEARANCE_PROVISIONING_CONCURRENCY: "lots" })).toThrow(
      /^CLEARANCE_PROVISIONING_CONCURRENCY must be a whole number from 1 to 256, not "lots"$/,
    );
  });
});
