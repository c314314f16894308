import { actorLabel } from "@/server/core/actor";
import { and, eq, gt, ne, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { Tx } from "@/server/db/client";
import { accessExceptions, manualTasks, provisioningOperations } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { applyOperationOutcome } from "./outcome";
import type { Operation } from "./queue";
import { cancelOperation, lockAccessKeyAndCheck, staleGrantReason, unfinishedRemovalOf } from "./ordering";
import { claimOperation, type Claim } from "./runner";

export { queueOperation, resourceParts, REVOKE_ATTEMPTS, type FailureMode, type Operation } from "./queue";
export { runDueOperations } from "./runner";

/**
 * Block mode, in the approval's transaction: the grant is claimed (a lease, as the runner claims,
 * runner.ts) so that the approver's process calls the system right after the approval commits,
 * outside any transaction, and nobody else calls it meanwhile. Only when nothing else for this
 * person and resource is under way or must go first (a removal still to do); otherwise nothing is
 * claimed and `refused` says why (the caller undoes the approval). A grant whose reason has ended
 * is cancelled instead.
 */
export async function claimOperationNow(
  tx: Tx,
  ctx: ServiceContext,
  op: Operation,
): Promise<{ claim: Claim } | { refused: string }> {
  const [removal] = await tx
    .select({ id: provisioningOperations.id })
    .from(provisioningOperations)
    .where(and(eq(provisioningOperations.id, op.id), unfinishedRemovalOf(provisioningOperations)));
  if (removal) return { refused: `a removal of this access for the same person is still under way at ${op.systemKey}` };
  const { locked, staleReason } = await lockAccessKeyAndCheck(tx, op);
  if (!locked) return { refused: `another change to this person's access to it is under way at ${op.systemKey}` };
  if (staleReason) {
    await cancelOperation(tx, ctx, op, staleReason);
    return { refused: staleReason };
  }
  return { claim: await claimOperation(tx, op) };
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
