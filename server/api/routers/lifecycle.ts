import { z } from "zod";
import { plansAwaitingReview, plansOf } from "@/server/services/lifecycle/plans";
import { reviewPlan } from "@/server/services/lifecycle/review";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

/** Joiner / mover / leaver plans: a person's plans with each step's state, and review-before-execution. */
export const lifecycleRouter = createTRPCRouter({
  plansOf: itAdminProcedure
    .input(z.strictObject({ identityId: z.uuid(), limit: z.number().int().min(1).max(100).default(20) }))
    .query(({ ctx, input }) => plansOf({ ctx: ctx.service, input })),
  awaitingReview: itAdminProcedure.query(({ ctx }) => plansAwaitingReview({ ctx: ctx.service })),
  review: itAdminProcedure
    .input(
      z.strictObject({
        planId: z.uuid(),
        decision: z.enum(["approve", "reject"]),
        note: z.string().max(1000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => reviewPlan({ ctx: ctx.service, input })),
});
