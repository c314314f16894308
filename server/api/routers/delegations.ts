import { z } from "zod";
import { saneDate } from "@/server/core/input/dates";
import { createDelegation, endDelegation, listDelegations } from "@/server/services/requests/delegations";
import { createTRPCRouter, employeeProcedure } from "../trpc";

/** Out-of-office: anyone who approves may hand their decisions to someone else for a while. */
export const delegationsRouter = createTRPCRouter({
  list: employeeProcedure.query(({ ctx }) => listDelegations({ ctx: ctx.service })),
  create: employeeProcedure
    .input(
      z.strictObject({
        delegateEmail: z.email(),
        startsAt: saneDate(),
        endsAt: saneDate(),
        reason: z.string().max(500).default(""),
      }),
    )
    .mutation(({ ctx, input }) => createDelegation({ ctx: ctx.service, input })),
  end: employeeProcedure
    .input(z.strictObject({ id: z.uuid() }))
    .mutation(({ ctx, input }) => endDelegation({ ctx: ctx.service, input })),
});
