/** Where a request came from, as recorded in audit events. */
export function requestInfo(headers: Headers | undefined): { ip: string | null; userAgent: string | null } {
  if (!headers) return { ip: null, userAgent: null };
  const forwarded = headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return { ip: forwarded || headers.get("x-real-ip") || null, userAgent: headers.get("user-agent") };
}
