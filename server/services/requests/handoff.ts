import type { Tx } from "@/server/db/client";
import { provisioningHandoffs } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { provisionProposal } from "../exceptions/approve-proposal";
import { provisionApprovedRequest } from "../exceptions/create";

/**
 * The one call that hands an approved request to provisioning, inside the approval's
 * transaction: exactly one hand-off per request (the database refuses a second), recorded in
 * the audit trail; provisioning turns it into exceptions and queued grants in the same transaction.
 */
export async function handOffToProvisioning(
  tx: Tx,
  ctx: ServiceContext,
  request: { id: string; number: number; proposal: unknown },
) {
  const [handoff] = await tx
    .insert(provisioningHandoffs)
    .values({ requestId: request.id, createdAt: ctx.clock() })
    .returning();
  await recordAuditEvent(tx, ctx, {
    action: "request.handed_off",
    subjectType: "access_request",
    subjectId: request.id,
    after: { handoff: handoff!.id, request: `REQ-${request.number}` },
  });
  const provision = request.proposal ? provisionProposal : provisionApprovedRequest;
  await provision(tx, { db: ctx.db, actor: ctx.actor, clock: ctx.clock, request: ctx.request }, request.id);
  return handoff!;
}
