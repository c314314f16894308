import "server-only";
import { isDomainError } from "@/server/core/errors";
import { getDb } from "@/server/db/client";
import { addressBucket, clientAddress } from "@/server/http/client-address";
import { rateLimitRule, rateLimitSettings } from "@/server/http/limits";
import { enforceRateLimit } from "@/server/services/rate-limits";

/**
 * Counts a sign-in attempt (an OIDC or credentials callback, a development sign-in) against the
 * address's limit. Null when it may go on; otherwise the seconds to wait.
 */
export async function countSignInAttempt(
  headers: Pick<Headers, "get">,
  deps = { db: getDb(), clock: () => new Date() },
): Promise<number | null> {
  const address = addressBucket(clientAddress(headers as Headers));
  try {
    await enforceRateLimit(deps, {
      bucket: `sign-in:ip:${address}`,
      rule: rateLimitRule("signIn"),
      what: rateLimitSettings.signIn.what,
    });
    return null;
  } catch (err) {
    if (isDomainError(err) && err.code === "RATE_LIMITED") return err.retryAfterSeconds ?? 60;
    throw err;
  }
}
