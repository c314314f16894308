import { isIP } from "node:net";
import { PEER_ADDRESS_HEADER } from "./peer-address";

/**
 * How many reverse proxies in front of Clearance append to X-Forwarded-For (CLEARANCE_TRUST_PROXY):
 * "1" (or "true") for one, a number for a chain; anything else: none, and the header is not believed.
 */
export function trustedProxyHops(env: Record<string, string | undefined> = process.env): number {
  const value = env.CLEARANCE_TRUST_PROXY?.trim().toLowerCase();
  if (value === "true") return 1;
  const hops = Number(value);
  return Number.isInteger(hops) && hops > 0 && hops < 10 ? hops : 0;
}

/**
 * The address a request came from, for rate limits and audit events, or null.
 * Behind N trusted proxies: the N-th X-Forwarded-For entry from the right, the address the outermost
 * trusted proxy saw (entries to its left are whatever the client wrote). Without one: the socket's
 * address, which instrumentation.ts writes into a header of its own on every request, overwriting
 * anything the client sent under that name.
 */
export function clientAddress(headers: Headers, hops = trustedProxyHops()): string | null {
  let candidate: string | undefined;
  if (hops > 0) {
    const entries = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((e) => e.trim())
      .filter(Boolean);
    candidate = entries.length ? entries[Math.max(0, entries.length - hops)] : headers.get("x-real-ip")?.trim();
  } else {
    candidate = headers.get(PEER_ADDRESS_HEADER)?.trim();
  }
  if (!candidate) return null;
  const address = candidate.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, "");
  return isIP(address) ? address : null;
}

/**
 * The rate-limit key of an address: an IPv4 address itself; an IPv6 address by its /64 prefix,
 * since one subscriber usually holds a whole /64 and could otherwise take a fresh address per request.
 */
export function addressBucket(address: string | null): string {
  if (!address) return "unknown";
  if (isIP(address) !== 6) return address;
  const [head = "", tail = ""] = address.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups; only the first four groups matter here.
  const groups = address.includes("::")
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
