import { myExpectedAccess, myProfile } from "@/server/services/my-access";
import { organizationTimeZone, preferredTimeZoneOf, setMyTimeZone } from "@/server/services/time-zones";
import { z } from "zod";
import { createTRPCRouter, employeeProcedure } from "../trpc";

export const meRouter = createTRPCRouter({
  /** The signed-in person: attributes, manager, roles and the sections they may open. */
  profile: employeeProcedure.query(({ ctx }) => myProfile({ ctx: ctx.service })),
  /** What policy gives the signed-in person, with the reason for each grant. */
  access: employeeProcedure.query(({ ctx }) => myExpectedAccess({ ctx: ctx.service })),
  /** The zone the signed-in person chose (null: their browser's) and the organization's. */
  timeZone: employeeProcedure.query(async ({ ctx }) => ({
    preferred: await preferredTimeZoneOf(ctx.db, ctx.actor.identityId),
    organization: await organizationTimeZone(ctx.db),
  })),
  /** Sets the signed-in person's own zone; null follows their browser again. */
  setTimeZone: employeeProcedure
    .input(z.strictObject({ timeZone: z.string().max(100).nullable() }))
    .mutation(({ ctx, input }) => setMyTimeZone({ ctx: ctx.service, input })),
});
