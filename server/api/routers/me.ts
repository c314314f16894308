import { sectionsFor } from "@/server/core/roles";
import { getIdentity } from "@/server/services/identities";
import { createTRPCRouter, employeeProcedure } from "../trpc";

export const meRouter = createTRPCRouter({
  /** The signed-in person: attributes, roles and the sections they may open. */
  profile: employeeProcedure.query(async ({ ctx }) => {
    const identity = await getIdentity({ ctx: ctx.service, input: { id: ctx.actor.identityId } });
    return { ...identity, sections: sectionsFor(ctx.actor.roles) };
  }),
});
