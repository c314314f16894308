import { eq, sql } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { accessPlanSteps } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { recordExceptionInPlace } from "../exceptions/create";
import { queueOperation } from "../provisioning/operations";
import { queueOperations } from "../provisioning/queue";

type Step = typeof accessPlanSteps.$inferSelect;

/**
 * Carries out one step in the caller's transaction. A grant or level change, and a removal
 * with no grace period, is queued for its adapter at once. A removal with a grace period
 * becomes a role_transition exception (seed 000 pattern 4: approved by rule, hard expiry, no
 * extension) that keeps the access until the grace period ends; its expiry queues the revoke.
 */
export async function executeStep(tx: Tx, ctx: ServiceContext, step: Step, summary: string) {
  const now = ctx.clock();
  if (step.action === "revoke" && step.graceDays > 0) {
    // The person already holds it: the exception only keeps it until the grace period ends.
    const exception = await recordExceptionInPlace(tx, ctx, {
      identityId: step.identityId,
      resourceKey: step.resourceKey,
      level: step.level,
      source: "lifecycle",
      type: "role_transition",
      justification: `Kept for a ${step.graceDays}-day hand-over after a role change (${summary})`,
      approvalRule: `role transition: ${step.graceDays}-day grace period after a role change`,
      expiresAt: step.dueAt,
    });
    await tx
      .update(accessPlanSteps)
      .set({ status: "in_grace", exceptionId: exception.id, executedAt: now })
      .where(eq(accessPlanSteps.id, step.id));
    return;
  }
  const op = await queueOperation(tx, {
    identityId: step.identityId,
    resourceKey: step.resourceKey,
    level: step.level,
    action: step.action === "revoke" ? "revoke" : "grant",
    exceptionId: null,
    failureMode: "retry",
    maxAttempts: 5,
    now,
  });
  await tx
    .update(accessPlanSteps)
    .set({ status: "queued", operationId: op.id, executedAt: now })
    .where(eq(accessPlanSteps.id, step.id));
}

/**
 * Carries out a plan's steps as executeStep does each: those kept by a grace period one by one,
 * the rest queued together (one insert of their operations, one update of the steps), which is
 * what a joiner's plan mostly is.
 */
export async function executeSteps(tx: Tx, ctx: ServiceContext, steps: Step[], summary: string) {
  const now = ctx.clock();
  const queued = steps.filter((s) => !(s.action === "revoke" && s.graceDays > 0));
  for (const step of steps) if (!queued.includes(step)) await executeStep(tx, ctx, step, summary);
  const ids = await queueOperations(
    tx,
    queued.map((step) => ({
      identityId: step.identityId,
      resourceKey: step.resourceKey,
      level: step.level,
      action: step.action === "revoke" ? ("revoke" as const) : ("grant" as const),
      exceptionId: null,
      failureMode: "retry" as const,
      maxAttempts: 5,
      now,
    })),
  );
  if (ids.length === 0) return;
  const operationOf = JSON.stringify(Object.fromEntries(queued.map((s, i) => [s.id, ids[i]])));
  await tx.execute(sql`
    update access_plan_steps s
    set status = 'queued', operation_id = v.value::uuid, executed_at = ${now}
    from jsonb_each_text(${operationOf}::jsonb) v
    where s.id = v.key::uuid`);
}
