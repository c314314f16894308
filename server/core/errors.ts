/**
 * The one error type that leaves core and services. Routers map it to a TRPCError in one
 * place (server/api/errors.ts); nothing else reaches a client.
 */
export const domainErrorCodes = [
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "INVALID_INPUT",
  "CONFLICT",
  "PRECONDITION_FAILED",
  "TOO_LARGE",
  "RATE_LIMITED",
] as const;

export type DomainErrorCode = (typeof domainErrorCodes)[number];

export class DomainError extends Error {
  readonly code: DomainErrorCode;
  /** The input field at fault, for INVALID_INPUT. */
  readonly field?: string;
  /** For RATE_LIMITED: whole seconds until the caller may try again. */
  readonly retryAfterSeconds?: number;

  constructor(
    code: DomainErrorCode,
    message: string,
    options?: { field?: string; cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, { cause: options?.cause });
    this.name = "DomainError";
    this.code = code;
    this.field = options?.field;
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export const isDomainError = (err: unknown): err is DomainError => err instanceof DomainError;
