import { z } from "zod";
import { aliasValueReport, createAlias, listAliases, previewAlias, removeAlias } from "@/server/services/aliases";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const aliasInput = { attribute: z.string().max(100), raw: z.string().max(500), canonical: z.string().max(500) };

/** Aliases that map messy HR spellings to the values policies use. */
export const aliasesRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listAliases({ ctx: ctx.service })),
  unknownValues: itAdminProcedure.query(({ ctx }) => aliasValueReport({ ctx: ctx.service })),
  /** Who would gain and lose which access with this alias, and the evidence for it, before it is saved. */
  preview: itAdminProcedure
    .input(z.strictObject({ ...aliasInput, limit: z.int().min(1).max(1000).default(200) }))
    .query(({ ctx, input }) => previewAlias({ ctx: ctx.service, input })),
  create: itAdminProcedure
    .input(z.strictObject(aliasInput))
    .mutation(({ ctx, input }) => createAlias({ ctx: ctx.service, input })),
  remove: itAdminProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => removeAlias({ ctx: ctx.service, input })),
});
