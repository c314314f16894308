import { z } from "zod";
import { reportFiltersSchema, reportKinds } from "@/server/core/reports/filters";
import { previewReport, reportFacets } from "@/server/services/reports/export";
import { evidencePackContents } from "@/server/services/reports/evidence-contents";
import { metricsFor } from "@/server/services/reports/metrics";
import { exportStatus, startExport } from "@/server/services/reports/background-export";
import { auditReadProcedure, createTRPCRouter } from "../trpc";

/** Auditors' reports, read on screen (the whole report is exported from /api/reports/<kind>). */
export const reportsRouter = createTRPCRouter({
  startExport: auditReadProcedure
    .input(
      z.strictObject({
        kind: z.enum(reportKinds),
        format: z.enum(["csv", "json"]),
        filters: reportFiltersSchema.default({}),
      }),
    )
    .mutation(({ ctx, input }) => startExport({ ctx: ctx.service, input })),
  exportStatus: auditReadProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => exportStatus({ ctx: ctx.service, input })),
  metrics: auditReadProcedure
    .input(
      z.strictObject({
        month: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month (YYYY-MM)")
          .optional(),
      }),
    )
    .query(({ ctx, input }) => metricsFor({ ctx: ctx.service, input })),
  // What the evidence pack for a period holds (the default period when none is given), before download.
  evidencePackContents: auditReadProcedure
    .input(
      z.strictObject({
        from: z.iso.date("a day (YYYY-MM-DD)").optional(),
        to: z.iso.date("a day (YYYY-MM-DD)").optional(),
      }),
    )
    .query(({ ctx, input }) => evidencePackContents({ ctx: ctx.service, input })),
  // Systems and departments for the filters (auditors cannot read the policy catalog or the directory).
  facets: auditReadProcedure.query(({ ctx }) => reportFacets({ ctx: ctx.service })),
  preview: auditReadProcedure
    .input(
      z.strictObject({
        kind: z.enum(reportKinds),
        filters: reportFiltersSchema.default({}),
        limit: z.int().min(1).max(500).default(200),
      }),
    )
    .query(({ ctx, input }) => previewReport({ ctx: ctx.service, input })),
});
