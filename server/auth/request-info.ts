import { clientAddress, trustedProxyHops } from "@/server/http/client-address";

/**
 * Where a request came from, as recorded in audit events: the address clientAddress() finds
 * (X-Forwarded-For only behind a trusted proxy, CLEARANCE_TRUST_PROXY; otherwise the socket's).
 */
export function requestInfo(
  headers: Headers | undefined,
  trustProxy: boolean | number = trustedProxyHops(),
): { ip: string | null; userAgent: string | null } {
  if (!headers) return { ip: null, userAgent: null };
  const hops = trustProxy === true ? 1 : trustProxy === false ? 0 : trustProxy;
  return { ip: clientAddress(headers, hops), userAgent: headers.get("user-agent")?.slice(0, 512) ?? null };
}
