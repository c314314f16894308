import { z } from "zod";
import { patternDimensions } from "@/server/core/migration/patterns";
import { snapshotLimits } from "@/server/core/migration/snapshot-file";
import { getCoverageReport, listMissingAccess, listUnexplainedAccess } from "@/server/services/migration/coverage";
import { draftPolicyFromPattern } from "@/server/services/migration/draft";
import { getGroupPattern, listPatternGroups } from "@/server/services/migration/patterns";
import { importSnapshot, listSnapshotSystems, previewSnapshotImport } from "@/server/services/migration/snapshot";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const systemKey = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]*$/, "a system key");
// Characters, not bytes: a text over the byte limit in characters is over it in bytes too; the service checks bytes.
const csv = z
  .string()
  .max(snapshotLimits.bytes, { error: `the file is larger than ${snapshotLimits.bytes / 1024 / 1024} MB` });
const dimension = z.enum(patternDimensions);
const group = z.string().trim().min(1).max(200);
const page = {
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(25),
  systemKey: systemKey.optional(),
};

/** Migration to policy (seed 001, phases 1–4): snapshot current access, mine patterns, draft policies, measure coverage. */
export const migrationRouter = createTRPCRouter({
  systems: itAdminProcedure.query(({ ctx }) => listSnapshotSystems({ ctx: ctx.service })),
  previewSnapshot: itAdminProcedure
    .input(z.strictObject({ systemKey, csv }))
    .query(({ ctx, input }) => previewSnapshotImport({ ctx: ctx.service, input })),
  importSnapshot: itAdminProcedure
    .input(z.strictObject({ systemKey, csv }))
    .mutation(({ ctx, input }) => importSnapshot({ ctx: ctx.service, input })),
  patternGroups: itAdminProcedure
    .input(z.strictObject({ dimension }))
    .query(({ ctx, input }) => listPatternGroups({ ctx: ctx.service, input })),
  pattern: itAdminProcedure
    .input(z.strictObject({ dimension, group }))
    .query(({ ctx, input }) => getGroupPattern({ ctx: ctx.service, input })),
  draftPolicy: itAdminProcedure
    .input(
      z.strictObject({
        dimension,
        group,
        resources: z.array(z.string().trim().min(1).max(500)).min(1).max(100).optional(),
      }),
    )
    .query(({ ctx, input }) => draftPolicyFromPattern({ ctx: ctx.service, input })),
  coverage: itAdminProcedure.query(({ ctx }) => getCoverageReport({ ctx: ctx.service })),
  unexplained: itAdminProcedure
    .input(z.strictObject(page))
    .query(({ ctx, input }) => listUnexplainedAccess({ ctx: ctx.service, input })),
  missing: itAdminProcedure
    .input(z.strictObject(page))
    .query(({ ctx, input }) => listMissingAccess({ ctx: ctx.service, input })),
});
