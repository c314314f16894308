import { z } from "zod";
import { setSetupChecklistDismissed, setupChecklistFor } from "@/server/services/setup-checklist";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

/** The setup checklist (issue 15, point 3): what a new organization still has to set up, for IT. */
export const setupRouter = createTRPCRouter({
  checklist: itAdminProcedure.query(({ ctx }) => setupChecklistFor({ ctx: ctx.service })),
  /** Put away from IT's home (true) or shown there again (false); audited. */
  setDismissed: itAdminProcedure
    .input(z.strictObject({ dismissed: z.boolean() }))
    .mutation(({ ctx, input }) => setSetupChecklistDismissed({ ctx: ctx.service, input })),
});
