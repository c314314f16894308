import { and, eq } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { accessPlans, accessPlanSteps } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { executeStep } from "./execute";

/**
 * Review-before-execution (seed 001, phase 5): IT approves a plan whose steps wait for review,
 * and they are carried out as if they had never waited (a grace period starts now), or rejects
 * it with a reason and they are cancelled. Either way with its audit event.
 */
export async function reviewPlan({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { planId: string; decision: "approve" | "reject"; note?: string };
}) {
  return ctx.db.transaction(async (tx) => {
    const [plan] = await tx.select().from(accessPlans).where(eq(accessPlans.id, input.planId)).for("update");
    if (!plan) throw new DomainError("NOT_FOUND", "There is no such plan", { field: "planId" });
    if (plan.status !== "awaiting_review")
      throw new DomainError(
        "CONFLICT",
        `PLAN-${plan.number} is already ${plan.status}${plan.reviewedBy ? ` by ${plan.reviewedBy}` : ""}`,
        { field: "planId" },
      );
    const note = input.note?.trim() || null;
    if (input.decision === "reject" && (!note || note.length < 3))
      throw new DomainError("INVALID_INPUT", "Say why the plan is rejected", { field: "note" });
    const now = ctx.clock();
    const waiting = await tx
      .select()
      .from(accessPlanSteps)
      .where(and(eq(accessPlanSteps.planId, plan.id), eq(accessPlanSteps.status, "awaiting_review")));
    if (input.decision === "approve") {
      const day = 86_400_000;
      for (const step of waiting) {
        // The grace period counts from the approval: the person keeps what they had until then.
        const dueAt = new Date(now.getTime() + step.graceDays * day);
        await tx.update(accessPlanSteps).set({ dueAt }).where(eq(accessPlanSteps.id, step.id));
        await executeStep(tx, ctx, { ...step, dueAt }, plan.summary);
      }
    } else {
      await tx
        .update(accessPlanSteps)
        .set({ status: "cancelled" })
        .where(and(eq(accessPlanSteps.planId, plan.id), eq(accessPlanSteps.status, "awaiting_review")));
    }
    const status = input.decision === "approve" ? "approved" : "rejected";
    const [after] = await tx
      .update(accessPlans)
      .set({ status, reviewedBy: actorLabel(ctx.actor), reviewedAt: now, reviewNote: note })
      .where(eq(accessPlans.id, plan.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: input.decision === "approve" ? "lifecycle.plan_approved" : "lifecycle.plan_rejected",
      subjectType: "identity",
      subjectId: plan.identityId,
      before: { status: plan.status },
      after: { plan: `PLAN-${plan.number}`, status, steps: waiting.map((s) => `${s.action} ${s.resourceKey}`) },
      reason: note,
    });
    return after!;
  });
}
