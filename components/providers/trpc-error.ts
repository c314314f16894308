import { TRPCClientError } from "@trpc/client";

/** What the server said of a failed tRPC call (its error code and HTTP status); nothing for other errors. */
export function trpcErrorOf(error: unknown): { code?: string; httpStatus?: number } {
  return error instanceof TRPCClientError
    ? ((error.data as { code?: string; httpStatus?: number } | undefined) ?? {})
    : {};
}
