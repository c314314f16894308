import { and, eq, inArray } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { isActiveStatus } from "@/server/core/identity/status";
import type { Tx } from "@/server/db/client";
import { accessRequests, identities, portalRoleAssignments, requestApprovers } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { revokeOpenExceptionsOf } from "../exceptions/end";
import { notifyPeople } from "../requests/notify";

/**
 * What a termination does besides removing policy access (seed 001): temporary access ends at
 * once, the leaver's own pending requests are cancelled, and requests waiting on them as an
 * approver get someone who can still decide (their manager, or else IT). Sessions are ended by
 * the attribute change itself.
 */
export async function offboard(tx: Tx, ctx: ServiceContext, identityId: string) {
  const now = ctx.clock();
  const by = actorLabel(ctx.actor);
  const exceptionsEnded = await revokeOpenExceptionsOf(tx, ctx, identityId, "The person left (termination)");

  const mine = await tx
    .select()
    .from(accessRequests)
    .where(and(eq(accessRequests.requesterId, identityId), inArray(accessRequests.status, ["pending", "needs_info"])))
    .for("update");
  for (const r of mine) {
    await tx
      .update(accessRequests)
      .set({ status: "cancelled", decidedAt: now, decidedBy: by, decisionNote: "Cancelled: the requester left" })
      .where(eq(accessRequests.id, r.id));
    await recordAuditEvent(tx, ctx, {
      action: "request.cancelled",
      subjectType: "access_request",
      subjectId: r.id,
      before: { status: r.status },
      after: { status: "cancelled", request: `REQ-${r.number}` },
      reason: "The requester left (termination)",
    });
  }

  const waiting = await tx
    .select({ request: accessRequests, stage: requestApprovers.stage })
    .from(requestApprovers)
    .innerJoin(accessRequests, eq(accessRequests.id, requestApprovers.requestId))
    .where(and(eq(requestApprovers.identityId, identityId), inArray(accessRequests.status, ["pending", "needs_info"])));
  if (waiting.length === 0) return { exceptionsEnded, requestsCancelled: mine.length, requestsReassigned: 0 };
  const [leaver] = await tx
    .select({ managerId: identities.managerId, name: identities.displayName })
    .from(identities)
    .where(eq(identities.id, identityId));
  const [manager] = leaver?.managerId
    ? await tx.select().from(identities).where(eq(identities.id, leaver.managerId))
    : [];
  const replacements = manager && isActiveStatus(manager.employmentStatus) ? [manager.id] : await itAdmins(tx);
  let reassigned = 0;
  for (const { request, stage } of waiting) {
    if (stage !== request.currentStage) continue;
    const fresh = replacements.filter((id) => id !== request.requesterId);
    if (fresh.length === 0) continue;
    await tx
      .insert(requestApprovers)
      .values(fresh.map((id) => ({ requestId: request.id, stage, identityId: id, via: "reassigned", notifiedAt: now })))
      .onConflictDoNothing();
    await notifyPeople(
      tx,
      fresh,
      {
        kind: "approval_needed",
        title: `REQ-${request.number} needs your decision`,
        body: `${leaver?.name ?? "An approver"} left; the request was reassigned to you.`,
        link: `/requests/${request.id}`,
        requestId: request.id,
      },
      now,
    );
    await recordAuditEvent(tx, ctx, {
      action: "request.reassigned",
      subjectType: "access_request",
      subjectId: request.id,
      after: { request: `REQ-${request.number}`, stage, from: identityId, to: fresh },
      reason: "The approver left (termination)",
    });
    reassigned++;
  }
  return { exceptionsEnded, requestsCancelled: mine.length, requestsReassigned: reassigned };
}

async function itAdmins(tx: Tx): Promise<string[]> {
  const rows = await tx
    .select({ id: identities.id, status: identities.employmentStatus })
    .from(portalRoleAssignments)
    .innerJoin(identities, eq(identities.id, portalRoleAssignments.identityId))
    .where(eq(portalRoleAssignments.role, "it_admin"));
  return rows.filter((r) => isActiveStatus(r.status)).map((r) => r.id);
}
