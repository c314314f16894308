import "server-only";
import { actorFromHeaders } from "@/server/auth/actor";
import { requestInfo } from "@/server/auth/request-info";
import { getDb } from "@/server/db/client";
import { requestIdFrom } from "@/server/http/request-id";
import type { TRPCContext } from "./trpc";

/** The tRPC context for a real request: the session's actor, re-checked against the database. */
export async function createTRPCContext(opts: { headers: Headers }): Promise<TRPCContext> {
  return {
    db: getDb(),
    clock: () => new Date(),
    actor: await actorFromHeaders(opts.headers),
    request: requestInfo(opts.headers),
    requestId: requestIdFrom(opts.headers),
  };
}
