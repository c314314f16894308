import { and, eq, gt, inArray } from "drizzle-orm";
import { endReasonText } from "@/server/core/exceptions/end-reason";
import type { Tx } from "@/server/db/client";
import { accessExceptions, expectedAccess, identities, provisioningOperations } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { notifyPeople } from "../requests/notify";
import { queueOperation, REVOKE_ATTEMPTS } from "./queue";

type Operation = typeof provisioningOperations.$inferSelect;
type Exception = typeof accessExceptions.$inferSelect;

/**
 * What a finished operation means for its exception: a confirmed grant makes it active
 * (delivered, with the time), a confirmed revoke makes it removed; a failure shows as
 * grant_failed or revoke_failed, never as done. An ended exception never becomes active again:
 * a grant confirmed after it ended is followed by a removal. Written with its audit event. The
 * exception row is locked before any audit event, the order ending an exception takes them in.
 */
export async function applyOperationOutcome(tx: Tx, ctx: ServiceContext, op: Operation, result: "done" | "failed") {
  const now = ctx.clock();
  const [e] = op.exceptionId
    ? await tx.select().from(accessExceptions).where(eq(accessExceptions.id, op.exceptionId)).for("update")
    : [];
  await recordAuditEvent(tx, ctx, {
    action:
      result === "done"
        ? op.action === "grant"
          ? "provisioning.granted"
          : "provisioning.revoked"
        : "provisioning.failed",
    subjectType: "provisioning_operation",
    subjectId: op.id,
    after: {
      action: op.action,
      system: op.systemKey,
      resource: op.resourceKey,
      attempts: op.attempts,
      exception: op.exceptionId,
    },
    reason: result === "failed" ? op.lastError : null,
  });
  if (!e) return;
  const label = `EXC-${e.number}`;
  if (op.action === "grant") {
    if (e.endedAt) {
      if (result === "done") await followLateGrant(tx, ctx, op, e);
      return;
    }
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
      after: {
        status,
        exception: label,
        decisionToDeliveryMs: result === "done" ? now.getTime() - e.approvedAt.getTime() : null,
      },
      reason: result === "failed" ? op.lastError : null,
    });
    return;
  }
  const status = result === "done" ? "removed" : "revoke_failed";
  await tx
    .update(accessExceptions)
    .set({ status, removalDeliveredAt: result === "done" ? now : null })
    .where(eq(accessExceptions.id, e.id));
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
    const why =
      e.endReason === "expired"
        ? "has been removed as planned"
        : e.endReason === "given_back"
          ? "was given back and has been removed"
          : "was revoked and has been removed";
    await notifyPeople(
      tx,
      [holder!.id],
      {
        kind: "exception_removed",
        title: `Your temporary access to ${e.resourceKey} ${why}`,
        body: `${label} ended (${endReasonText(e)}).`,
        link: "/access",
      },
      now,
    );
  }
}

/**
 * A grant the system confirmed after its exception had ended (a call already under way, a task
 * IT marked done late): the exception stays ended, and the access is removed after it. Usually
 * the exception's revoke is still to run (it waits for the grant); otherwise, unless policy gives
 * the resource by now, a new revoke is queued and the exception shows "removing" again.
 */
async function followLateGrant(tx: Tx, ctx: ServiceContext, op: Operation, e: Exception) {
  const [removal] = await tx
    .select({ id: provisioningOperations.id })
    .from(provisioningOperations)
    .where(
      and(
        eq(provisioningOperations.identityId, op.identityId),
        eq(provisioningOperations.resourceKey, op.resourceKey),
        eq(provisioningOperations.action, "revoke"),
        inArray(provisioningOperations.status, ["pending", "waiting"]),
        gt(provisioningOperations.seq, op.seq),
      ),
    )
    .limit(1);
  const [policy] = removal
    ? []
    : await tx
        .select({ level: expectedAccess.level })
        .from(expectedAccess)
        .where(and(eq(expectedAccess.identityId, e.identityId), eq(expectedAccess.resourceKey, e.resourceKey)));
  let followedBy: "the queued removal" | "policy, which gives it now" | "a new removal";
  if (removal) followedBy = "the queued removal";
  else if (policy) followedBy = "policy, which gives it now";
  else {
    await queueOperation(tx, {
      identityId: e.identityId,
      resourceKey: e.resourceKey,
      level: e.level,
      action: "revoke",
      exceptionId: e.id,
      failureMode: "retry",
      maxAttempts: REVOKE_ATTEMPTS,
      now: ctx.clock(),
    });
    await tx
      .update(accessExceptions)
      .set({ status: "removing", removalDeliveredAt: null })
      .where(eq(accessExceptions.id, e.id));
    followedBy = "a new removal";
  }
  await recordAuditEvent(tx, ctx, {
    action: "exception.late_grant",
    subjectType: "access_exception",
    subjectId: e.id,
    before: { status: e.status },
    after: {
      status: followedBy === "a new removal" ? "removing" : e.status,
      exception: `EXC-${e.number}`,
      operation: op.id,
      followedBy,
    },
    reason: `${op.systemKey} confirmed the grant after EXC-${e.number} had ended (${e.endReason}); ${followedBy === "policy, which gives it now" ? "policy gives this access now, so it stays as policy gives it" : `${followedBy} takes it away`}`,
  });
}
