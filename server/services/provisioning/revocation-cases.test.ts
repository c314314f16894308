import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, accessRequests, auditEvents, manualTasks, provisioningOperations } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import {
  FINANCE_REPORTS,
  financeReportsException,
  shapeFinanceReportsTemplate,
} from "@/test/support/finance-exceptions";
import { startFlakyTarget, waitFor, type FlakyTarget } from "@/test/support/flaky-target";
import { as, clearRequests, movableClock, submit } from "@/test/support/requests";
import { revokeException } from "../exceptions/end";
import { decideRequest } from "../requests/decide";
import { closeAdapters } from "./adapters";
import { completeManualTask, queueOperation, retryOperation, runDueOperations } from "./operations";
import { applyOperationOutcome } from "./outcome";
import { configureSystemAdapter } from "./system-admin";
import { getSystem } from "./systems";

const SECRET = "whsec_revocation_cases";
const SARAH = "sarah.chen@company.com";
const clock = movableClock("2026-11-16T09:00:00Z");
const jobs = () => ({ db: t.db, actor: systemActor("provisioning"), clock });
const run = () => runDueOperations({ ctx: jobs() });
let t: TestDatabase;
let target: FlakyTarget;

beforeAll(async () => {
  t = await createTestDatabase();
  target = await startFlakyTarget({ secret: SECRET, clock });
});
afterAll(async () => {
  await closeAdapters();
  await target?.close();
  await t?.close();
});
beforeEach(async () => {
  await clearRequests(t.db);
  target.calls.length = 0;
  target.members.clear();
  target.failGrantsUntil(null);
  await useAdapter("webhook");
  await shapeFinanceReportsTemplate(t.db, { mode: "retry", maxAttempts: 5 }, [60]);
});

async function useAdapter(kind: "webhook" | "manual") {
  const priya = await as(t.db, "priya.raman@company.com", clock);
  await configureSystemAdapter({
    ctx: priya,
    input: {
      systemKey: "google",
      adapterKind: kind,
      adapterConfig: kind === "webhook" ? { url: target.url, secret: SECRET } : {},
    },
  });
}

async function sarahsException() {
  const made = await financeReportsException(t.db, SARAH, clock, 60);
  if (!made) throw new Error("Sarah could not ask for finance-reports");
  return made.exception;
}
const revoke = async (exceptionId: string) =>
  revokeException({
    ctx: await as(t.db, "priya.raman@company.com", clock),
    input: { exceptionId, reason: "Project cancelled" },
  });
const operationsOf = (exceptionId: string) =>
  t.db
    .select()
    .from(provisioningOperations)
    .where(eq(provisioningOperations.exceptionId, exceptionId))
    .orderBy(asc(provisioningOperations.seq));
const grantOf = async (exceptionId: string) => (await operationsOf(exceptionId)).find((o) => o.action === "grant")!;
const exceptionRow = async (id: string) =>
  (await t.db.select().from(accessExceptions).where(eq(accessExceptions.id, id)))[0]!;
const auditOf = (subjectId: string) =>
  t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, subjectId)).orderBy(asc(auditEvents.id));
const sarahsCalls = () => target.calls.filter((c) => c.username === "sarah.chen").map((c) => `${c.action} ${c.status}`);

/** Holds a row lock on an operation in another transaction, as a runner that has claimed it does. */
async function holdRowLock(operationId: string) {
  let release!: () => void;
  let locked = false;
  const done = t.db.transaction(async (tx) => {
    await tx.select().from(provisioningOperations).where(eq(provisioningOperations.id, operationId)).for("update");
    locked = true;
    await new Promise<void>((r) => (release = r));
  });
  await waitFor(() => locked, "the row lock");
  return async () => {
    release();
    await done;
  };
}

/** Fails when `promise` waits longer than a generous deadline (it must not wait on a call in flight). */
function withoutWaiting<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} waited for a call in flight`)), 10_000)),
  ]);
}

describe("ending an exception cancels its pending grant", () => {
  it("a grant waiting to retry is cancelled, with the reason and its audit event; the target then only sees the revoke", async () => {
    target.failGrantsUntil(new Date("2030-01-01T00:00:00Z"));
    const e = await sarahsException();
    expect(await run()).toBe(1);
    expect(await grantOf(e.id)).toMatchObject({ status: "pending", attempts: 1 });

    await revoke(e.id);
    const grant = await grantOf(e.id);
    expect(grant).toMatchObject({
      status: "cancelled",
      cancelReason: `EXC-${e.number} was revoked before its grant reached google`,
      completedAt: clock(),
    });
    const [event] = (await auditOf(grant.id)).filter((a) => a.action === "provisioning.cancelled");
    expect(event).toMatchObject({
      actorLabel: "priya.raman@company.com",
      reason: grant.cancelReason,
      before: { status: "pending" },
      after: { status: "cancelled", action: "grant", taskCancelled: false },
    });

    target.failGrantsUntil(null);
    clock.advance(30);
    await run();
    await run();
    expect(sarahsCalls()).toEqual(["grant 503", "revoke 200"]);
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removed" });
    expect(target.has("sarah.chen", FINANCE_REPORTS)).toBe(false);
  });
});

describe("a grant re-checks its exception right before the call", () => {
  it("a grant claimed before the exception ended, but not yet called, is cancelled by the runner instead of called", async () => {
    const e = await sarahsException();
    const grant = await grantOf(e.id);
    // A runner holds the grant's row (claimed, about to call): ending the exception does not wait
    // for it and cannot cancel it.
    const release = await holdRowLock(grant.id);
    await withoutWaiting(revoke(e.id), "revoking");
    expect(await grantOf(e.id)).toMatchObject({ status: "pending" });
    await release();

    await run();
    const after = await grantOf(e.id);
    expect(after).toMatchObject({
      status: "cancelled",
      attempts: 0,
      cancelReason: `EXC-${e.number} was revoked before its grant reached google`,
    });
    expect((await auditOf(grant.id)).find((a) => a.action === "provisioning.cancelled")).toMatchObject({
      actorType: "system",
    });
    expect(sarahsCalls()).toEqual(["revoke 200"]);
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removed", deliveredAt: null });
  });
});

describe("a grant already in flight when its exception ends", () => {
  it("finishes first; the revoke waits for it (another runner skips it meanwhile), then removes the access; the exception is never active", async () => {
    const e = await sarahsException();
    const held = target.holdNext("grant");
    const first = run();
    await held.arrived();

    await withoutWaiting(revoke(e.id), "revoking");
    expect(await grantOf(e.id)).toMatchObject({ status: "pending" });
    expect(await run()).toBe(0); // a second runner: the revoke is due, but a call for Sarah and finance-reports is under way
    expect(sarahsCalls()).toEqual(["grant 0"]);

    held.release(200);
    await first;
    await run();
    expect(sarahsCalls()).toEqual(["grant 200", "revoke 200"]);
    expect(target.has("sarah.chen", FINANCE_REPORTS)).toBe(false);
    expect(target.overlaps).toEqual([]);
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removed", deliveredAt: null });
    const actions = (await auditOf(e.id)).map((a) => a.action);
    expect(actions).not.toContain("exception.delivered");
    expect(actions).toEqual([
      "exception.created",
      "exception.revoked",
      "exception.late_grant",
      "exception.removal_delivered",
    ]);
    expect((await auditOf(e.id)).find((a) => a.action === "exception.late_grant")).toMatchObject({
      after: { followedBy: "the queued removal", status: "removing" },
    });
  });

  it("a grant that fails after its exception ended is cancelled, not retried, and the revoke goes at once", async () => {
    const e = await sarahsException();
    const held = target.holdNext("grant");
    const first = run();
    await held.arrived();
    await withoutWaiting(revoke(e.id), "revoking");
    held.release(503);
    await first;

    expect(await grantOf(e.id)).toMatchObject({
      status: "cancelled",
      attempts: 1,
      lastError: expect.stringMatching(/HTTP 503/),
      cancelReason: `EXC-${e.number} was revoked before its grant reached google`,
    });
    expect(sarahsCalls()).toEqual(["grant 503", "revoke 200"]);
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removed" });
  });

  it("a newer grant waits while an older removal of the same access is in flight, then lands after it", async () => {
    const e0 = await sarahsException();
    await run();
    await revoke(e0.id);
    const held = target.holdNext("revoke");
    const first = run();
    await held.arrived();

    clock.advance(1);
    const e1 = await sarahsException();
    expect(await run()).toBe(0); // the new grant is due, but Sarah's removal is unfinished
    held.release(200);
    await first;
    await run();

    expect(sarahsCalls()).toEqual(["grant 200", "revoke 200", "grant 200"]);
    expect(target.has("sarah.chen", FINANCE_REPORTS)).toBe(true);
    expect(await exceptionRow(e0.id)).toMatchObject({ status: "removed" });
    expect(await exceptionRow(e1.id)).toMatchObject({ status: "active" });
  });
});

describe("a manual system's grant task", () => {
  it("still open when the exception ends is cancelled ('do not grant'), cannot be marked done, and the removal task says so", async () => {
    await useAdapter("manual");
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const e = await sarahsException();
    await run();
    const grant = await grantOf(e.id);
    const [grantTask] = await t.db.select().from(manualTasks).where(eq(manualTasks.operationId, grant.id));
    expect(grantTask).toMatchObject({ status: "open" });

    await revoke(e.id);
    expect(await grantOf(e.id)).toMatchObject({ status: "cancelled" });
    expect((await t.db.select().from(manualTasks).where(eq(manualTasks.id, grantTask!.id)))[0]).toMatchObject({
      status: "cancelled",
      doneAt: clock(),
      doneBy: "priya.raman@company.com",
    });
    expect((await auditOf(grant.id)).find((a) => a.action === "provisioning.cancelled")).toMatchObject({
      after: { taskCancelled: true },
    });
    await expect(completeManualTask({ ctx: priya, input: { taskId: grantTask!.id } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/cancelled \(EXC-\d+ was revoked .*\): do not grant it/),
    });

    // The system's page shows the cancelled task and operation apart from the work still to do.
    await run();
    const page = await getSystem({ ctx: priya, input: { systemKey: "google" } });
    expect(page.cancelledTasks.map((x) => [x.id, x.cancelReason])).toEqual([
      [grantTask!.id, `EXC-${e.number} was revoked before its grant reached google`],
    ]);
    expect(page.operations.filter((o) => o.status === "cancelled").map((o) => o.id)).toEqual([grant.id]);
    const [removalTask] = page.tasks;
    expect(page.tasks).toHaveLength(1);
    expect(removalTask!.description).toMatch(
      /^A task for IT: revoke .* \(its grant task was cancelled before it was done: if it was never granted, there is nothing to remove; mark this done\)$/,
    );

    await completeManualTask({ ctx: priya, input: { taskId: removalTask!.id } });
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removed", deliveredAt: null });
  });
});

describe("a grant confirmed after its exception ended", () => {
  it("never makes the exception active; when its removal had already run, a new one is queued", async () => {
    const e = await sarahsException();
    await revoke(e.id);
    await run();
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removed" });

    // A confirmation that arrives anyway (IT marking a grant done by hand at the wrong moment).
    const late = await t.db.transaction(async (tx) => {
      const op = await queueOperation(tx, {
        identityId: e.identityId,
        resourceKey: e.resourceKey,
        level: null,
        action: "grant",
        exceptionId: e.id,
        failureMode: "retry",
        maxAttempts: 5,
        now: clock(),
      });
      const [done] = await tx
        .update(provisioningOperations)
        .set({ status: "done", completedAt: clock() })
        .where(eq(provisioningOperations.id, op.id))
        .returning();
      await applyOperationOutcome(tx, jobs(), done!, "done");
      return done!;
    });
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removing", deliveredAt: null });
    const revokes = (await operationsOf(e.id)).filter((o) => o.action === "revoke");
    expect(revokes.map((o) => o.status)).toEqual(["done", "pending"]);
    expect(revokes[1]!.seq).toBeGreaterThan(late.seq);
    expect((await auditOf(e.id)).find((a) => a.action === "exception.late_grant")).toMatchObject({
      after: { followedBy: "a new removal", status: "removing" },
    });

    await run();
    expect(await exceptionRow(e.id)).toMatchObject({ status: "removed" });
  });
});

describe("IT's retry", () => {
  it("refuses a failed grant whose exception has ended, a failed operation a newer one for the same access replaces, and does not wait on one in hand", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    await shapeFinanceReportsTemplate(t.db, { mode: "retry", maxAttempts: 1 }, [60]);
    target.failGrantsUntil(new Date("2030-01-01T00:00:00Z"));
    const e = await sarahsException();
    await run();
    const failed = await grantOf(e.id);
    expect(failed).toMatchObject({ status: "failed" });
    // An operation another transaction holds: IT is told at once rather than kept waiting.
    const release = await holdRowLock(failed.id);
    await expect(
      withoutWaiting(retryOperation({ ctx: priya, input: { operationId: failed.id } }), "retrying"),
    ).rejects.toMatchObject({ code: "CONFLICT", message: "This operation is being tried right now" });
    await release();

    // A removal queued after it (a drift correction): the failed grant must not be retried over it.
    await t.db.transaction((tx) =>
      queueOperation(tx, {
        identityId: e.identityId,
        resourceKey: e.resourceKey,
        level: null,
        action: "revoke",
        exceptionId: null,
        failureMode: "retry",
        maxAttempts: 5,
        now: clock(),
      }),
    );
    await expect(retryOperation({ ctx: priya, input: { operationId: failed.id } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^A newer revoke for this person and resource was queued since/),
    });

    await revoke(e.id);
    await expect(retryOperation({ ctx: priya, input: { operationId: failed.id } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: `This grant must not run any more: EXC-${e.number} was revoked before its grant reached google`,
    });
    expect(await grantOf(e.id)).toMatchObject({ status: "failed" });
  });
});

describe("block mode (the grant tried inside the approval)", () => {
  it("is refused while a removal of the same access is unfinished, and goes through once it is done, after the removal", async () => {
    await shapeFinanceReportsTemplate(t.db, { mode: "block", maxAttempts: 1 }, [60]);
    const e0 = await sarahsException();
    expect(await exceptionRow(e0.id)).toMatchObject({ status: "active" });
    await revoke(e0.id);

    clock.advance(1);
    const sarah = await as(t.db, SARAH, clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const r = await submit(sarah, {
      templateKey: "finance-reports",
      durationMinutes: 60,
      justification: "Quarter-end commission numbers, second round",
      fields: {},
    });
    await expect(decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(
        /^Could not grant google:group:finance-reports@company.com: a removal of this access for the same person is still under way at google\. The approval did not complete/,
      ),
    });
    expect((await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id)))[0]!.status).toBe("pending");
    expect(sarahsCalls()).toEqual(["grant 200"]);

    await run();
    await decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } });
    expect(sarahsCalls()).toEqual(["grant 200", "revoke 200", "grant 200"]);
    expect(target.has("sarah.chen", FINANCE_REPORTS)).toBe(true);
    const open = await t.db
      .select()
      .from(accessExceptions)
      .where(and(eq(accessExceptions.requestId, r.id), inArray(accessExceptions.status, ["active"])));
    expect(open).toHaveLength(1);
  });
});
