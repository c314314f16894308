import { z } from "zod";
import { serialId } from "@/server/core/input/integers";
import { listCatalog } from "@/server/services/catalog";
import {
  decidePolicyChange,
  explainPersonAccess,
  exportPolicyFiles,
  getPolicyFile,
  getPolicyVersion,
  importPolicyFiles,
  lintPolicyDraft,
  listPolicies,
  listPolicyVersions,
  loadPolicyVocabulary,
  pendingPolicyChanges,
  policyOverview,
  previewPolicyDraft,
  requiresSecondApproval,
  restorePolicyVersion,
  savePolicyChange,
  setPolicySettings,
  whatIfAttributes,
  expectedAccessOf,
} from "@/server/services/policies";
import { auditReadProcedure, createTRPCRouter, itAdminProcedure } from "../trpc";

const MAX_FILE = 200_000;
const path = z.string().min(1).max(200);
const changes = z
  .array(z.strictObject({ path, source: z.string().max(MAX_FILE).nullable() }))
  .min(1)
  .max(2000);
const versionId = serialId();

export const policiesRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listPolicies({ ctx: ctx.service })),
  file: itAdminProcedure
    .input(z.strictObject({ path }))
    .query(({ ctx, input }) => getPolicyFile({ ctx: ctx.service, input })),
  catalog: itAdminProcedure.query(({ ctx }) => listCatalog({ ctx: ctx.service })),
  overview: itAdminProcedure.query(({ ctx }) => policyOverview({ ctx: ctx.service })),
  // What the policy and fallback editors complete: attribute names and values, policies, resources.
  vocabulary: itAdminProcedure.query(({ ctx }) => loadPolicyVocabulary({ ctx: ctx.service })),

  lint: itAdminProcedure
    .input(z.strictObject({ changes }))
    .query(({ ctx, input }) => lintPolicyDraft({ ctx: ctx.service, input })),
  preview: itAdminProcedure
    .input(z.strictObject({ changes, limit: z.int().min(1).max(1000).default(200) }))
    .query(({ ctx, input }) => previewPolicyDraft({ ctx: ctx.service, input })),
  save: itAdminProcedure
    .input(z.strictObject({ baseVersionId: versionId.nullable(), changes, message: z.string().max(500) }))
    .mutation(({ ctx, input }) => savePolicyChange({ ctx: ctx.service, input })),

  versions: auditReadProcedure
    .input(z.strictObject({ page: z.int().min(1).default(1), pageSize: z.int().min(1).max(100).default(25) }))
    .query(({ ctx, input }) => listPolicyVersions({ ctx: ctx.service, input })),
  version: auditReadProcedure
    .input(z.strictObject({ versionId, against: versionId.optional() }))
    .query(({ ctx, input }) => getPolicyVersion({ ctx: ctx.service, input })),
  restore: itAdminProcedure
    .input(z.strictObject({ versionId, message: z.string().max(500).optional() }))
    .mutation(({ ctx, input }) => restorePolicyVersion({ ctx: ctx.service, input })),
  pending: itAdminProcedure.query(({ ctx }) => pendingPolicyChanges({ ctx: ctx.service })),
  decide: itAdminProcedure
    .input(
      z.strictObject({ versionId, decision: z.enum(["approve", "reject"]), note: z.string().max(1000).optional() }),
    )
    .mutation(({ ctx, input }) => decidePolicyChange({ ctx: ctx.service, input })),
  settings: itAdminProcedure.query(async ({ ctx }) => ({
    requireSecondApproval: await requiresSecondApproval(ctx.db),
  })),
  updateSettings: itAdminProcedure
    .input(z.strictObject({ requireSecondApproval: z.boolean() }))
    .mutation(({ ctx, input }) => setPolicySettings({ ctx: ctx.service, input })),

  export: auditReadProcedure.query(({ ctx }) => exportPolicyFiles({ ctx: ctx.service })),
  import: itAdminProcedure
    .input(
      z.strictObject({
        files: z
          .array(z.strictObject({ path, source: z.string().max(MAX_FILE) }))
          .min(1)
          .max(2000),
        message: z.string().max(500),
      }),
    )
    .mutation(({ ctx, input }) => importPolicyFiles({ ctx: ctx.service, input })),

  expectedAccess: itAdminProcedure
    .input(z.strictObject({ identityId: z.uuid() }))
    .query(({ ctx, input }) => expectedAccessOf({ ctx: ctx.service, input })),
  explain: itAdminProcedure
    .input(z.strictObject({ identityId: z.uuid(), resource: z.string().min(1).max(500) }))
    .query(({ ctx, input }) => explainPersonAccess({ ctx: ctx.service, input })),
  whatIf: itAdminProcedure
    .input(z.strictObject({ identityId: z.uuid(), attributes: z.record(z.string().max(50), z.unknown()) }))
    .query(({ ctx, input }) => whatIfAttributes({ ctx: ctx.service, input })),
});
