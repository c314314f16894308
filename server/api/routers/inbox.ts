import { z } from "zod";
import { MAX_PAGE_SIZE } from "@/server/core/lists/cursor";
import { listInbox } from "@/server/services/requests/inbox";
import { cachedInboxCount } from "@/server/services/requests/inbox-count-cache";
import { createTRPCRouter, employeeProcedure } from "../trpc";

/** What waits for the signed-in person's decision. Anyone may be an approver (a manager, a resource owner). */
export const inboxRouter = createTRPCRouter({
  list: employeeProcedure
    .input(
      z.strictObject({
        templateKey: z.string().trim().max(100).optional(),
        search: z.string().trim().max(200).optional(),
        status: z.enum(["pending", "needs_info"]).optional(),
        limit: z.int().min(1).max(MAX_PAGE_SIZE).default(25),
        cursor: z.string().max(500).nullish(),
        // sent by the client's infinite query with each cursor; pages only go forward
        direction: z.enum(["forward", "backward"]).optional(),
      }),
    )
    .query(({ ctx, input }) => listInbox({ ctx: ctx.service, input: { ...input, cursor: input.cursor ?? undefined } })),
  // Every page shows it: kept per instance for a few seconds, dropped by any write here (inbox-count-cache.ts).
  count: employeeProcedure.query(({ ctx }) => cachedInboxCount({ ctx: ctx.service })),
});
