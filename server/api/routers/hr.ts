import { z } from "zod";
import { createHrSource, listHrSources } from "@/server/services/hr/events";
import { handOverPeople, previewHandover } from "@/server/services/hr/handover";
import { setScimSignInEmail } from "@/server/services/hr/scim-settings";
import { listAttributeOwnership, setAttributeOwnership } from "@/server/services/attribute-ownership";
import { hrAttributes } from "@/server/core/identity/attributes";
import { directoryKind } from "@/server/directory/registry";
import {
  createDirectoryPull,
  listDirectoryPulls,
  requestDirectoryPull,
  testDirectoryPull,
  updateDirectoryPull,
} from "@/server/services/directory/pulls";
import { revokeHrSource, rotateHrSourceToken } from "@/server/services/hr/tokens";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

export const sourceKey = z.string().trim().min(1).max(60);
export const handoverReason = z.string().trim().min(1, { error: "say why (the audit trail keeps it)" }).max(500);
const selection = {
  toSource: sourceKey,
  fromSource: sourceKey.nullable(),
  department: z.string().trim().max(200).nullish(),
};

/** HR systems that send events to POST /api/hr/events, what they sent, and whom each manages. */
export const hrRouter = createTRPCRouter({
  sources: itAdminProcedure.query(({ ctx }) => listHrSources({ ctx: ctx.service })),
  createSource: itAdminProcedure
    .input(z.strictObject({ key: z.string().trim().min(2).max(60), name: z.string().trim().max(200) }))
    .mutation(({ ctx, input }) => createHrSource({ ctx: ctx.service, input })),
  /** Where the source's SCIM Users take their sign-in email from: the primary email or userName. */
  setScimSignInEmail: itAdminProcedure
    .input(z.strictObject({ key: sourceKey, from: z.enum(["primary_email", "user_name"]) }))
    .mutation(({ ctx, input }) => setScimSignInEmail({ ctx: ctx.service, input })),
  /** Which HR attributes each channel (every source, CSV import, adding by hand) is authoritative for. */
  attributeOwnership: itAdminProcedure.query(({ ctx }) => listAttributeOwnership({ ctx: ctx.service })),
  /** Declares what a channel owns (null: every attribute); applies to its next writes. */
  setAttributeOwnership: itAdminProcedure
    .input(
      z.strictObject({
        writer: z.discriminatedUnion("kind", [
          z.strictObject({ kind: z.literal("source"), key: sourceKey }),
          z.strictObject({ kind: z.literal("csv") }),
          z.strictObject({ kind: z.literal("manual") }),
        ]),
        attributes: z
          .array(z.enum(hrAttributes))
          .max(hrAttributes.length * 2)
          .nullable(),
      }),
    )
    .mutation(({ ctx, input }) => setAttributeOwnership({ ctx: ctx.service, input })),
  /** Directories read on a schedule (Okta, Entra ID, Google Workspace), with their last run. */
  directoryPulls: itAdminProcedure.query(({ ctx }) => listDirectoryPulls({ ctx: ctx.service })),
  /** Connects a directory: a new source whose people are pulled every intervalMinutes. */
  createDirectoryPull: itAdminProcedure
    .input(
      z.strictObject({
        key: z.string().trim().min(2).max(60),
        name: z.string().trim().max(200),
        kind: directoryKind,
        settings: z.record(z.string().max(100), z.unknown()),
        intervalMinutes: z.int().min(5).max(10_080),
      }),
    )
    .mutation(({ ctx, input }) => createDirectoryPull({ ctx: ctx.service, input })),
  updateDirectoryPull: itAdminProcedure
    .input(
      z.strictObject({
        key: sourceKey,
        settings: z.record(z.string().max(100), z.unknown()).optional(),
        intervalMinutes: z.int().min(5).max(10_080).optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateDirectoryPull({ ctx: ctx.service, input })),
  /** Calls the directory's health check: credentials and permissions, naming what is missing. */
  testDirectoryPull: itAdminProcedure
    .input(z.strictObject({ key: sourceKey }))
    .mutation(({ ctx, input }) => testDirectoryPull({ ctx: ctx.service, input })),
  /** Pulls now instead of at the next interval ("busy" when a pull is running). */
  syncDirectoryNow: itAdminProcedure
    .input(z.strictObject({ key: sourceKey, allowMassLeave: z.boolean().optional() }))
    .mutation(({ ctx, input }) => requestDirectoryPull({ ctx: ctx.service, input })),
  /** A new token for the source, shown once; the old one stops working. */
  rotateToken: itAdminProcedure
    .input(z.strictObject({ key: sourceKey, reason: handoverReason }))
    .mutation(({ ctx, input }) => rotateHrSourceToken({ ctx: ctx.service, input })),
  /** The source's token stops working (a leak, a system retired). */
  revokeSource: itAdminProcedure
    .input(z.strictObject({ key: sourceKey, reason: handoverReason }))
    .mutation(({ ctx, input }) => revokeHrSource({ ctx: ctx.service, input })),
  /** Who a bulk handover would give the source, changing nothing. */
  previewHandover: itAdminProcedure
    .input(z.strictObject(selection))
    .query(({ ctx, input }) => previewHandover({ ctx: ctx.service, input })),
  /** Gives the source the people previewed (audited per person, with the reason). */
  handOverPeople: itAdminProcedure
    .input(z.strictObject({ ...selection, reason: handoverReason, expectedCount: z.int().min(1).max(10_000_000) }))
    .mutation(({ ctx, input }) => handOverPeople({ ctx: ctx.service, input })),
});
