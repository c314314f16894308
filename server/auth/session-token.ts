import { decode, getToken } from "next-auth/jwt";
import { ExpiringLru } from "@/server/core/lru";
import { servedOverHttps } from "@/server/http/security-headers";
import { authCookies } from "./cookie-options";

/**
 * The portal session a request's cookie stands for, the way Auth.js reads it (the same cookie
 * name, chunks and secret as `auth()`), without running Auth.js's whole session endpoint on every
 * call: that endpoint also builds a CSRF token and re-encrypts the cookie, ~3 ms of CPU a call.
 *
 * A cookie's decoding never changes (only the secret could change it, and that is fixed for the
 * process's life), so decoded cookies are kept until the token's own expiry, at most
 * TOKEN_CACHE_MAX of them. Whether the session is still open is NOT decided here: that is the
 * database's (server/services/session-cache.ts), on every call.
 */
const TOKEN_CACHE_MAX = 10_000;
const tokens = new ExpiringLru<string, string>(TOKEN_CACHE_MAX);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The session cookie's name for this request: __Host- over HTTPS (cookie-options.ts), Auth.js's own otherwise. */
export function sessionCookieName(headers: Headers): string {
  return authCookies(servedOverHttps(headers))?.sessionToken?.name ?? "authjs.session-token";
}

/** Auth.js's secret as next-auth reads it (AUTH_SECRET, else NEXTAUTH_SECRET). */
const authSecret = () => process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;

/** The portal session id in the request's session cookie, or null (no cookie, not ours, expired). */
export async function sessionIdFromCookie(headers: Headers, now: number): Promise<string | null> {
  const cookie = headers.get("cookie");
  if (!cookie) return null;
  const name = sessionCookieName(headers);
  // Auth.js's own parsing and chunk joining; only the cookie is passed, so no other header counts.
  const token = await getToken({ req: { headers: { cookie } }, raw: true, cookieName: name });
  if (!token) return null;
  const known = tokens.get(token, now);
  if (known) return known;
  const secret = authSecret();
  if (!secret) return null;
  try {
    const payload = await decode({ token, secret, salt: name });
    const sessionId = payload?.sessionId;
    if (typeof sessionId !== "string" || !UUID.test(sessionId) || typeof payload?.exp !== "number") return null;
    tokens.set(token, sessionId, payload.exp * 1000, now);
    return sessionId;
  } catch {
    return null;
  }
}
