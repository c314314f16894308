import "server-only";
import type { Clock } from "@/server/core/actor";
import { isDomainError } from "@/server/core/errors";
import { rateLimited } from "@/server/core/rate-limit";
import type { Db } from "@/server/db/client";
import { bearerToken } from "@/server/http/bearer";
import { addressBucket, clientAddress } from "@/server/http/client-address";
import { rateLimitRule, rateLimitSettings } from "@/server/http/limits";
import { authenticateHrSource } from "@/server/services/hr/events";
import { enforceRateLimit, hitRateLimit, peekRateLimit } from "@/server/services/rate-limits";

/**
 * The first thing /api/hr/events and /api/scim/v2 do, before reading any body: an address that has
 * sent too many missing or wrong tokens is refused (429) without its token being looked at; a wrong
 * token counts against that much stricter limit; a right one against the address's general limit.
 * Throws UNAUTHENTICATED or RATE_LIMITED; returns the HR source and its token.
 */
export async function authenticateTokenRequest(
  request: Request,
  deps: { db: Db; clock: Clock },
): Promise<{ source: { key: string; name: string }; token: string }> {
  const address = addressBucket(clientAddress(request.headers));
  const wrongRule = rateLimitRule("wrongToken");
  const wrongBucket = `token-wrong:ip:${address}`;
  if (wrongRule) {
    const spent = await peekRateLimit(deps, wrongBucket, wrongRule);
    if (spent.limited) throw rateLimited(rateLimitSettings.wrongToken.what, spent.retryAfterSeconds);
  }
  const token = bearerToken(request.headers.get("authorization"));
  let source: { key: string; name: string };
  try {
    source = await authenticateHrSource(deps.db, token);
  } catch (err) {
    if (wrongRule && isDomainError(err) && err.code === "UNAUTHENTICATED")
      await hitRateLimit(deps, wrongBucket, wrongRule);
    throw err;
  }
  await enforceRateLimit(deps, {
    bucket: `token:ip:${address}`,
    rule: rateLimitRule("token"),
    what: rateLimitSettings.token.what,
  });
  return { source, token: token! };
}
