import { z } from "zod";
import {
  decidePortalRoleProposal,
  grantOrProposePortalRole,
  listPortalRoles,
  revokePortalRole,
} from "@/server/services/portal-role-admin";
import { createTRPCRouter, itAdminProcedure } from "../trpc";

const role = z.enum(["it_admin", "auditor"]);
const reason = z.string().trim().min(3, "say why").max(1000);

/** The Portal roles page: IT admins and auditors, granted and revoked with a reason. */
export const portalRolesRouter = createTRPCRouter({
  list: itAdminProcedure.query(({ ctx }) => listPortalRoles({ ctx: ctx.service })),
  grant: itAdminProcedure
    .input(z.strictObject({ email: z.email().max(254), role, reason }))
    .mutation(({ ctx, input }) => grantOrProposePortalRole({ ctx: ctx.service, input })),
  revoke: itAdminProcedure
    .input(z.strictObject({ email: z.email().max(254), role, reason }))
    .mutation(({ ctx, input }) => revokePortalRole({ ctx: ctx.service, input })),
  decide: itAdminProcedure
    .input(
      z.strictObject({
        proposalId: z.uuid(),
        decision: z.enum(["approve", "reject"]),
        note: z.string().max(1000).nullish(),
      }),
    )
    .mutation(({ ctx, input }) => decidePortalRoleProposal({ ctx: ctx.service, input })),
});
