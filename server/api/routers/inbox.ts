import { z } from "zod";
import { inboxCount, listInbox } from "@/server/services/requests/queries";
import { createTRPCRouter, employeeProcedure } from "../trpc";

/** What waits for the signed-in person's decision. Anyone may be an approver (a manager, a resource owner). */
export const inboxRouter = createTRPCRouter({
  list: employeeProcedure
    .input(
      z.strictObject({
        templateKey: z.string().trim().max(100).optional(),
        search: z.string().trim().max(200).optional(),
        status: z.enum(["pending", "needs_info"]).optional(),
      }),
    )
    .query(({ ctx, input }) => listInbox({ ctx: ctx.service, input })),
  count: employeeProcedure.query(({ ctx }) => inboxCount({ ctx: ctx.service })),
});
