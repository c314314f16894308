/**
 * Where a request came from, as recorded in audit events. X-Forwarded-For is only believed
 * behind a proxy that sets it (CLEARANCE_TRUST_PROXY=1); otherwise any client could write it.
 */
export function requestInfo(
  headers: Headers | undefined,
  trustProxy = process.env.CLEARANCE_TRUST_PROXY === "1",
): { ip: string | null; userAgent: string | null } {
  if (!headers) return { ip: null, userAgent: null };
  const forwarded = trustProxy ? headers.get("x-forwarded-for")?.split(",")[0]?.trim() || headers.get("x-real-ip") : null;
  return { ip: forwarded || null, userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
