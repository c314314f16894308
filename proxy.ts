import { NextResponse, type NextRequest } from "next/server";

import { PATH_HEADER, SESSION_COOKIES } from "@/server/auth/cookies";

/**
 * Sends people without a session cookie to the sign-in page, keeping where they were going.
 * Whether the session is valid (and the person still Active) is checked by the pages and
 * procedures themselves on every request.
 */
export function proxy(request: NextRequest) {
  const path = request.nextUrl.pathname + request.nextUrl.search;
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (hasSession) {
    // Pages that find the session no longer valid send the person back here afterwards.
    const headers = new Headers(request.headers);
    headers.set(PATH_HEADER, path);
    return NextResponse.next({ request: { headers } });
  }
  const url = request.nextUrl.clone();
  url.pathname = "/signin";
  url.search = `?callbackUrl=${encodeURIComponent(path)}`;
  return NextResponse.redirect(url);
}

export const config = {
  // Everything except sign-in, the APIs (they answer 401 themselves) and static files.
  matcher: ["/((?!signin|api/|_next/|favicon\\.ico|.*\\.(?:png|svg|ico|txt)$).*)"],
};
