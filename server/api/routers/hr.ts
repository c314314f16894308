import { z } from "zod";
import { createHrSource, listHrSources } from "@/server/services/hr/events";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

/** HR systems that send events to POST /api/hr/events, and what they sent. */
export const hrRouter = createTRPCRouter({
  sources: itAdminProcedure.query(({ ctx }) => listHrSources({ ctx: ctx.service })),
  createSource: itAdminProcedure
    .input(z.strictObject({ key: z.string().trim().min(2).max(60), name: z.string().trim().max(200) }))
    .mutation(({ ctx, input }) => createHrSource({ ctx: ctx.service, input })),
});
