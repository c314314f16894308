import { z } from "zod";
import { listSignInCandidates, setupState } from "@/server/services/sign-in";
import { createTRPCRouter, publicProcedure } from "../trpc";

export const signInRouter = createTRPCRouter({
  /** People to sign in as on the development sign-in page; NOT_FOUND unless CLEARANCE_DEV_LOGIN=1. */
  devCandidates: publicProcedure
    .input(z.strictObject({ search: z.string().trim().max(100).optional() }))
    .query(({ ctx, input }) => listSignInCandidates({ ctx, input })),
  /** Whether the instance still needs its first IT admin (the sign-in page says how to make one). */
  setup: publicProcedure.query(({ ctx }) => setupState({ ctx })),
});
