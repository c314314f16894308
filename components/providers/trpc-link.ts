import { httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import { TRPC_MAX_BATCH } from "@/server/http/trpc-batch";

/**
 * The browser's link to /api/trpc. Queries go as POST too: a policy draft being linted is too long
 * for a URL. A batch never holds more calls than the server accepts (TRPC_MAX_BATCH); more are split.
 */
export const browserLink = (opts: { url?: string; fetch?: typeof fetch } = {}) =>
  httpBatchLink({
    url: opts.url ?? "/api/trpc",
    transformer: superjson,
    methodOverride: "POST",
    maxItems: TRPC_MAX_BATCH,
    fetch: opts.fetch,
  });
