import superjson from "superjson";

/**
 * tRPC's HTTP wire format as the app's client speaks it (components/providers/trpc-link.ts,
 * server/api/trpc-route.ts): a query is a GET of /api/trpc/<path> with the superjson-encoded
 * input in `?input=`; several queries in one GET are a batch (`?batch=1`, inputs keyed by
 * position); a mutation is a POST with the superjson-encoded input as its JSON body.
 */

export const encodeInput = (input: unknown) => JSON.stringify(superjson.serialize(input));

export function queryPath(path: string, input?: unknown): string {
  return input === undefined
    ? `/api/trpc/${path}`
    : `/api/trpc/${path}?input=${encodeURIComponent(encodeInput(input))}`;
}

/** One GET for several queries, as httpBatchLink sends a page's queries together. */
export function batchPath(calls: { path: string; input?: unknown }[]): string {
  const inputs: Record<string, unknown> = {};
  calls.forEach((c, i) => {
    inputs[i] = c.input === undefined ? {} : superjson.serialize(c.input);
  });
  return `/api/trpc/${calls.map((c) => c.path).join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify(inputs))}`;
}

/** The data of a single (non-batched) tRPC response, decoded; throws with the error's message. */
export async function decodeResponse<T>(res: Response): Promise<T> {
  const body = (await res.json()) as { result?: { data: unknown }; error?: { json?: { message?: string } } };
  if (!res.ok || !body.result)
    throw new Error(`tRPC ${res.status}: ${body.error?.json?.message ?? JSON.stringify(body)}`);
  return superjson.deserialize(body.result.data as Parameters<typeof superjson.deserialize>[0]) as T;
}
