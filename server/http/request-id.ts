import { randomUUID } from "node:crypto";

/**
 * The id a request's log line carries: the X-Request-Id a proxy in front set (so its log and
 * Clearance's can be joined), when it is a plain token; otherwise a new one.
 */
export function requestIdFrom(headers: Headers | undefined): string {
  const given = headers?.get("x-request-id")?.trim();
  return given && /^[A-Za-z0-9._:-]{1,100}$/.test(given) ? given : randomUUID();
}
