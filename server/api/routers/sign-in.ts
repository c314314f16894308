import { z } from "zod";
import { listSignInCandidates } from "@/server/services/sign-in";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const signInRouter = createTRPCRouter({
  /** People to sign in as on the development sign-in page; NOT_FOUND unless CLEARANCE_DEV_LOGIN=1. */
  devCandidates: publicProcedure
    .input(z.strictObject({ search: z.string().trim().max(100).optional() }))
    .query(({ ctx, input }) => listSignInCandidates({ ctx, input })),
});
