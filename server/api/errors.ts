import { TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/rpc";
import type { DomainError, DomainErrorCode } from "@/server/core/errors";

const trpcCodes: Record<DomainErrorCode, TRPC_ERROR_CODE_KEY> = {
  UNAUTHENTICATED: "UNAUTHORIZED",
  FORBIDDEN: "FORBIDDEN",
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_REQUEST",
  CONFLICT: "CONFLICT",
  PRECONDITION_FAILED: "PRECONDITION_FAILED",
  TOO_LARGE: "PAYLOAD_TOO_LARGE",
  RATE_LIMITED: "TOO_MANY_REQUESTS",
};

/** The one mapping from domain errors to what a client sees. */
export function toTRPCError(err: DomainError): TRPCError {
  return new TRPCError({ code: trpcCodes[err.code], message: err.message, cause: err });
}

const httpStatuses: Record<DomainErrorCode, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  INVALID_INPUT: 400,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

/** The same mapping for plain HTTP routes (exports, HR events): the status a domain error answers with. */
export const httpStatusOf = (err: DomainError) => httpStatuses[err.code];

/** A domain error as a plain HTTP answer: { error, field } with its status, and Retry-After when rate limited. */
export function httpProblem(err: DomainError, headers: Record<string, string> = {}): Response {
  const retry: Record<string, string> = err.retryAfterSeconds ? { "retry-after": String(err.retryAfterSeconds) } : {};
  return Response.json(
    { error: err.message, ...(err.field ? { field: err.field } : {}) },
    { status: httpStatusOf(err), headers: { ...retry, ...headers } },
  );
}
