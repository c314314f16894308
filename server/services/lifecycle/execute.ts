import { eq } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import type { Tx } from "@/server/db/client";
import { accessExceptions, accessPlanSteps } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { queueOperation } from "../provisioning/operations";

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
    const [exception] = await tx
      .insert(accessExceptions)
      .values({
        identityId: step.identityId,
        resourceKey: step.resourceKey,
        level: step.level,
        source: "lifecycle",
        type: "role_transition",
        justification: `Kept for a ${step.graceDays}-day hand-over after a role change (${summary})`,
        approvalRule: `role transition: ${step.graceDays}-day grace period (seed 000 pattern 4)`,
        approvedAt: now,
        createdBy: actorLabel(ctx.actor),
        createdAt: now,
        startsAt: now,
        expiresAt: step.dueAt,
        // The person already holds it: nothing to grant, the exception only keeps it.
        status: "active",
        deliveredAt: now,
      })
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "exception.created",
      subjectType: "access_exception",
      subjectId: exception!.id,
      after: { exception: `EXC-${exception!.number}`, person: step.identityId, resource: step.resourceKey, level: step.level, type: "role_transition", expiresAt: step.dueAt.toISOString(), rule: exception!.approvalRule },
      reason: exception!.justification,
    });
    await tx.update(accessPlanSteps).set({ status: "in_grace", exceptionId: exception!.id, executedAt: now }).where(eq(accessPlanSteps.id, step.id));
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
  await tx.update(accessPlanSteps).set({ status: "queued", operationId: op.id, executedAt: now }).where(eq(accessPlanSteps.id, step.id));
}
