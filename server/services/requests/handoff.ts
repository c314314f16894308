import type { Tx } from "@/server/db/client";
import { provisioningHandoffs } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { provisionProposal } from "../exceptions/approve-proposal";
import { provisionApprovedRequest, type KnownRequest } from "../exceptions/create";
import type { Claim } from "../provisioning/runner";

/**
 * The one call that hands an approved request to provisioning, inside the approval's
 * transaction: exactly one hand-off per request (the database refuses a second), recorded in
 * the audit trail; provisioning turns it into exceptions and queued grants in the same transaction.
 * `claims`: the grants of failure mode "block" claimed for the caller to carry out once it commits
 * (finishGranting), the request being "granting" until they are answered. `known`: the request as
 * this transaction last wrote it and its template, when the caller has them (no second read).
 */
export async function handOffToProvisioning(
  tx: Tx,
  ctx: ServiceContext,
  request: { id: string; number: number; proposal: unknown },
  known?: KnownRequest,
) {
  // Taken at once: provisioning below creates the exceptions and operations in this transaction.
  const [handoff] = await tx
    .insert(provisioningHandoffs)
    .values({ requestId: request.id, createdAt: ctx.clock(), status: "taken" })
    .returning();
  await recordAuditEvent(tx, ctx, {
    action: "request.handed_off",
    subjectType: "access_request",
    subjectId: request.id,
    after: { handoff: handoff!.id, request: `REQ-${request.number}` },
  });
  const provisionCtx = { db: ctx.db, actor: ctx.actor, clock: ctx.clock, request: ctx.request };
  if (request.proposal) {
    await provisionProposal(tx, provisionCtx, request.id);
    return { handoff: handoff!, claims: [] as Claim[] };
  }
  const { claims } = await provisionApprovedRequest(tx, provisionCtx, request.id, known);
  return { handoff: handoff!, claims };
}
