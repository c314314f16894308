import { defaultShouldDehydrateQuery, QueryClient } from "@tanstack/react-query";
import { trpcErrorOf } from "./trpc-error";
import superjson from "superjson";

export function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Once more after a failure, but not after a 4xx: asking again cannot make an ended session,
      // a refusal or bad input succeed (and the prerendered page's frame goes to sign-in sooner).
      queries: { staleTime: 30_000, retry: (failures, error) => failures < 1 && !isClientError(error) },
      dehydrate: {
        serializeData: superjson.serialize,
        // Pending queries are streamed from server components to the client as well.
        shouldDehydrateQuery: (query) => defaultShouldDehydrateQuery(query) || query.state.status === "pending",
      },
      hydrate: { deserializeData: superjson.deserialize },
    },
  });
}

function isClientError(error: unknown): boolean {
  const { httpStatus } = trpcErrorOf(error);
  return httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500;
}
