import { actorLabel } from "@/server/core/actor";
import { and, asc, eq, gt, lt, lte, ne, not, notInArray, or, sql } from "drizzle-orm";
import { AdapterError, type AccessTarget, type AdapterResult } from "@/server/adapters/types";
import { DomainError } from "@/server/core/errors";
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
import type { ServiceContext } from "../context";
import { adapterOf } from "./adapters";
import { applyOperationOutcome } from "./outcome";
import { resourceParts, type Operation } from "./queue";
import {
  cancelGrantsSupersededBy,
  cancelOperation,
  lockAccessKeyAndCheck,
  staleGrantReason,
  unfinishedRemovalOf,
} from "./ordering";

export { queueOperation, resourceParts, REVOKE_ATTEMPTS, type FailureMode, type Operation } from "./queue";

type CallOutcome = { ok: true; result: AdapterResult } | { ok: false; error: string; retryable: boolean };

/** Calls the adapter for an operation and logs the call (to `log`, which may be outside the transaction). */
async function callAdapter(db: DbOrTx, log: DbOrTx, op: Operation, now: () => Date): Promise<CallOutcome> {
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
  await log.insert(adapterCalls).values({
    systemKey: op.systemKey,
    // Logged outside the transaction (a blocking grant whose failure rolls the operation back): no link to it.
    operationId: log === db ? op.id : null,
    call: op.action,
    outcome: outcome.ok ? outcome.result.status : "error",
    detail: (outcome.ok ? (outcome.result.detail ?? "") : outcome.error).slice(0, 2000),
    durationMs: Date.now() - started,
    at: now(),
  });
  return outcome;
}

/**
 * One attempt at an operation, in the caller's transaction with the operation row locked and,
 * for the runner, its person+resource lock held (ordering.ts). A grant whose reason has ended is
 * cancelled instead of called. Then: done → the exception moves on; waiting → a task for IT; an
 * error → retried with backoff while attempts remain and it can help, otherwise failed (a failed
 * revoke shows as "revoke failed"). A revoke then cancels the grants it supersedes. Nothing is
 * written before the call: the audit chain's lock must not be held while a system answers. And
 * the exception's row is locked (applyOperationOutcome) before any audit event of a transaction
 * that locks it, the order ending an exception takes the two in.
 */
export async function attemptOperation(
  tx: Tx,
  ctx: ServiceContext,
  op: Operation,
  {
    log = tx as DbOrTx,
    staleReason,
  }: { log?: DbOrTx; /** checked already in this transaction (null: still valid) */ staleReason?: string | null } = {},
): Promise<Operation> {
  const stale = staleReason !== undefined ? staleReason : await staleGrantReason(tx, op);
  if (stale) return cancelOperation(tx, ctx, op, stale);
  const outcome = await callAdapter(tx, log, op, ctx.clock);
  const now = ctx.clock();
  const attempts = op.attempts + 1;
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
      .set({ status: "waiting", attempts, lastError: null })
      .where(eq(provisioningOperations.id, op.id))
      .returning();
    await tx
      .insert(manualTasks)
      .values({
        operationId: op.id,
        systemKey: op.systemKey,
        description: await taskDescription(tx, op, outcome.result.detail),
        createdAt: now,
      })
      .onConflictDoNothing();
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
      .set({ status: "done", attempts, lastError: null, completedAt: now })
      .where(eq(provisioningOperations.id, op.id))
      .returning();
    await applyOperationOutcome(tx, ctx, done!, "done");
    await supersede();
    return done!;
  }
  const again = outcome.retryable && attempts < op.maxAttempts && op.failureMode !== "ignore";
  const [after] = await tx
    .update(provisioningOperations)
    .set({
      status: again ? "pending" : "failed",
      attempts,
      lastError: outcome.error.slice(0, 2000),
      nextAttemptAt: again ? new Date(now.getTime() + retryDelayMs(attempts)) : op.nextAttemptAt,
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

/**
 * Block mode: a grant tried in the approval's own transaction, only when nothing else for this
 * person and resource is under way or must go first (a removal still to do). Otherwise it is not
 * tried, and the returned operation says why (the caller undoes the approval).
 */
export async function attemptOperationNow(
  tx: Tx,
  ctx: ServiceContext,
  op: Operation,
  options: { log?: DbOrTx } = {},
): Promise<Operation> {
  const [removal] = await tx
    .select({ id: provisioningOperations.id })
    .from(provisioningOperations)
    .where(and(eq(provisioningOperations.id, op.id), unfinishedRemovalOf(provisioningOperations)));
  if (removal)
    return { ...op, lastError: `a removal of this access for the same person is still under way at ${op.systemKey}` };
  const { locked, staleReason } = await lockAccessKeyAndCheck(tx, op);
  if (!locked)
    return { ...op, lastError: `another change to this person's access to it is under way at ${op.systemKey}` };
  return attemptOperation(tx, ctx, op, { ...options, staleReason });
}

/**
 * Carries out due operations, each in its own transaction with its row locked (SKIP LOCKED),
 * so several instances share the work and none is done twice. A grant waits while a removal of
 * the same access is unfinished; an operation whose person+resource has a call under way on
 * another runner waits for the next round. Returns how many were attempted (or cancelled).
 */
export async function runDueOperations({ ctx, limit = 100 }: { ctx: ServiceContext; limit?: number }): Promise<number> {
  let attempted = 0;
  const busy: string[] = [];
  while (attempted < limit) {
    const did = await ctx.db.transaction(async (tx) => {
      const [op] = await tx
        .select()
        .from(provisioningOperations)
        .where(
          and(
            eq(provisioningOperations.status, "pending"),
            lte(provisioningOperations.nextAttemptAt, ctx.clock()),
            busy.length ? notInArray(provisioningOperations.id, busy) : undefined,
            or(eq(provisioningOperations.action, "revoke"), not(unfinishedRemovalOf(provisioningOperations))),
          ),
        )
        .orderBy(asc(provisioningOperations.nextAttemptAt), asc(provisioningOperations.seq))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!op) return "none";
      const { locked, staleReason } = await lockAccessKeyAndCheck(tx, op);
      if (!locked) {
        busy.push(op.id);
        return "busy";
      }
      await attemptOperation(tx, ctx, op, { staleReason });
      return "attempted";
    });
    if (did === "none") break;
    if (did === "attempted") attempted++;
  }
  return attempted;
}

/**
 * IT marks a manual task done: the operation completes as if the adapter had confirmed it. A
 * cancelled task is refused ("do not grant"). Locks go exception → operation → task, the order
 * ending an exception takes them in, so the two never wait on each other in a circle.
 */
export async function completeManualTask({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { taskId: string; note?: string };
}) {
  return ctx.db.transaction(async (tx) => {
    const [found] = await tx
      .select({ operationId: manualTasks.operationId, exceptionId: provisioningOperations.exceptionId })
      .from(manualTasks)
      .innerJoin(provisioningOperations, eq(provisioningOperations.id, manualTasks.operationId))
      .where(eq(manualTasks.id, input.taskId));
    if (!found) throw new DomainError("NOT_FOUND", "There is no such task", { field: "taskId" });
    if (found.exceptionId)
      await tx
        .select({ id: accessExceptions.id })
        .from(accessExceptions)
        .where(eq(accessExceptions.id, found.exceptionId))
        .for("update");
    const [locked] = await tx
      .select()
      .from(provisioningOperations)
      .where(eq(provisioningOperations.id, found.operationId))
      .for("update");
    const [task] = await tx.select().from(manualTasks).where(eq(manualTasks.id, input.taskId)).for("update");
    if (task!.status === "done")
      throw new DomainError("CONFLICT", `This task was already done by ${task!.doneBy}`, { field: "taskId" });
    if (task!.status === "cancelled") {
      const undo =
        locked!.action === "grant"
          ? "do not grant it. If it was granted already, the removal task for the same person and resource undoes it"
          : "there is nothing to do";
      throw new DomainError(
        "CONFLICT",
        `This task was cancelled (${locked!.cancelReason ?? "no longer needed"}): ${undo}`,
        { field: "taskId" },
      );
    }
    const now = ctx.clock();
    const by = actorLabel(ctx.actor);
    await tx.update(manualTasks).set({ status: "done", doneAt: now, doneBy: by }).where(eq(manualTasks.id, task!.id));
    const [op] = await tx
      .update(provisioningOperations)
      .set({ status: "done", completedAt: now })
      .where(eq(provisioningOperations.id, task!.operationId))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "provisioning.task_done",
      subjectType: "provisioning_operation",
      subjectId: op!.id,
      after: { action: op!.action, resource: op!.resourceKey },
      reason: input.note?.trim() || null,
    });
    await applyOperationOutcome(tx, ctx, op!, "done");
    return op!;
  });
}

/**
 * IT tries a failed operation again, with a fresh set of attempts: not a grant whose reason has
 * ended, and not anything a newer operation for the same person and resource has replaced (a
 * retried grant must not land after a later removal, nor an old removal after a newer grant).
 */
export async function retryOperation({ ctx, input }: { ctx: ServiceContext; input: { operationId: string } }) {
  return ctx.db.transaction(async (tx) => {
    // SKIP LOCKED: an operation a runner holds is being tried right now; IT is told, not kept waiting on its call.
    const [op] = await tx
      .select()
      .from(provisioningOperations)
      .where(eq(provisioningOperations.id, input.operationId))
      .for("update", { skipLocked: true });
    if (!op) {
      const [exists] = await tx
        .select({ id: provisioningOperations.id })
        .from(provisioningOperations)
        .where(eq(provisioningOperations.id, input.operationId));
      if (exists)
        throw new DomainError("CONFLICT", "This operation is being tried right now", { field: "operationId" });
      throw new DomainError("NOT_FOUND", "There is no such operation", { field: "operationId" });
    }
    if (op.status !== "failed")
      throw new DomainError("CONFLICT", `Only a failed operation can be retried; this one is ${op.status}`, {
        field: "operationId",
      });
    const stale = await staleGrantReason(tx, op);
    if (stale)
      throw new DomainError("CONFLICT", `This grant must not run any more: ${stale}`, { field: "operationId" });
    const [newer] = await tx
      .select({ action: provisioningOperations.action, createdAt: provisioningOperations.createdAt })
      .from(provisioningOperations)
      .where(
        and(
          eq(provisioningOperations.identityId, op.identityId),
          eq(provisioningOperations.resourceKey, op.resourceKey),
          gt(provisioningOperations.seq, op.seq),
          ne(provisioningOperations.status, "cancelled"),
        ),
      )
      .limit(1);
    if (newer)
      throw new DomainError(
        "CONFLICT",
        `A newer ${newer.action} for this person and resource was queued since (${newer.createdAt.toISOString()}); it replaces this one`,
        { field: "operationId" },
      );
    const now = ctx.clock();
    const [queued] = await tx
      .update(provisioningOperations)
      .set({
        status: "pending",
        attempts: 0,
        nextAttemptAt: now,
        maxAttempts: sql`greatest(${provisioningOperations.maxAttempts}, 1)`,
      })
      .where(eq(provisioningOperations.id, op.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "provisioning.retried",
      subjectType: "provisioning_operation",
      subjectId: op.id,
      before: { status: "failed", lastError: op.lastError },
      after: { status: "pending" },
    });
    return queued!;
  });
}
