import { hasRestrictions, storedRestrictions } from "@/server/core/exceptions/restrictions";
import type { Tx } from "@/server/db/client";
import type { accessExceptions } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { queueOperation } from "../provisioning/operations";

/**
 * After an extension, a restricted (vendor) exception's grant is sent again, in the extension's
 * transaction: the target learns the new expiry it enforces (PostgreSQL's VALID UNTIL, a webhook
 * receiver's `expiresAt`), so the vendor is not locked out at the old one. Grants are idempotent.
 * Only once delivered: a grant still pending reads the new expiry when it runs.
 */
export async function resendRestrictedGrant(
  tx: Tx,
  ctx: ServiceContext,
  exception: typeof accessExceptions.$inferSelect,
) {
  if (
    exception.status !== "active" ||
    exception.endedAt ||
    !hasRestrictions(storedRestrictions(exception.restrictions))
  )
    return null;
  return queueOperation(tx, {
    identityId: exception.identityId,
    resourceKey: exception.resourceKey,
    level: exception.level,
    action: "grant",
    exceptionId: exception.id,
    failureMode: "retry",
    maxAttempts: 5,
    now: ctx.clock(),
  });
}
