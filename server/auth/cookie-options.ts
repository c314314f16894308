import type { NextAuthConfig } from "next-auth";

const FIFTEEN_MINUTES = 15 * 60;

/**
 * Auth.js's cookies. Over HTTPS every one is Secure and __Host- prefixed: the browser then refuses
 * it unless it came over HTTPS for this exact host (no Domain, Path=/), so neither a sibling
 * subdomain nor a plain-HTTP response can plant or overwrite a session, CSRF or PKCE cookie.
 * Over plain HTTP (development, tests) Auth.js's own unprefixed names are kept.
 */
export function authCookies(https: boolean): NextAuthConfig["cookies"] {
  if (!https) return undefined;
  const cookie = (name: string, maxAge?: number) => ({
    name: `__Host-authjs.${name}`,
    options: { httpOnly: true, sameSite: "lax" as const, path: "/", secure: true, ...(maxAge ? { maxAge } : {}) },
  });
  return {
    sessionToken: cookie("session-token"),
    callbackUrl: cookie("callback-url"),
    csrfToken: cookie("csrf-token"),
    pkceCodeVerifier: cookie("pkce.code_verifier", FIFTEEN_MINUTES),
    state: cookie("state", FIFTEEN_MINUTES),
    nonce: cookie("nonce"),
    webauthnChallenge: cookie("challenge", FIFTEEN_MINUTES),
  };
}
