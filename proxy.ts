import { NextResponse, type NextRequest } from "next/server";

import { PATH_HEADER, SESSION_COOKIES } from "@/server/auth/cookies";
import { hashesOfPrerenderedPage } from "@/server/http/prerendered-pages";
import { HSTS, newNonce, pageCsp, prerenderedPageCsp, servedOverHttps } from "@/server/http/security-headers";

const isSignInPage = (pathname: string) => pathname === "/signin" || pathname.startsWith("/signin/");

/**
 * Every page view: a Content-Security-Policy with a fresh nonce (Next.js reads it from the request
 * and puts it on its scripts), or, for a page prerendered at build time, with the hashes of its
 * inline scripts; HSTS over HTTPS; and, without a session cookie, a redirect to the sign-in page
 * that keeps where the person was going. Whether the session is valid (and the person still Active)
 * is checked by the pages and procedures themselves on every request.
 */
export function proxy(request: NextRequest) {
  const https = servedOverHttps(request.headers);
  const prerendered = hashesOfPrerenderedPage(request.nextUrl.pathname);
  const csp = prerendered
    ? prerenderedPageCsp(prerendered, { https })
    : pageCsp(newNonce(), { dev: process.env.NODE_ENV === "development", https });
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));

  let response: NextResponse;
  if (hasSession || isSignInPage(request.nextUrl.pathname)) {
    const headers = new Headers(request.headers);
    headers.set("content-security-policy", csp);
    // Pages that find the session no longer valid send the person back here afterwards.
    headers.set(PATH_HEADER, path);
    response = NextResponse.next({ request: { headers } });
  } else {
    const url = request.nextUrl.clone();
    url.pathname = "/signin";
    url.search = `?callbackUrl=${encodeURIComponent(path)}`;
    response = NextResponse.redirect(url);
  }
  response.headers.set("content-security-policy", csp);
  // Next.js would let shared caches keep a prerendered page for a year (s-maxage): they would then
  // answer without this proxy (no sign-in redirect, an old build's chunks), and browsers would keep
  // it in the back/forward cache after sign-out. Stored nowhere, like every other page.
  if (prerendered) response.headers.set("cache-control", "private, no-cache, no-store, max-age=0, must-revalidate");
  if (https) response.headers.set("strict-transport-security", HSTS);
  return response;
}

export const config = {
  // Pages (the sign-in page too, for its nonce); not the APIs (they answer 401 themselves) or
  // static files, whose headers come from next.config.ts.
  matcher: ["/((?!api/|_next/|__nextjs|favicon\\.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
