import { and, eq, inArray } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import {
  accessExceptions,
  accessRequests,
  expectedAccess,
  identities,
  provisioningHandoffs,
  provisioningOperations,
  requestApprovers,
  requestMessages,
  requestTemplates,
  requestVotes,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { cancelOperation } from "../provisioning/ordering";
import { NO_ANSWER, queueOperation, REVOKE_ATTEMPTS, type Operation } from "../provisioning/queue";
import { notifyPeople } from "./notify";

type Request = typeof accessRequests.$inferSelect;

/**
 * The second half of an approval with the template's failure mode "block" (seed 003: abort the
 * status change if the task fails). The approval's transaction leaves the request "granting"
 * with its grants claimed; the adapter is called after it commits, outside any transaction; then,
 * in the transaction that writes the last grant's outcome (whoever wrote it: the approver's
 * process, or the provisioning runner after a lease ran out), the request is settled: approved
 * when every grant was done (or handed to IT as a task), otherwise the approval is undone.
 */

/** After an operation's outcome was written in `tx`: settles its request if it was a blocking grant's. */
export async function settleGrantingRequestOf(tx: Tx, ctx: ServiceContext, op: Operation) {
  if (op.action !== "grant" || op.failureMode !== "block" || !op.exceptionId) return;
  const [e] = await tx
    .select({ requestId: accessExceptions.requestId })
    .from(accessExceptions)
    .where(eq(accessExceptions.id, op.exceptionId));
  if (e?.requestId) await settleGrantingRequest(tx, ctx, e.requestId);
}

/**
 * Settles a granting request once none of its grants is still to be answered (its row locked, so
 * the last of two grants answered at once settles it). Returns what became of it, or null when it
 * is not granting.
 */
export async function settleGrantingRequest(
  tx: Tx,
  ctx: ServiceContext,
  requestId: string,
): Promise<"approved" | "undone" | "waiting" | null> {
  const [request] = await tx.select().from(accessRequests).where(eq(accessRequests.id, requestId)).for("update");
  if (!request || request.status !== "granting") return null;
  const grants = await grantsOf(tx, requestId);
  if (grants.some((g) => g.status === "pending")) return "waiting";
  const refused = refusedGrant(grants);
  if (!refused) {
    await completeApproval(tx, ctx, request);
    return "approved";
  }
  await undoApproval(tx, ctx, request, grants, grantRefusal(refused));
  return "undone";
}

/** The grant operations of a request's exceptions. */
async function grantsOf(tx: Tx, requestId: string): Promise<Operation[]> {
  const rows = await tx
    .select({ op: provisioningOperations })
    .from(provisioningOperations)
    .innerJoin(accessExceptions, eq(accessExceptions.id, provisioningOperations.exceptionId))
    .where(and(eq(accessExceptions.requestId, requestId), eq(provisioningOperations.action, "grant")));
  return rows.map((r) => r.op);
}

const UNDONE = "the approval did not stand";

/** The grant that refused an approval: the system's error first, then a reason it was cancelled. */
export function refusedGrant(ops: Operation[]): Operation | undefined {
  const ended = ops.filter((o) => o.status === "failed" || o.status === "cancelled");
  return (
    ended.find((o) => o.lastError) ??
    ended.find((o) => o.cancelReason && !o.cancelReason.startsWith(UNDONE)) ??
    ended[0]
  );
}

/** "Could not grant <resource>: <why>", the words the approver is shown. */
export const grantRefusal = (op: Operation) =>
  `Could not grant ${op.resourceKey}: ${op.lastError ?? op.cancelReason ?? "the system did not confirm"}`;

async function deciderOf(tx: Tx, request: Request) {
  if (!request.decidedBy) return null;
  const [person] = await tx
    .select({ id: identities.id, displayName: identities.displayName })
    .from(identities)
    .where(eq(identities.email, request.decidedBy));
  return person ?? null;
}

/** Every grant answered: the request is approved, and everyone who was told about it learns it. */
async function completeApproval(tx: Tx, ctx: ServiceContext, request: Request) {
  const now = ctx.clock();
  const [approved] = await tx
    .update(accessRequests)
    .set({ status: "approved" })
    .where(eq(accessRequests.id, request.id))
    .returning();
  await recordAuditEvent(tx, ctx, {
    action: "request.approved",
    subjectType: "access_request",
    subjectId: request.id,
    before: { status: "granting" },
    after: { status: "approved", accessEndsAt: approved!.accessEndsAt?.toISOString() ?? null },
    reason: request.decisionNote,
  });
  const [names] = await tx
    .select({ requester: identities.displayName, template: requestTemplates.name })
    .from(identities)
    .innerJoin(requestTemplates, eq(requestTemplates.id, request.templateId))
    .where(eq(identities.id, request.requesterId));
  const decider = await deciderOf(tx, request);
  const told = decider
    ? (
        await tx
          .select({ id: requestApprovers.identityId, notifiedAt: requestApprovers.notifiedAt })
          .from(requestApprovers)
          .where(eq(requestApprovers.requestId, request.id))
      ).flatMap((r) => (r.notifiedAt && r.id !== decider.id ? [r.id] : []))
    : [];
  const note = request.decisionNote;
  await notifyPeople(
    tx,
    [...askers(request), ...told],
    {
      kind: "request_decided",
      title: `REQ-${request.number} approved${decider ? ` by ${decider.displayName}` : ""}`,
      body: decider
        ? `${names!.requester}'s request for ${names!.template} was approved${note ? `: ${note}` : "."}`
        : (note ?? "Approved."),
      link: `/requests/${request.id}`,
      requestId: request.id,
    },
    now,
  );
}

const askers = (r: { requesterId: string; proposedBy: string | null }) =>
  r.proposedBy ? [r.requesterId, r.proposedBy] : [r.requesterId];

/**
 * A grant was refused (or could not be tried): the approval does not stand. Nothing of it is left
 * as held: its exceptions are withdrawn (deleted, with an audit event each), their grants cancelled
 * (a grant the system did take, or may have: a call with no answer, is revoked), the hand-off
 * removed; the decider's vote is withdrawn and the request waits for approval again (an
 * auto-approved one is closed, cancelled, as no approver was asked). The thread and the audit
 * trail say why; the decider is told when someone else's process settled it.
 */
async function undoApproval(tx: Tx, ctx: ServiceContext, request: Request, grants: Operation[], reason: string) {
  const now = ctx.clock();
  const label = `REQ-${request.number}`;
  const undone = `${UNDONE}: ${reason}`;
  const exceptions = await tx
    .select()
    .from(accessExceptions)
    .where(eq(accessExceptions.requestId, request.id))
    .for("update");
  const locked = await tx
    .select()
    .from(provisioningOperations)
    .where(
      inArray(
        provisioningOperations.id,
        grants.map((g) => g.id),
      ),
    )
    .for("update");
  for (const op of locked) {
    if (op.status === "waiting" || op.status === "failed") await cancelOperation(tx, ctx, op, undone);
    // What the system took (or may have: a call that got no answer) is taken away again.
    const mayHold = op.status === "done" || (op.status === "failed" && op.lastError?.startsWith(NO_ANSWER));
    if (!mayHold) continue;
    const [policy] = await tx
      .select({ level: expectedAccess.level })
      .from(expectedAccess)
      .where(and(eq(expectedAccess.identityId, op.identityId), eq(expectedAccess.resourceKey, op.resourceKey)));
    if (!policy)
      await queueOperation(tx, {
        identityId: op.identityId,
        resourceKey: op.resourceKey,
        level: op.level,
        action: "revoke",
        exceptionId: null,
        failureMode: "retry",
        maxAttempts: REVOKE_ATTEMPTS,
        now,
      });
  }
  const ids = exceptions.map((e) => e.id);
  if (ids.length) {
    await tx
      .update(provisioningOperations)
      .set({ exceptionId: null })
      .where(inArray(provisioningOperations.exceptionId, ids));
    await tx.delete(accessExceptions).where(inArray(accessExceptions.id, ids));
  }
  for (const e of exceptions)
    await recordAuditEvent(tx, ctx, {
      action: "exception.withdrawn",
      subjectType: "access_exception",
      subjectId: e.id,
      before: { status: e.status },
      after: { exception: `EXC-${e.number}`, request: label, resource: e.resourceKey },
      reason: undone,
    });
  await tx.delete(provisioningHandoffs).where(eq(provisioningHandoffs.requestId, request.id));

  const auto = request.autoApprovedBecause !== null;
  const decider = auto ? null : await deciderOf(tx, request);
  if (decider)
    await tx
      .delete(requestVotes)
      .where(
        and(
          eq(requestVotes.requestId, request.id),
          eq(requestVotes.stage, request.currentStage),
          eq(requestVotes.identityId, decider.id),
        ),
      );
  const status = auto ? "cancelled" : "pending";
  await tx
    .update(accessRequests)
    .set(
      auto
        ? { status, decisionNote: `Auto-approval did not stand: ${reason}`, accessStartsAt: null, accessEndsAt: null }
        : { status, decidedAt: null, decidedBy: null, decisionNote: null, accessStartsAt: null, accessEndsAt: null },
    )
    .where(eq(accessRequests.id, request.id));
  const then = auto
    ? "The request is closed: ask again once the system takes the grant, or ask IT to check it."
    : "It waits for approval again: approve it again once the system takes the grant, or ask IT to check it.";
  await tx.insert(requestMessages).values({
    requestId: request.id,
    authorId: null,
    kind: "event",
    body: `The approval did not complete. ${reason}. ${then}`,
    createdAt: now,
  });
  await recordAuditEvent(tx, ctx, {
    action: "request.grant_blocked",
    subjectType: "access_request",
    subjectId: request.id,
    before: { status: "granting", decidedBy: request.decidedBy },
    after: { status, request: label, exceptionsWithdrawn: exceptions.map((e) => `EXC-${e.number}`) },
    reason,
  });
  // Whoever waited on the approval learns it did not stand, unless they are the one being answered now.
  const me = ctx.actor.type === "identity" ? ctx.actor.identityId : null;
  const tell = (auto ? [request.requesterId] : decider ? [decider.id] : []).filter((id) => id !== me);
  if (tell.length)
    await notifyPeople(
      tx,
      tell,
      {
        kind: "request_progress",
        title: `${label}: the approval did not complete`,
        body: `${reason}. ${then}`,
        link: `/requests/${request.id}`,
        requestId: request.id,
      },
      now,
    );
}
