import { z } from "zod";
import { resourceInputSchema } from "@/server/core/resources/catalog";
import { addResource, editResource, listSystemResources, removeResource } from "@/server/services/resources/catalog";
import { addDiscoveredResources, discoverResources, importResourceCsv } from "@/server/services/resources/import";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const systemKey = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "a system key")
  .max(40);
const resourceKey = z.string().min(3).max(300);

/** The resource catalog of each system, for IT: by hand, by CSV, or discovered from the adapter. */
export const resourcesRouter = createTRPCRouter({
  bySystem: itAdminProcedure
    .input(z.strictObject({ systemKey }))
    .query(({ ctx, input }) => listSystemResources({ ctx: ctx.service, input })),
  add: itAdminProcedure
    .input(resourceInputSchema)
    .mutation(({ ctx, input }) => addResource({ ctx: ctx.service, input })),
  edit: itAdminProcedure
    .input(resourceInputSchema)
    .mutation(({ ctx, input }) => editResource({ ctx: ctx.service, input })),
  remove: itAdminProcedure
    .input(z.strictObject({ key: resourceKey, reason: z.string().trim().min(3, "say why").max(1000) }))
    .mutation(({ ctx, input }) => removeResource({ ctx: ctx.service, input })),
  importCsv: itAdminProcedure
    .input(
      z.strictObject({
        systemKey,
        csv: z.string().max(1024 * 1024, { error: "the file is larger than 1 MB" }),
        apply: z.boolean(),
      }),
    )
    .mutation(({ ctx, input }) => importResourceCsv({ ctx: ctx.service, input })),
  discover: itAdminProcedure
    .input(z.strictObject({ systemKey }))
    .mutation(({ ctx, input }) => discoverResources({ ctx: ctx.service, input })),
  addDiscovered: itAdminProcedure
    .input(z.strictObject({ systemKey, keys: z.array(resourceKey).min(1, "tick at least one").max(500) }))
    .mutation(({ ctx, input }) => addDiscoveredResources({ ctx: ctx.service, input })),
});
