import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { AnyRouter } from "@trpc/server";
import { DomainError } from "@/server/core/errors";
import { bodyTooLarge, declaresMoreThan, withBodyLimit } from "@/server/http/body";
import { addressBucket } from "@/server/http/client-address";
import { bodyLimits, fileProcedures, rateLimitRule, rateLimitSettings, TRPC_MAX_BATCH } from "@/server/http/limits";
import { crossSiteRefusal } from "@/server/http/origin";
import { enforceBatchedRateLimit } from "@/server/services/rate-limit-batcher";
import { noteWrite } from "@/server/services/requests/inbox-count-cache";
import { toTRPCError } from "./errors";
import { appRouter } from "./root";
import type { TRPCContext } from "./trpc";

const isFileProcedure = (path: string) => (fileProcedures as readonly string[]).includes(path);

/** The body limit for a batch: small without a session, larger for a person, largest when a call carries a file. */
export function trpcBodyLimit(signedIn: boolean, paths: string[]): number {
  if (!signedIn) return bodyLimits.trpcSignedOut;
  return paths.some(isFileProcedure) ? bodyLimits.trpcFile : bodyLimits.trpc;
}

/**
 * /api/trpc. Before any procedure runs and before the body is read (tRPC reads it lazily, after
 * the context): a POST from another site is refused, the body is held to the caller's limit, and
 * the calls count against the caller's rate limit (per person, or per address without a session).
 * A batch holds at most TRPC_MAX_BATCH calls. Every refusal is a tRPC error naming what was wrong.
 * Tests pass their own router and context (database, clock, actor).
 */
export function handleTrpcRequest(
  req: Request,
  deps: { router?: AnyRouter; createContext?: () => Promise<TRPCContext> } = {},
): Promise<Response> {
  let bodyLimit: number = bodyLimits.trpcSignedOut;
  let writes = false;
  // Loaded on first use: the real context reads the Auth.js session, which tests replace.
  const createContext =
    deps.createContext ?? (async () => (await import("./context")).createTRPCContext({ headers: req.headers }));
  const response = fetchRequestHandler({
    endpoint: "/api/trpc",
    req: withBodyLimit(
      req,
      () => bodyLimit,
      (limit) => toTRPCError(bodyTooLarge(limit)),
    ),
    router: deps.router ?? appRouter,
    allowMethodOverride: true,
    maxBatchSize: TRPC_MAX_BATCH,
    createContext: async ({ resHeaders, info }) => {
      if (req.method === "POST") {
        const refusal = crossSiteRefusal(req);
        if (refusal) throw toTRPCError(refusal);
      }
      const ctx = await createContext();
      const paths = info.calls.map((c) => c.path);
      writes = info.calls.some((c) => c.procedure?._def.type === "mutation");
      bodyLimit = trpcBodyLimit(Boolean(ctx.actor), paths);
      if (declaresMoreThan(req, bodyLimit)) throw toTRPCError(bodyTooLarge(bodyLimit));
      countCalls(ctx, paths.length, resHeaders);
      return ctx;
    },
  });
  // After a mutation's answer (its transaction has committed): cached inbox counts are stale.
  return response.finally(() => {
    if (writes) noteWrite();
  });
}

/**
 * One hit per call in the batch, per person (or per address without a session); 429 with Retry-After beyond the
 * limit. Counted in this instance's memory and shared through PostgreSQL every half second (rate-limit-batcher.ts):
 * no database round trip per call.
 */
function countCalls(ctx: TRPCContext, calls: number, resHeaders: Headers) {
  try {
    enforceBatchedRateLimit(
      ctx,
      ctx.actor
        ? {
            bucket: `calls:person:${ctx.actor.identityId}`,
            rule: rateLimitRule("calls"),
            what: rateLimitSettings.calls.what,
            cost: calls,
          }
        : {
            bucket: `calls:ip:${addressBucket(ctx.request.ip)}`,
            rule: rateLimitRule("anonymousCalls"),
            what: rateLimitSettings.anonymousCalls.what,
            cost: calls,
          },
    );
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    if (err.retryAfterSeconds) resHeaders.set("retry-after", String(err.retryAfterSeconds));
    throw toTRPCError(err);
  }
}
