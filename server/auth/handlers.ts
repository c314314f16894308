import "server-only";
import { NextRequest } from "next/server";
import { isDomainError } from "@/server/core/errors";
import { describeWait } from "@/server/core/rate-limit";
import { httpProblem } from "@/server/api/errors";
import { bodyTooLarge, declaresMoreThan, limitedBodyStream } from "@/server/http/body";
import { bodyLimits } from "@/server/http/limits";
import { handlers } from "./index";
import { countSignInAttempt } from "./sign-in-limit";

/** Auth.js endpoints that are a sign-in attempt: the provider's callback, and starting a sign-in by POST. */
const isSignInAttempt = (request: NextRequest) =>
  /\/api\/auth\/callback\//.test(request.nextUrl.pathname) ||
  (request.method === "POST" && /\/api\/auth\/signin\//.test(request.nextUrl.pathname));

/** A browser arriving from the identity provider gets a page; anything else the JSON problem. */
function tooManyAttempts(request: NextRequest, seconds: number): Response {
  const message = `Too many sign-in attempts from your address: try again in ${describeWait(seconds)}`;
  if (!request.headers.get("accept")?.includes("text/html")) {
    return Response.json({ error: message }, { status: 429, headers: { "retry-after": String(seconds) } });
  }
  const page =
    `<!doctype html><html lang="en"><meta charset="utf-8">` +
    `<title>Too many sign-in attempts · Clearance</title>` +
    `<h1>Too many sign-in attempts</h1><p>${message}.</p><p><a href="/signin">Back to sign-in</a></p></html>`;
  return new Response(page, {
    status: 429,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "retry-after": String(seconds),
      "cache-control": "no-store",
    },
  });
}

/** Auth.js's routes with a rate limit on sign-in attempts per address and a small body limit on its form posts. */
export async function GET(request: NextRequest): Promise<Response> {
  if (isSignInAttempt(request)) {
    const wait = await countSignInAttempt(request.headers);
    if (wait) return tooManyAttempts(request, wait);
  }
  return handlers.GET(request);
}

export async function POST(request: NextRequest): Promise<Response> {
  if (declaresMoreThan(request, bodyLimits.auth)) return httpProblem(bodyTooLarge(bodyLimits.auth));
  if (isSignInAttempt(request)) {
    const wait = await countSignInAttempt(request.headers);
    if (wait) return tooManyAttempts(request, wait);
  }
  // Auth.js reads the form itself: hand it a body that stops at the limit.
  const body = request.body ? limitedBodyStream(request.body, bodyLimits.auth) : null;
  const limited = new NextRequest(request.url, {
    method: "POST",
    headers: request.headers,
    body,
    signal: request.signal,
    duplex: "half",
  } as ConstructorParameters<typeof NextRequest>[1]);
  try {
    return await handlers.POST(limited);
  } catch (err) {
    if (isDomainError(err) && err.code === "TOO_LARGE") return httpProblem(err);
    throw err;
  }
}
