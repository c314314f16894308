import { z } from "zod";
import { aliasValueReport, createAlias, listAliases, removeAlias } from "@/server/services/aliases";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

/** Aliases that map messy HR spellings to the values policies use. */
export const aliasesRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listAliases({ ctx: ctx.service })),
  unknownValues: itAdminProcedure.query(({ ctx }) => aliasValueReport({ ctx: ctx.service })),
  create: itAdminProcedure
    .input(z.strictObject({ attribute: z.string().max(100), raw: z.string().max(500), canonical: z.string().max(500) }))
    .mutation(({ ctx, input }) => createAlias({ ctx: ctx.service, input })),
  remove: itAdminProcedure.input(z.strictObject({ id: z.uuid() })).mutation(({ ctx, input }) => removeAlias({ ctx: ctx.service, input })),
});
