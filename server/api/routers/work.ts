import { itWorkQueue } from "@/server/services/work-queue";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

/** IT's work queue: what waits for IT, oldest first (the Work queue page, IT's home). */
export const workRouter = createTRPCRouter({
  queue: itAdminProcedure.query(({ ctx }) => itWorkQueue({ ctx: ctx.service })),
});
