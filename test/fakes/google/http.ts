import { createHash } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { FakeGroup, FakeUser } from "./data";

/** Scopes, error bodies and state shared by the fake's token endpoint and Directory API. */

export const DIRECTORY_SCOPES = {
  users: [
    "https://www.googleapis.com/auth/admin.directory.user",
    "https://www.googleapis.com/auth/admin.directory.user.readonly",
  ],
  groups: [
    "https://www.googleapis.com/auth/admin.directory.group",
    "https://www.googleapis.com/auth/admin.directory.group.readonly",
  ],
  members: [
    "https://www.googleapis.com/auth/admin.directory.group",
    "https://www.googleapis.com/auth/admin.directory.group.readonly",
    "https://www.googleapis.com/auth/admin.directory.group.member",
    "https://www.googleapis.com/auth/admin.directory.group.member.readonly",
  ],
};
export const READ_ONLY_SCOPES = [DIRECTORY_SCOPES.users[1]!, DIRECTORY_SCOPES.groups[1]!];

export type Kind = "users" | "groups" | "members";

export interface FakeFailure {
  status: number;
  reason: string;
  message: string;
  /** Retry-After header, if any */
  retryAfter?: string;
}

export interface FakeGoogleState {
  customerId: string;
  users: FakeUser[];
  groups: FakeGroup[];
  admins: Set<string>;
  /** client ID → scopes granted under domain-wide delegation */
  delegation: Map<string, Set<string>>;
  maxPageSize: Record<Kind, number>;
  /** every request: "GET /admin/directory/v1/users?…" and the status answered */
  requests: { method: string; path: string; query: Record<string, string>; status: number }[];
  /** token requests answered 200 */
  tokensIssued: number;
  /** answers for the next Directory API requests, used up in order */
  nextFailures: FakeFailure[];
  /** every Directory API request whose path matches answers this (until cleared) */
  pathFailures: { match: string | RegExp; failure: FakeFailure }[];
}

const STATUS_TEXT: Record<number, string> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  429: "RESOURCE_EXHAUSTED",
  500: "INTERNAL",
  503: "UNAVAILABLE",
};

export const FORBIDDEN: FakeFailure = {
  status: 403,
  reason: "forbidden",
  message: "Not Authorized to access this resource/api",
};
export const RATE_LIMITED: FakeFailure = {
  status: 429,
  reason: "rateLimitExceeded",
  message:
    "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service 'admin.googleapis.com'.",
  retryAfter: "1",
};

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function googleError(res: ServerResponse, f: FakeFailure, headers: Record<string, string> = {}) {
  const body = {
    error: {
      code: f.status,
      message: f.message,
      errors: [{ message: f.message, domain: "global", reason: f.reason }],
      status: STATUS_TEXT[f.status] ?? "UNKNOWN",
    },
  };
  send(res, f.status, body, f.retryAfter ? { "retry-after": f.retryAfter, ...headers } : headers);
}

export const badRequest = (message: string): FakeFailure => ({ status: 400, reason: "invalid", message });
export const etag = (value: unknown) => `"${createHash("sha1").update(JSON.stringify(value)).digest("base64url")}"`;
