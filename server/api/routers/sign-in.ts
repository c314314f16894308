import { z } from "zod";
import { devLoginEnabled } from "@/server/config";
import { systemActor } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { listSignInCandidates } from "@/server/services/sign-in";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const signInRouter = createTRPCRouter({
  /** People to sign in as on the development sign-in page; absent unless CLEARANCE_DEV_LOGIN=1. */
  devCandidates: publicProcedure
    .input(z.strictObject({ search: z.string().trim().max(100).optional() }))
    .query(({ ctx, input }) => {
      if (!devLoginEnabled()) throw new DomainError("NOT_FOUND", "Development sign-in is off");
      return listSignInCandidates({ ctx: { db: ctx.db, clock: ctx.clock, actor: systemActor("sign-in") }, input });
    }),
});
