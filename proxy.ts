import { NextResponse, type NextRequest } from "next/server";

// Auth.js's session cookie names (the secure one is used over HTTPS).
const SESSION_COOKIES = ["authjs.session-token", "__Secure-authjs.session-token"];

/**
 * Sends people without a session cookie to the sign-in page, keeping where they were going.
 * Whether the session is valid (and the person still Active) is checked by the pages and
 * procedures themselves on every request.
 */
export function proxy(request: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = "/signin";
  url.search = `?callbackUrl=${encodeURIComponent(request.nextUrl.pathname + request.nextUrl.search)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except sign-in, the APIs (they answer 401 themselves) and static files.
  matcher: ["/((?!signin|api/|_next/|favicon\\.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
