import { sectionsFor } from "@/server/core/roles";
import { getIdentity } from "@/server/services/identities";
import { expectedAccessOf } from "@/server/services/policies";
import { createTRPCRouter, employeeProcedure } from "../trpc";

export const meRouter = createTRPCRouter({
  /** The signed-in person: attributes, roles and the sections they may open. */
  profile: employeeProcedure.query(async ({ ctx }) => {
    const identity = await getIdentity({ ctx: ctx.service, input: { id: ctx.actor.identityId } });
    return { ...identity, sections: sectionsFor(ctx.actor.roles) };
  }),
  /** What policy gives the signed-in person, with the reason for each grant. */
  access: employeeProcedure.query(({ ctx }) =>
    expectedAccessOf({ ctx: ctx.service, input: { identityId: ctx.actor.identityId } }),
  ),
});
