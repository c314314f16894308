import { eq, inArray } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { accessRequests, provisioningOperations } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { performClaim, type Claim } from "../provisioning/runner";
import { grantRefusal, refusedGrant, settleGrantingRequest } from "./grant-settle";

/** What the approver is told after the reason a grant was refused. */
export const NOT_COMPLETED = "The approval did not complete; try again, or ask IT to check the system.";

/**
 * After an approval with the template's failure mode "block" has committed (the request
 * "granting", its grants claimed): calls the system for each grant, outside any transaction, with
 * the claim's lease renewed and its idempotency key (performClaim); each outcome is written in a
 * short transaction of its own, and the last one settles the request (grant-settle.ts). Returns the
 * request approved, or still granting when another runner took a claim over (its lease ran out);
 * a refused grant throws what the system said, the approval undone, as the approver was told when
 * the call ran inside the approval.
 */
export async function finishGranting(ctx: ServiceContext, requestId: string, claims: Claim[]) {
  if (claims.length === 0) await ctx.db.transaction((tx) => settleGrantingRequest(tx, ctx, requestId));
  const done = await Promise.allSettled(claims.map((c) => performClaim(ctx, c)));
  const failed = done.find((r) => r.status === "rejected");
  if (failed) throw failed.reason;
  const [request] = await ctx.db.select().from(accessRequests).where(eq(accessRequests.id, requestId));
  if (request!.status === "approved" || request!.status === "granting")
    return { ...request!, outcome: request!.status as "approved" | "granting" };
  const ops = await ctx.db
    .select()
    .from(provisioningOperations)
    .where(
      inArray(
        provisioningOperations.id,
        claims.map((c) => c.op.id),
      ),
    );
  const refused = refusedGrant(ops);
  const why = refused ? grantRefusal(refused) : `REQ-${request!.number} was not approved`;
  throw new DomainError("PRECONDITION_FAILED", `${why}. ${NOT_COMPLETED}`, { field: "requestId" });
}
