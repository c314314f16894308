import { eq } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { accessPlanSteps } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { recordExceptionInPlace } from "../exceptions/create";
import { queueOperation } from "../provisioning/operations";
import type { NewOperation } from "../provisioning/queue";

type Step = typeof accessPlanSteps.$inferSelect;

/** A removal with a grace period waits it out (executeStep); every other step is queued at once. */
export const waitsOutGrace = (step: { action: string; graceDays: number }) =>
  step.action === "revoke" && step.graceDays > 0;

/** The operation that carries out a step queued at once, as executeStep queues it. */
export const operationFor = (
  step: { identityId: string; resourceKey: string; level: string | null; action: string },
  now: Date,
): NewOperation => ({
  identityId: step.identityId,
  resourceKey: step.resourceKey,
  level: step.level,
  action: step.action === "revoke" ? "revoke" : "grant",
  exceptionId: null,
  failureMode: "retry",
  maxAttempts: 5,
  now,
});

/** The role_transition exception that keeps what a removal takes away until its grace period ends. */
export const graceExceptionFor = (
  step: { identityId: string; resourceKey: string; level: string | null; graceDays: number; dueAt: Date },
  summary: string,
) => ({
  identityId: step.identityId,
  resourceKey: step.resourceKey,
  level: step.level,
  source: "lifecycle" as const,
  type: "role_transition" as const,
  justification: `Kept for a ${step.graceDays}-day hand-over after a role change (${summary})`,
  approvalRule: `role transition: ${step.graceDays}-day grace period after a role change`,
  expiresAt: step.dueAt,
});

/**
 * Carries out one step in the caller's transaction. A grant or level change, and a removal
 * with no grace period, is queued for its adapter at once. A removal with a grace period
 * becomes a role_transition exception (seed 000 pattern 4: approved by rule, hard expiry, no
 * extension) that keeps the access until the grace period ends; its expiry queues the revoke.
 */
export async function executeStep(tx: Tx, ctx: ServiceContext, step: Step, summary: string) {
  const now = ctx.clock();
  if (waitsOutGrace(step)) {
    // The person already holds it: the exception only keeps it until the grace period ends.
    const exception = await recordExceptionInPlace(tx, ctx, graceExceptionFor(step, summary));
    await tx
      .update(accessPlanSteps)
      .set({ status: "in_grace", exceptionId: exception.id, executedAt: now })
      .where(eq(accessPlanSteps.id, step.id));
    return;
  }
  const op = await queueOperation(tx, operationFor(step, now));
  await tx
    .update(accessPlanSteps)
    .set({ status: "queued", operationId: op.id, executedAt: now })
    .where(eq(accessPlanSteps.id, step.id));
}
