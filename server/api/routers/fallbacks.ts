import { z } from "zod";
import { listCatalog } from "@/server/services/catalog";
import { askForResource } from "@/server/services/fallbacks/ask";
import { deleteFallback, lintFallbackDraft, listFallbacks, saveFallback } from "@/server/services/fallbacks/store";
import { createTRPCRouter, employeeProcedure, itAdminProcedure } from "../trpc";

const draft = z.strictObject({ source: z.string().min(1).max(50_000), previousName: z.string().max(100).optional() });

/** Fallback policies (IT) and asking for a resource no policy gives (everyone). */
export const fallbacksRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listFallbacks({ ctx: ctx.service })),
  // Lint as you type in the fallback editor.
  lint: itAdminProcedure.input(draft).query(({ ctx, input }) => lintFallbackDraft({ ctx: ctx.service, input })),
  save: itAdminProcedure.input(draft).mutation(({ ctx, input }) => saveFallback({ ctx: ctx.service, input })),
  remove: itAdminProcedure
    .input(z.strictObject({ name: z.string().min(1).max(100) }))
    .mutation(({ ctx, input }) => deleteFallback({ ctx: ctx.service, input })),
  // Resource names, for the "ask for a resource" picker.
  resources: employeeProcedure.query(async ({ ctx }) =>
    (await listCatalog({ ctx: ctx.service })).resources.map((r) => r.key),
  ),
  ask: employeeProcedure
    .input(
      z.strictObject({
        resource: z.string().trim().min(3).max(300),
        durationMinutes: z
          .int()
          .min(1)
          .max(60 * 24 * 366)
          .optional(),
        justification: z.string().max(2000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => askForResource({ ctx: ctx.service, input })),
});
