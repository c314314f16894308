import { eq } from "drizzle-orm";
import { endReasonText } from "@/server/core/exceptions/end-reason";
import type { Tx } from "@/server/db/client";
import { accessExceptions, identities, provisioningOperations } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { notifyPeople } from "../requests/notify";

type Operation = typeof provisioningOperations.$inferSelect;

/**
 * What a finished operation means for its exception: a confirmed grant makes it active
 * (delivered, with the time), a confirmed revoke makes it removed; a failure shows as
 * grant_failed or revoke_failed, never as done. Written with its audit event.
 */
export async function applyOperationOutcome(tx: Tx, ctx: ServiceContext, op: Operation, result: "done" | "failed") {
  const now = ctx.clock();
  await recordAuditEvent(tx, ctx, {
    action: result === "done" ? (op.action === "grant" ? "provisioning.granted" : "provisioning.revoked") : "provisioning.failed",
    subjectType: "provisioning_operation",
    subjectId: op.id,
    after: { action: op.action, system: op.systemKey, resource: op.resourceKey, attempts: op.attempts, exception: op.exceptionId },
    reason: result === "failed" ? op.lastError : null,
  });
  if (!op.exceptionId) return;
  const [e] = await tx.select().from(accessExceptions).where(eq(accessExceptions.id, op.exceptionId)).for("update");
  if (!e) return;
  const label = `EXC-${e.number}`;
  if (op.action === "grant") {
    // A grant that lands after the exception ended changes nothing: its revoke follows.
    if (e.endedAt) return;
    const status = result === "done" ? "active" : op.failureMode === "ignore" ? "active" : "grant_failed";
    await tx
      .update(accessExceptions)
      // A grant sent again (a restricted exception's extension) keeps the first delivery time.
      .set({ status, deliveredAt: result === "done" ? (e.deliveredAt ?? now) : e.deliveredAt })
      .where(eq(accessExceptions.id, e.id));
    await recordAuditEvent(tx, ctx, {
      action: result === "done" ? "exception.delivered" : "exception.grant_failed",
      subjectType: "access_exception",
      subjectId: e.id,
      before: { status: e.status },
      after: { status, exception: label, decisionToDeliveryMs: result === "done" ? now.getTime() - e.approvedAt.getTime() : null },
      reason: result === "failed" ? op.lastError : null,
    });
    return;
  }
  const status = result === "done" ? "removed" : "revoke_failed";
  await tx.update(accessExceptions).set({ status, removalDeliveredAt: result === "done" ? now : null }).where(eq(accessExceptions.id, e.id));
  await recordAuditEvent(tx, ctx, {
    action: result === "done" ? "exception.removal_delivered" : "exception.revoke_failed",
    subjectType: "access_exception",
    subjectId: e.id,
    before: { status: e.status },
    after: { status, exception: label },
    reason: result === "failed" ? op.lastError : null,
  });
  if (result === "done") {
    const [holder] = await tx.select({ id: identities.id }).from(identities).where(eq(identities.id, e.identityId));
    const why = e.endReason === "expired" ? "has been removed as planned" : e.endReason === "given_back" ? "was given back and has been removed" : "was revoked and has been removed";
    await notifyPeople(tx, [holder!.id], { kind: "exception_removed", title: `Your temporary access to ${e.resourceKey} ${why}`, body: `${label} ended (${endReasonText(e)}).`, link: "/access" }, now);
  }
}
