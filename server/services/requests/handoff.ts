import type { Tx } from "@/server/db/client";
import { provisioningHandoffs } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

/**
 * The one call that hands an approved request to provisioning, inside the approval's
 * transaction: exactly one hand-off per request (the database refuses a second), recorded in
 * the audit trail. Provisioning (grants through adapters, exceptions) takes it from there.
 */
export async function handOffToProvisioning(tx: Tx, ctx: Pick<ServiceContext, "actor" | "clock" | "request">, request: { id: string; number: number }) {
  const [handoff] = await tx.insert(provisioningHandoffs).values({ requestId: request.id, createdAt: ctx.clock() }).returning();
  await recordAuditEvent(tx, ctx, {
    action: "request.handed_off",
    subjectType: "access_request",
    subjectId: request.id,
    after: { handoff: handoff!.id, request: `REQ-${request.number}` },
  });
  return handoff!;
}
