import "server-only";
import type { Clock } from "@/server/core/actor";
import { rateLimited } from "@/server/core/rate-limit";
import type { Db } from "@/server/db/client";
import { bearerToken } from "@/server/http/bearer";
import { addressBucket, clientAddress } from "@/server/http/client-address";
import { rateLimitRule, rateLimitSettings } from "@/server/http/limits";
import { checkSourceToken, unknownSourceToken } from "@/server/services/hr/tokens";
import { hitRateLimit } from "@/server/services/rate-limits";

/**
 * The first thing /api/hr/events and /api/scim/v2 do, before reading any body: an address that has
 * sent too many missing or wrong tokens is refused (429) whatever its token, and nothing is counted;
 * a wrong token counts against that much stricter limit; a right one against the address's general
 * limit. The three are one statement (checkSourceToken): a token's lookup is an index probe of its
 * SHA-256, so asking it of a refused address costs no more than not asking.
 * Throws UNAUTHENTICATED or RATE_LIMITED; returns the HR source and its token.
 */
export async function authenticateTokenRequest(
  request: Request,
  deps: { db: Db; clock: Clock },
): Promise<{ source: { key: string; name: string }; token: string }> {
  const address = addressBucket(clientAddress(request.headers));
  const wrongRule = rateLimitRule("wrongToken");
  const wrongBucket = `token-wrong:ip:${address}`;
  const tokenRule = rateLimitRule("token");
  const token = bearerToken(request.headers.get("authorization"));
  // One statement for the three questions (checkSourceToken), asked in this order.
  const check = await checkSourceToken(deps, {
    token,
    wrong: wrongRule && { bucket: wrongBucket, rule: wrongRule },
    limit: tokenRule && { bucket: `token:ip:${address}`, rule: tokenRule },
  });
  if (check.wrong?.limited) throw rateLimited(rateLimitSettings.wrongToken.what, check.wrong.retryAfterSeconds);
  if (!check.source) {
    if (wrongRule) await hitRateLimit(deps, wrongBucket, wrongRule);
    throw unknownSourceToken();
  }
  if (check.limit?.limited) throw rateLimited(rateLimitSettings.token.what, check.limit.retryAfterSeconds);
  return { source: check.source, token: token! };
}
