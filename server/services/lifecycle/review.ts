import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { accessExceptions, accessPlans, accessPlanSteps, identities, provisioningOperations } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { executeStep } from "./execute";

/**
 * Review-before-execution (seed 001, phase 5): IT approves a plan whose steps wait for review,
 * and they are carried out as if they had never waited (a grace period starts now), or rejects
 * it with a reason and they are cancelled. Either way with its audit event.
 */
export async function reviewPlan({ ctx, input }: { ctx: ServiceContext; input: { planId: string; decision: "approve" | "reject"; note?: string } }) {
  return ctx.db.transaction(async (tx) => {
    const [plan] = await tx.select().from(accessPlans).where(eq(accessPlans.id, input.planId)).for("update");
    if (!plan) throw new DomainError("NOT_FOUND", "There is no such plan", { field: "planId" });
    if (plan.status !== "awaiting_review") throw new DomainError("CONFLICT", `PLAN-${plan.number} is already ${plan.status}${plan.reviewedBy ? ` by ${plan.reviewedBy}` : ""}`, { field: "planId" });
    const note = input.note?.trim() || null;
    if (input.decision === "reject" && (!note || note.length < 3)) throw new DomainError("INVALID_INPUT", "Say why the plan is rejected", { field: "note" });
    const now = ctx.clock();
    const waiting = await tx.select().from(accessPlanSteps).where(and(eq(accessPlanSteps.planId, plan.id), eq(accessPlanSteps.status, "awaiting_review")));
    if (input.decision === "approve") {
      const day = 86_400_000;
      for (const step of waiting) {
        // The grace period counts from the approval: the person keeps what they had until then.
        const dueAt = new Date(now.getTime() + step.graceDays * day);
        await tx.update(accessPlanSteps).set({ dueAt }).where(eq(accessPlanSteps.id, step.id));
        await executeStep(tx, ctx, { ...step, dueAt }, plan.summary);
      }
    } else {
      await tx.update(accessPlanSteps).set({ status: "cancelled" }).where(and(eq(accessPlanSteps.planId, plan.id), eq(accessPlanSteps.status, "awaiting_review")));
    }
    const status = input.decision === "approve" ? "approved" : "rejected";
    const [after] = await tx.update(accessPlans).set({ status, reviewedBy: actorLabel(ctx.actor), reviewedAt: now, reviewNote: note }).where(eq(accessPlans.id, plan.id)).returning();
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

/** A step's state as a person reads it: waiting for review, queued, in its grace period, done, failed. */
function stepState(step: typeof accessPlanSteps.$inferSelect, op: { status: string; completedAt: Date | null; lastError: string | null } | null, exception: { status: string; expiresAt: Date; endedAt: Date | null; removalDeliveredAt: Date | null } | null) {
  if (step.status === "awaiting_review") return { state: "awaiting_review", at: null, detail: null };
  if (step.status === "cancelled") return { state: "cancelled", at: null, detail: null };
  if (step.status === "in_grace" && exception) {
    if (exception.status === "removed") return { state: "done", at: exception.removalDeliveredAt, detail: "removed after the grace period" };
    if (exception.status === "revoke_failed") return { state: "failed", at: exception.endedAt, detail: "the removal failed" };
    if (exception.endedAt) return { state: "removing", at: exception.endedAt, detail: null };
    return { state: "in_grace", at: exception.expiresAt, detail: `kept until ${exception.expiresAt.toISOString().slice(0, 10)}` };
  }
  if (!op) return { state: "queued", at: null, detail: null };
  if (op.status === "done") return { state: "done", at: op.completedAt, detail: null };
  if (op.status === "failed") return { state: "failed", at: null, detail: op.lastError };
  if (op.status === "waiting") return { state: "waiting", at: null, detail: null };
  return { state: "queued", at: null, detail: op.lastError ? `retrying: ${op.lastError}` : null };
}

/** A person's plans, newest first, each step with its state and timing. */
export async function plansOf({ ctx, input }: { ctx: ServiceContext; input: { identityId: string; limit: number } }) {
  const plans = await ctx.db.select().from(accessPlans).where(eq(accessPlans.identityId, input.identityId)).orderBy(desc(accessPlans.number)).limit(input.limit);
  return withSteps(ctx, plans);
}

/** Plans waiting for IT's review, oldest first, with the person. */
export async function plansAwaitingReview({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db
    .select({ plan: accessPlans, person: { id: identities.id, name: identities.displayName, email: identities.email } })
    .from(accessPlans)
    .innerJoin(identities, eq(identities.id, accessPlans.identityId))
    .where(eq(accessPlans.status, "awaiting_review"))
    .orderBy(asc(accessPlans.createdAt))
    .limit(200);
  const withPeople = await withSteps(ctx, rows.map((r) => r.plan));
  return withPeople.map((p, i) => ({ ...p, person: rows[i]!.person }));
}

async function withSteps(ctx: ServiceContext, plans: (typeof accessPlans.$inferSelect)[]) {
  if (plans.length === 0) return [];
  const steps = await ctx.db.select().from(accessPlanSteps).where(inArray(accessPlanSteps.planId, plans.map((p) => p.id))).orderBy(asc(accessPlanSteps.dueAt), asc(accessPlanSteps.resourceKey));
  const opIds = steps.flatMap((s) => (s.operationId ? [s.operationId] : []));
  const excIds = steps.flatMap((s) => (s.exceptionId ? [s.exceptionId] : []));
  const ops = opIds.length ? await ctx.db.select({ id: provisioningOperations.id, status: provisioningOperations.status, completedAt: provisioningOperations.completedAt, lastError: provisioningOperations.lastError }).from(provisioningOperations).where(inArray(provisioningOperations.id, opIds)) : [];
  const excs = excIds.length ? await ctx.db.select({ id: accessExceptions.id, number: accessExceptions.number, status: accessExceptions.status, expiresAt: accessExceptions.expiresAt, endedAt: accessExceptions.endedAt, removalDeliveredAt: accessExceptions.removalDeliveredAt }).from(accessExceptions).where(inArray(accessExceptions.id, excIds)) : [];
  const opById = new Map(ops.map((o) => [o.id, o]));
  const excById = new Map(excs.map((e) => [e.id, e]));
  return plans.map((plan) => ({
    ...plan,
    steps: steps
      .filter((s) => s.planId === plan.id)
      .map((s) => {
        const exception = s.exceptionId ? (excById.get(s.exceptionId) ?? null) : null;
        return { ...s, exceptionNumber: exception?.number ?? null, ...stepState(s, s.operationId ? (opById.get(s.operationId) ?? null) : null, exception) };
      }),
  }));
}
