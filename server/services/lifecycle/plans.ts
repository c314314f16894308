import { asc, desc, eq, inArray } from "drizzle-orm";
import { stepState } from "@/server/core/lifecycle/step-state";
import { accessExceptions, accessPlans, accessPlanSteps, identities, provisioningOperations } from "@/server/db/schema";
import type { ServiceContext } from "../context";

/** A person's plans, newest first, each step with its state and timing. */
export async function plansOf({ ctx, input }: { ctx: ServiceContext; input: { identityId: string; limit: number } }) {
  const plans = await ctx.db
    .select()
    .from(accessPlans)
    .where(eq(accessPlans.identityId, input.identityId))
    .orderBy(desc(accessPlans.number))
    .limit(input.limit);
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
  const withPeople = await withSteps(
    ctx,
    rows.map((r) => r.plan),
  );
  return withPeople.map((p, i) => ({ ...p, person: rows[i]!.person }));
}

async function withSteps(ctx: ServiceContext, plans: (typeof accessPlans.$inferSelect)[]) {
  if (plans.length === 0) return [];
  const steps = await ctx.db
    .select()
    .from(accessPlanSteps)
    .where(
      inArray(
        accessPlanSteps.planId,
        plans.map((p) => p.id),
      ),
    )
    .orderBy(asc(accessPlanSteps.dueAt), asc(accessPlanSteps.resourceKey));
  const opIds = steps.flatMap((s) => (s.operationId ? [s.operationId] : []));
  const excIds = steps.flatMap((s) => (s.exceptionId ? [s.exceptionId] : []));
  const ops = opIds.length
    ? await ctx.db
        .select({
          id: provisioningOperations.id,
          status: provisioningOperations.status,
          completedAt: provisioningOperations.completedAt,
          lastError: provisioningOperations.lastError,
          cancelReason: provisioningOperations.cancelReason,
        })
        .from(provisioningOperations)
        .where(inArray(provisioningOperations.id, opIds))
    : [];
  const excs = excIds.length
    ? await ctx.db
        .select({
          id: accessExceptions.id,
          number: accessExceptions.number,
          status: accessExceptions.status,
          expiresAt: accessExceptions.expiresAt,
          endedAt: accessExceptions.endedAt,
          removalDeliveredAt: accessExceptions.removalDeliveredAt,
        })
        .from(accessExceptions)
        .where(inArray(accessExceptions.id, excIds))
    : [];
  const opById = new Map(ops.map((o) => [o.id, o]));
  const excById = new Map(excs.map((e) => [e.id, e]));
  return plans.map((plan) => ({
    ...plan,
    steps: steps
      .filter((s) => s.planId === plan.id)
      .map((s) => {
        const exception = s.exceptionId ? (excById.get(s.exceptionId) ?? null) : null;
        return {
          ...s,
          exceptionNumber: exception?.number ?? null,
          ...stepState(s, s.operationId ? (opById.get(s.operationId) ?? null) : null, exception),
        };
      }),
  }));
}
