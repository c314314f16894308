import { z } from "zod";
import { organizationTimeZone, setOrganizationTimeZone } from "@/server/services/time-zones";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

export const organizationRouter = createTRPCRouter({
  /** Organization-wide settings IT keeps: the default time zone. */
  settings: itAdminProcedure.query(async ({ ctx }) => ({ timeZone: await organizationTimeZone(ctx.db) })),
  /** Sets the organization's zone (where given days begin and end; everyone's default), audited. */
  setTimeZone: itAdminProcedure
    .input(z.strictObject({ timeZone: z.string().max(100) }))
    .mutation(({ ctx, input }) => setOrganizationTimeZone({ ctx: ctx.service, input })),
});
