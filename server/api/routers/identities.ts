import { z } from "zod";
import { importLimits } from "@/server/core/identity/import-table";
import {
  getIdentity,
  identitySortKeys,
  listAttributeHistory,
  listIdentities,
  listIdentityFacets,
} from "@/server/services/identities";
import { handOverIdentity } from "@/server/services/hr/handover";
import { addPersonByHand } from "@/server/services/identity-by-hand";
import { applyIdentityImport } from "@/server/services/identity-import/apply";
import { previewIdentityImport } from "@/server/services/identity-import/preview";
import { createTRPCRouter, itAdminProcedure } from "../trpc";
import { handoverReason, sourceKey } from "./hr";

const page = z.int().min(1).max(100_000).default(1);
const pageSize = z.int().min(1).max(100).default(25);
// Characters, not bytes: a text over the limit in characters is over it in bytes too; the service counts bytes.
const csv = z.string().max(importLimits.bytes, { error: "the file is larger than 5 MB" });

export const identitiesRouter = createTRPCRouter({
  list: itAdminProcedure
    .input(
      z.strictObject({
        page,
        pageSize,
        search: z.string().trim().max(200).optional(),
        department: z.string().max(200).optional(),
        status: z.string().max(100).optional(),
        sort: z.enum(identitySortKeys).default("name"),
        direction: z.enum(["asc", "desc"]).default("asc"),
      }),
    )
    .query(({ ctx, input }) => listIdentities({ ctx: ctx.service, input })),

  facets: itAdminProcedure.query(({ ctx }) => listIdentityFacets({ ctx: ctx.service })),

  byId: itAdminProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .query(({ ctx, input }) => getIdentity({ ctx: ctx.service, input })),

  attributeHistory: itAdminProcedure
    .input(z.strictObject({ identityId: z.uuid(), page, pageSize }))
    .query(({ ctx, input }) => listAttributeHistory({ ctx: ctx.service, input })),

  /** IT hands a person to another HR source, or to none (audited with the reason). */
  handOver: itAdminProcedure
    .input(z.strictObject({ identityId: z.uuid(), toSource: sourceKey.nullable(), reason: handoverReason }))
    .mutation(({ ctx, input }) => handOverIdentity({ ctx: ctx.service, input })),

  /** IT adds a person no source has sent (yet); a source that later sends the email takes them over. */
  addByHand: itAdminProcedure
    .input(
      z.strictObject({
        email: z.email().max(254),
        displayName: z.string().trim().min(1, "a name").max(200),
        externalId: z.string().trim().max(200).nullish(),
        attributes: z.record(z.string().max(60), z.string().max(200)).refine((a) => Object.keys(a).length <= 30, {
          error: "at most 30 attributes",
        }),
        reason: z.string().trim().min(3, "say why").max(1000),
      }),
    )
    .mutation(({ ctx, input }) => addPersonByHand({ ctx: ctx.service, input })),

  /** CSV import: every change it would make, changing nothing. */
  previewImport: itAdminProcedure
    .input(z.strictObject({ csv }))
    .query(({ ctx, input }) => previewIdentityImport({ ctx: ctx.service, input })),

  /** Applies exactly what the preview with this fingerprint showed, all or nothing. */
  applyImport: itAdminProcedure
    .input(
      z.strictObject({ csv, fingerprint: z.string().regex(/^[0-9a-f]{64}$/, { error: "not a preview fingerprint" }) }),
    )
    .mutation(({ ctx, input }) => applyIdentityImport({ ctx: ctx.service, input })),
});
