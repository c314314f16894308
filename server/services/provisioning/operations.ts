import { actorLabel } from "@/server/core/actor";
import { and, asc, eq, lte, sql } from "drizzle-orm";
import { AdapterError, type AccessTarget, type AdapterResult } from "@/server/adapters/types";
import { DomainError } from "@/server/core/errors";
import { retryDelayMs } from "@/server/core/exceptions/rules";
import type { Restrictions } from "@/server/core/exceptions/types";
import type { DbOrTx, Tx } from "@/server/db/client";
import { accessExceptions, adapterCalls, identities, manualTasks, provisioningOperations, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { adapterOf } from "./adapters";
import { applyOperationOutcome } from "./outcome";

export type Operation = typeof provisioningOperations.$inferSelect;
export type FailureMode = "ignore" | "retry" | "block";

/** Revocation always retries with backoff: access that should be gone must not stay by accident. */
export const REVOKE_ATTEMPTS = 8;

/** Splits system:type:name. */
export function resourceParts(resource: string) {
  const [system, type, ...rest] = resource.split(":");
  return { system: system!, type: type ?? "", name: rest.join(":") };
}

/** Queues a grant or revoke in the caller's transaction; the provisioning job carries it out. */
export async function queueOperation(
  tx: Tx,
  op: { identityId: string; resourceKey: string; level: string | null; action: "grant" | "revoke"; exceptionId: string | null; failureMode: FailureMode; maxAttempts: number; now: Date },
): Promise<Operation> {
  const [row] = await tx
    .insert(provisioningOperations)
    .values({
      systemKey: resourceParts(op.resourceKey).system,
      identityId: op.identityId,
      resourceKey: op.resourceKey,
      level: op.level,
      action: op.action,
      exceptionId: op.exceptionId,
      failureMode: op.failureMode,
      status: "pending",
      maxAttempts: op.action === "revoke" ? REVOKE_ATTEMPTS : op.failureMode === "retry" ? op.maxAttempts : 1,
      nextAttemptAt: op.now,
      createdAt: op.now,
    })
    .returning();
  return row!;
}

type CallOutcome = { ok: true; result: AdapterResult } | { ok: false; error: string; retryable: boolean };

/** Calls the adapter for an operation and logs the call (to `log`, which may be outside the transaction). */
async function callAdapter(db: DbOrTx, log: DbOrTx, op: Operation, now: () => Date): Promise<CallOutcome> {
  const [system] = await db.select().from(systems).where(eq(systems.key, op.systemKey));
  const [person] = await db.select({ email: identities.email }).from(identities).where(eq(identities.id, op.identityId));
  const [exception] = op.exceptionId
    ? await db.select({ restrictions: accessExceptions.restrictions, expiresAt: accessExceptions.expiresAt }).from(accessExceptions).where(eq(accessExceptions.id, op.exceptionId))
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
 * One attempt at an operation, in the caller's transaction with the operation row locked:
 * done → the exception moves on; waiting → a task for IT; an error → retried with backoff while
 * attempts remain and it can help, otherwise failed (a failed revoke shows as "revoke failed").
 */
export async function attemptOperation(tx: Tx, ctx: ServiceContext, op: Operation, { log = tx as DbOrTx } = {}): Promise<Operation> {
  const now = ctx.clock();
  const outcome = await callAdapter(tx, log, op, ctx.clock);
  const attempts = op.attempts + 1;
  if (outcome.ok && outcome.result.status === "waiting") {
    const [waiting] = await tx.update(provisioningOperations).set({ status: "waiting", attempts, lastError: null }).where(eq(provisioningOperations.id, op.id)).returning();
    await tx.insert(manualTasks).values({ operationId: op.id, systemKey: op.systemKey, description: outcome.result.detail, createdAt: now }).onConflictDoNothing();
    await recordAuditEvent(tx, ctx, { action: "provisioning.task_opened", subjectType: "provisioning_operation", subjectId: op.id, after: { action: op.action, resource: op.resourceKey }, reason: outcome.result.detail });
    return waiting!;
  }
  if (outcome.ok) {
    const [done] = await tx.update(provisioningOperations).set({ status: "done", attempts, lastError: null, completedAt: now }).where(eq(provisioningOperations.id, op.id)).returning();
    await applyOperationOutcome(tx, ctx, done!, "done");
    return done!;
  }
  const again = outcome.retryable && attempts < op.maxAttempts && op.failureMode !== "ignore";
  const [after] = await tx
    .update(provisioningOperations)
    .set({ status: again ? "pending" : "failed", attempts, lastError: outcome.error.slice(0, 2000), nextAttemptAt: again ? new Date(now.getTime() + retryDelayMs(attempts)) : op.nextAttemptAt })
    .where(eq(provisioningOperations.id, op.id))
    .returning();
  if (!again) await applyOperationOutcome(tx, ctx, after!, "failed");
  return after!;
}

/**
 * Carries out due operations, each in its own transaction with its row locked (SKIP LOCKED),
 * so several instances share the work and none is done twice. Returns how many were attempted.
 */
export async function runDueOperations({ ctx, limit = 100 }: { ctx: ServiceContext; limit?: number }): Promise<number> {
  let attempted = 0;
  while (attempted < limit) {
    const did = await ctx.db.transaction(async (tx) => {
      const [op] = await tx
        .select()
        .from(provisioningOperations)
        .where(and(eq(provisioningOperations.status, "pending"), lte(provisioningOperations.nextAttemptAt, ctx.clock())))
        .orderBy(asc(provisioningOperations.nextAttemptAt))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!op) return false;
      await attemptOperation(tx, ctx, op);
      return true;
    });
    if (!did) break;
    attempted++;
  }
  return attempted;
}

/** IT marks a manual task done: the operation completes as if the adapter had confirmed it. */
export async function completeManualTask({ ctx, input }: { ctx: ServiceContext; input: { taskId: string; note?: string } }) {
  return ctx.db.transaction(async (tx) => {
    const [task] = await tx.select().from(manualTasks).where(eq(manualTasks.id, input.taskId)).for("update");
    if (!task) throw new DomainError("NOT_FOUND", "There is no such task", { field: "taskId" });
    if (task.status === "done") throw new DomainError("CONFLICT", `This task was already done by ${task.doneBy}`, { field: "taskId" });
    const now = ctx.clock();
    const by = actorLabel(ctx.actor);
    await tx.update(manualTasks).set({ status: "done", doneAt: now, doneBy: by }).where(eq(manualTasks.id, task.id));
    const [op] = await tx.update(provisioningOperations).set({ status: "done", completedAt: now }).where(eq(provisioningOperations.id, task.operationId)).returning();
    await recordAuditEvent(tx, ctx, { action: "provisioning.task_done", subjectType: "provisioning_operation", subjectId: op!.id, after: { action: op!.action, resource: op!.resourceKey }, reason: input.note?.trim() || null });
    await applyOperationOutcome(tx, ctx, op!, "done");
    return op!;
  });
}

/** IT tries a failed operation again, with a fresh set of attempts. */
export async function retryOperation({ ctx, input }: { ctx: ServiceContext; input: { operationId: string } }) {
  return ctx.db.transaction(async (tx) => {
    const [op] = await tx.select().from(provisioningOperations).where(eq(provisioningOperations.id, input.operationId)).for("update");
    if (!op) throw new DomainError("NOT_FOUND", "There is no such operation", { field: "operationId" });
    if (op.status !== "failed") throw new DomainError("CONFLICT", `Only a failed operation can be retried; this one is ${op.status}`, { field: "operationId" });
    const now = ctx.clock();
    const [queued] = await tx
      .update(provisioningOperations)
      .set({ status: "pending", attempts: 0, nextAttemptAt: now, maxAttempts: sql`greatest(${provisioningOperations.maxAttempts}, 1)` })
      .where(eq(provisioningOperations.id, op.id))
      .returning();
    await recordAuditEvent(tx, ctx, { action: "provisioning.retried", subjectType: "provisioning_operation", subjectId: op.id, before: { status: "failed", lastError: op.lastError }, after: { status: "pending" } });
    return queued!;
  });
}
