import { DomainError } from "@/server/core/errors";
import { trustedProxyHops } from "./client-address";

type Env = Record<string, string | undefined>;

/** The origins the site is published at (CLEARANCE_PUBLIC_URL, AUTH_URL), when set. */
export function publishedOrigins(env: Env = process.env): string[] {
  const origins: string[] = [];
  for (const url of [env.CLEARANCE_PUBLIC_URL, env.AUTH_URL]) {
    try {
      if (url) origins.push(new URL(url).origin);
    } catch {
      // A malformed URL publishes nothing; Auth.js reports AUTH_URL itself.
    }
  }
  return origins;
}

/** The host the request was sent to: the Host header, or X-Forwarded-Host behind a trusted proxy. */
function requestedHost(headers: Headers, env: Env): string | null {
  const forwarded = trustedProxyHops(env) > 0 ? headers.get("x-forwarded-host")?.split(",")[0]?.trim() : null;
  return (forwarded || headers.get("host"))?.toLowerCase() ?? null;
}

/**
 * Why a state-changing request must be refused as cross-site, or null when it may go on.
 * A browser names the page that sent a request in Origin (always on POST) and, since 2020, in
 * Sec-Fetch-Site; a cookie-carrying request from another site is what this stops (CSRF):
 * - Origin present: it must be the site itself (its Host, or a published origin);
 * - no Origin: Sec-Fetch-Site must say same-origin if it is there at all;
 * - neither: not a browser (curl, a script), which has no ambient cookies to abuse.
 */
export function crossSiteRefusal(request: Request, env: Env = process.env): DomainError | null {
  const origin = request.headers.get("origin");
  const fetchSite = request.headers.get("sec-fetch-site");
  if (origin) {
    let parsed: URL | null = null;
    try {
      parsed = origin === "null" ? null : new URL(origin);
    } catch {
      parsed = null;
    }
    if (
      parsed &&
      (publishedOrigins(env).includes(parsed.origin) ||
        parsed.host.toLowerCase() === requestedHost(request.headers, env))
    )
      return null;
    return new DomainError(
      "FORBIDDEN",
      `Refused: this request came from another site (${origin === "null" ? "an opaque origin" : origin})`,
      { field: "origin" },
    );
  }
  if (fetchSite === null || fetchSite === "same-origin") return null;
  return new DomainError("FORBIDDEN", `Refused: this request came from another site (Sec-Fetch-Site: ${fetchSite})`, {
    field: "origin",
  });
}
