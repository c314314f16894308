import { z } from "zod";
import { exceptionTypes } from "@/server/core/exceptions/types";
import { saneDayOrMoment } from "@/server/core/input/dates";
import { runDriftCheck } from "@/server/services/drift/check";
import {
  driftOverview,
  listDriftFindings,
  listDriftRuns,
  listResourceGrace,
  setResourceGraceDays,
  setSystemLifecycleSettings,
} from "@/server/services/drift/queries";
import { resolveDriftFinding } from "@/server/services/drift/remediate";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const systemKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]*$/, "a system key");
const page = { page: z.number().int().min(1).default(1), pageSize: z.number().int().min(1).max(200).default(50) };

/** Drift detection for IT: per-system overview, checks on demand, history, findings and what to do about them. */
export const driftRouter = createTRPCRouter({
  overview: itAdminProcedure.query(({ ctx }) => driftOverview({ ctx: ctx.service })),
  runs: itAdminProcedure
    .input(z.strictObject({ systemKey: systemKey.optional(), ...page }))
    .query(({ ctx, input }) => listDriftRuns({ ctx: ctx.service, input })),
  findings: itAdminProcedure
    .input(
      z.strictObject({
        systemKey: systemKey.optional(),
        kind: z.enum(["excess", "missing", "level"]).optional(),
        status: z.enum(["open", "closed", "all"]).default("open"),
        identityId: z.uuid().optional(),
        ...page,
      }),
    )
    .query(({ ctx, input }) => listDriftFindings({ ctx: ctx.service, input })),
  check: itAdminProcedure
    .input(z.strictObject({ systemKey }))
    .mutation(({ ctx, input }) =>
      runDriftCheck({ ctx: ctx.service, input: { systemKey: input.systemKey, trigger: "on_demand" } }),
    ),
  resolve: itAdminProcedure
    .input(
      z.strictObject({
        findingId: z.uuid(),
        action: z.enum(["remove", "grant", "set_level", "convert", "dismiss"]),
        note: z.string().max(1000).optional(),
        exception: z
          .strictObject({
            type: z.enum(exceptionTypes),
            // A day (access lasts through it, in the organization's zone) or a moment.
            expiresAt: saneDayOrMoment({ coerce: true }),
            justification: z.string().max(2000),
            approverEmail: z.string().trim().max(320),
          })
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => resolveDriftFinding({ ctx: ctx.service, input })),
  settings: itAdminProcedure
    .input(
      z.strictObject({
        systemKey,
        reviewPlans: z.boolean(),
        graceDays: z.number().int().min(0).max(365).nullable(),
        driftAutoRemediate: z.boolean(),
      }),
    )
    .mutation(({ ctx, input }) => setSystemLifecycleSettings({ ctx: ctx.service, input })),
  resourceGrace: itAdminProcedure
    .input(z.strictObject({ systemKey }))
    .query(({ ctx, input }) => listResourceGrace({ ctx: ctx.service, input })),
  setResourceGrace: itAdminProcedure
    .input(
      z.strictObject({
        resourceKey: z.string().trim().min(3).max(500),
        graceDays: z.number().int().min(0).max(365).nullable(),
      }),
    )
    .mutation(({ ctx, input }) => setResourceGraceDays({ ctx: ctx.service, input })),
});
