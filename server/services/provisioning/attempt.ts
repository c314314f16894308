import { and, eq, lt } from "drizzle-orm";
import { AdapterError, type AccessTarget, type AdapterResult } from "@/server/adapters/types";
import { retryDelayMs } from "@/server/core/exceptions/rules";
import type { Restrictions } from "@/server/core/exceptions/types";
import type { DbOrTx, Tx } from "@/server/db/client";
import {
  accessExceptions,
  adapterCalls,
  identities,
  manualTasks,
  provisioningOperations,
  systems,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import { itAdminIds } from "../portal-roles";
import { notifyPeople } from "../requests/notify";
import type { ServiceContext } from "../context";
import { adapterOf } from "./adapters";
import { applyOperationOutcome } from "./outcome";
import { resourceParts, type Operation } from "./queue";
import { cancelGrantsSupersededBy, cancelOperation, staleGrantReason } from "./ordering";

export type CallOutcome = { ok: true; result: AdapterResult } | { ok: false; error: string; retryable: boolean };

/** One adapter call as adapter_calls records it (the operation's link is added by whoever writes it). */
export type CallRecord = Omit<typeof adapterCalls.$inferInsert, "operationId">;

/**
 * Calls the adapter for an operation, outside any transaction of the caller's choosing: the
 * reads before the call are plain reads. Returns the outcome and the row to log the call with.
 */
export async function callAdapter(
  db: DbOrTx,
  op: Operation,
  now: () => Date,
): Promise<{ outcome: CallOutcome; call: CallRecord }> {
  const [system] = await db.select().from(systems).where(eq(systems.key, op.systemKey));
  const [person] = await db
    .select({ email: identities.email })
    .from(identities)
    .where(eq(identities.id, op.identityId));
  const [exception] = op.exceptionId
    ? await db
        .select({ restrictions: accessExceptions.restrictions, expiresAt: accessExceptions.expiresAt })
        .from(accessExceptions)
        .where(eq(accessExceptions.id, op.exceptionId))
    : [];
  const parts = resourceParts(op.resourceKey);
  const target: AccessTarget = {
    email: person!.email,
    username: person!.email.split("@")[0]!,
    resource: op.resourceKey,
    type: parts.type,
    name: parts.name,
    level: op.level,
    restrictions: (exception?.restrictions ?? {}) as Restrictions,
    expiresAt: exception?.expiresAt ?? null,
    // The idempotency key: a call tried again after a runner stopped mid-call carries the same one.
    operationId: op.id,
  };
  const started = Date.now();
  let outcome: CallOutcome;
  try {
    if (!system) throw new AdapterError(`There is no system "${op.systemKey}"`, false);
    const adapter = adapterOf(system);
    outcome = { ok: true, result: op.action === "grant" ? await adapter.grant(target) : await adapter.revoke(target) };
  } catch (err) {
    const retryable = err instanceof AdapterError ? err.retryable : true;
    outcome = { ok: false, error: err instanceof Error ? err.message : String(err), retryable };
  }
  const call: CallRecord = {
    systemKey: op.systemKey,
    call: op.action,
    outcome: outcome.ok ? outcome.result.status : "error",
    detail: (outcome.ok ? (outcome.result.detail ?? "") : outcome.error).slice(0, 2000),
    durationMs: Date.now() - started,
    at: now(),
  };
  return { outcome, call };
}

/** Logs a call; `operationId` null for a call whose operation may roll back (a blocking grant). */
export async function logCall(db: DbOrTx, call: CallRecord, operationId: string | null) {
  await db.insert(adapterCalls).values({ ...call, operationId });
}

/**
 * What an answered call means, in the caller's transaction with the operation's row locked;
 * `op.attempts` already counts this call. Then: done → the exception moves on; waiting → a task
 * for IT; an error → retried with backoff (failure mode retry) while attempts remain and it can help, otherwise failed
 * (a failed revoke shows as "revoke failed"). A grant not done whose reason ended meanwhile is
 * cancelled. A revoke then cancels the grants it supersedes. The claim is released. The
 * exception's row is locked (applyOperationOutcome) before any audit event of a transaction that
 * locks it, the order ending an exception takes the two in.
 */
export async function settleOperation(tx: Tx, ctx: ServiceContext, op: Operation, outcome: CallOutcome) {
  const now = ctx.clock();
  const attempts = op.attempts;
  const released = { claimToken: null, leaseUntil: null };
  // The exception may have ended while the system answered: a grant not done by now never will be.
  const staleNow = outcome.ok && outcome.result.status === "done" ? null : await staleGrantReason(tx, op);
  if (staleNow)
    return cancelOperation(tx, ctx, op, staleNow, {
      attempts,
      lastError: outcome.ok ? null : outcome.error.slice(0, 2000),
    });
  const supersede = async () => {
    if (op.action === "revoke") await cancelGrantsSupersededBy(tx, ctx, op);
  };
  if (outcome.ok && outcome.result.status === "waiting") {
    await supersede();
    const [waiting] = await tx
      .update(provisioningOperations)
      .set({ status: "waiting", attempts, lastError: null, ...released })
      .where(eq(provisioningOperations.id, op.id))
      .returning();
    const description = await taskDescription(tx, op, outcome.result.detail);
    const opened = await tx
      .insert(manualTasks)
      .values({ operationId: op.id, systemKey: op.systemKey, description, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: manualTasks.id });
    // IT hears of it at once (in the app and by email), not when someone happens to open the system.
    if (opened.length) await tellItOfManualTask(tx, op, description, now);
    await recordAuditEvent(tx, ctx, {
      action: "provisioning.task_opened",
      subjectType: "provisioning_operation",
      subjectId: op.id,
      after: { action: op.action, resource: op.resourceKey },
      reason: outcome.result.detail,
    });
    return waiting!;
  }
  if (outcome.ok) {
    const [done] = await tx
      .update(provisioningOperations)
      .set({ status: "done", attempts, lastError: null, completedAt: now, ...released })
      .where(eq(provisioningOperations.id, op.id))
      .returning();
    await applyOperationOutcome(tx, ctx, done!, "done");
    await supersede();
    return done!;
  }
  // Block mode answers its approver at once: no back-off (its second attempt is for a runner that stopped mid-call).
  const again = outcome.retryable && attempts < op.maxAttempts && op.failureMode === "retry";
  const [after] = await tx
    .update(provisioningOperations)
    .set({
      status: again ? "pending" : "failed",
      attempts,
      lastError: outcome.error.slice(0, 2000),
      nextAttemptAt: again ? new Date(now.getTime() + retryDelayMs(attempts)) : op.nextAttemptAt,
      ...released,
    })
    .where(eq(provisioningOperations.id, op.id))
    .returning();
  if (!again) await applyOperationOutcome(tx, ctx, after!, "failed");
  await supersede();
  return after!;
}

/** A removal task after a cancelled grant task tells IT that there may be nothing to remove. */
async function taskDescription(tx: Tx, op: Operation, detail: string) {
  if (op.action !== "revoke") return detail;
  const [cancelledTask] = await tx
    .select({ id: manualTasks.id })
    .from(manualTasks)
    .innerJoin(provisioningOperations, eq(provisioningOperations.id, manualTasks.operationId))
    .where(
      and(
        eq(provisioningOperations.identityId, op.identityId),
        eq(provisioningOperations.resourceKey, op.resourceKey),
        eq(manualTasks.status, "cancelled"),
        lt(provisioningOperations.seq, op.seq),
      ),
    )
    .limit(1);
  return cancelledTask
    ? `${detail} (its grant task was cancelled before it was done: if it was never granted, there is nothing to remove; mark this done)`
    : detail;
}

/** Every Active IT admin: a task on <system> waits for them, with what to do. */
async function tellItOfManualTask(tx: Tx, op: Operation, description: string, now: Date) {
  const [system] = await tx.select({ name: systems.name }).from(systems).where(eq(systems.key, op.systemKey));
  const name = system?.name ?? op.systemKey;
  await notifyPeople(
    tx,
    await itAdminIds(tx),
    {
      kind: "manual_task",
      title: `A task for IT on ${name}: ${op.action === "grant" ? "grant" : "remove"} ${op.resourceKey}`,
      body: `${description}\nDo it in ${name}, then mark it done on the system's page in Clearance.`,
      link: `/systems/${op.systemKey}`,
    },
    now,
  );
}
