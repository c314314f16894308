import { and, eq, inArray, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { hasAnyRole } from "@/server/core/roles";
import { mentions } from "@/server/core/requests/text";
import type { DbOrTx } from "@/server/db/client";
import { accessRequests, identities, requestApprovers, requestMessages } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";
import { notifyPeople } from "./notify";

type Ctx = PersonContext;

type ThreadRequest = { id: string; requesterId: string; proposedBy: string | null };

/** Who takes part in a request's thread: the requester, the IT admin who proposed it, and every approver of every stage. */
async function participants(db: DbOrTx, request: ThreadRequest) {
  const approvers = await db
    .select({ id: requestApprovers.identityId, stage: requestApprovers.stage })
    .from(requestApprovers)
    .where(eq(requestApprovers.requestId, request.id));
  return { askers: request.proposedBy ? [request.requesterId, request.proposedBy] : [request.requesterId], approvers };
}

/** Whether the actor may read the request: its requester, its proposer, its approvers, IT admins and auditors. */
export async function canSeeRequest(db: DbOrTx, actor: Ctx["actor"], request: ThreadRequest) {
  if (request.requesterId === actor.identityId || request.proposedBy === actor.identityId) return true;
  if (hasAnyRole(actor.roles as never, ["it_admin", "auditor"])) return true;
  const p = await participants(db, request);
  return p.approvers.some((a) => a.id === actor.identityId);
}

/**
 * A message in the request's thread, from the requester, the proposer or an approver. When the
 * request waits for more information and the one who asked for it writes (the requester, or for
 * a proposal the IT admin who proposed it), that is the answer: the request goes back to the
 * approvers. @mentions of people taking part notify them.
 */
export async function postMessage({ ctx, input }: { ctx: Ctx; input: { requestId: string; body: string } }) {
  const body = input.body.trim();
  if (!body) throw new DomainError("INVALID_INPUT", "Write something first", { field: "body" });
  if (body.length > 5000) throw new DomainError("INVALID_INPUT", "Keep it under 5,000 characters", { field: "body" });
  return ctx.db.transaction(async (tx) => {
    const [request] = await tx
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.id, input.requestId))
      .for("update");
    if (!request) throw new DomainError("NOT_FOUND", "There is no such request", { field: "requestId" });
    const p = await participants(tx, request);
    const isAsker = p.askers.includes(ctx.actor.identityId);
    if (!isAsker && !p.approvers.some((a) => a.id === ctx.actor.identityId)) {
      throw new DomainError("FORBIDDEN", "Only the requester and the approvers write in a request's thread", {
        field: "requestId",
      });
    }
    const now = ctx.clock();
    const answering = isAsker && request.status === "needs_info";
    const [message] = await tx
      .insert(requestMessages)
      .values({
        requestId: request.id,
        authorId: ctx.actor.identityId,
        kind: answering ? "info_answer" : "comment",
        body,
        createdAt: now,
      })
      .returning();
    const stageApprovers = p.approvers.filter((a) => a.stage === request.currentStage).map((a) => a.id);
    if (answering) {
      await tx
        .update(accessRequests)
        .set({ status: "pending", stageStartedAt: now, remindedAt: null })
        .where(eq(accessRequests.id, request.id));
      await recordAuditEvent(tx, ctx, {
        action: "request.info_answered",
        subjectType: "access_request",
        subjectId: request.id,
        before: { status: "needs_info" },
        after: { status: "pending" },
        reason: body,
      });
      await notifyPeople(
        tx,
        stageApprovers,
        {
          kind: "info_answered",
          title: `REQ-${request.number}: ${ctx.actor.displayName} answered`,
          body,
          link: `/requests/${request.id}`,
          requestId: request.id,
        },
        now,
      );
    } else {
      await recordAuditEvent(tx, ctx, {
        action: "request.commented",
        subjectType: "access_request",
        subjectId: request.id,
        after: { message: message!.id },
        reason: body,
      });
    }
    const everyone = [...p.askers, ...p.approvers.map((a) => a.id)];
    const handles = mentions(body);
    if (handles.length) {
      const named = await tx
        .select({ id: identities.id })
        .from(identities)
        .where(
          and(inArray(identities.id, everyone), inArray(sql`lower(split_part(${identities.email}, '@', 1))`, handles)),
        );
      const others = named.map((n) => n.id).filter((id) => id !== ctx.actor.identityId);
      await notifyPeople(
        tx,
        others,
        {
          kind: "mentioned",
          title: `${ctx.actor.displayName} mentioned you on REQ-${request.number}`,
          body,
          link: `/requests/${request.id}`,
          requestId: request.id,
        },
        now,
      );
    }
    return { message: message!, status: answering ? "pending" : request.status };
  });
}

/** The requester (or, for a proposal, the IT admin who proposed it) withdraws a request that is still open. */
export async function cancelRequest({ ctx, input }: { ctx: Ctx; input: { requestId: string } }) {
  return ctx.db.transaction(async (tx) => {
    const [request] = await tx
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.id, input.requestId))
      .for("update");
    if (!request) throw new DomainError("NOT_FOUND", "There is no such request", { field: "requestId" });
    const byProposer = request.proposedBy === ctx.actor.identityId;
    if (request.requesterId !== ctx.actor.identityId && !byProposer)
      throw new DomainError("FORBIDDEN", "Only the requester can cancel a request", { field: "requestId" });
    if (request.status !== "pending" && request.status !== "needs_info")
      throw new DomainError("CONFLICT", `REQ-${request.number} is ${request.status} and can no longer be cancelled`, {
        field: "requestId",
      });
    const now = ctx.clock();
    const who = byProposer ? "the proposer" : "the requester";
    const [cancelled] = await tx
      .update(accessRequests)
      .set({ status: "cancelled", decidedAt: now, decidedBy: ctx.actor.email, decisionNote: `Cancelled by ${who}` })
      .where(eq(accessRequests.id, request.id))
      .returning();
    await tx.insert(requestMessages).values({
      requestId: request.id,
      authorId: ctx.actor.identityId,
      kind: "event",
      body: `Cancelled by ${who}.`,
      createdAt: now,
    });
    await recordAuditEvent(tx, ctx, {
      action: "request.cancelled",
      subjectType: "access_request",
      subjectId: request.id,
      before: { status: request.status },
      after: { status: "cancelled" },
    });
    const told = (
      await tx
        .select({ id: requestApprovers.identityId, notifiedAt: requestApprovers.notifiedAt })
        .from(requestApprovers)
        .where(eq(requestApprovers.requestId, request.id))
    ).filter((a) => a.notifiedAt);
    const others = [
      ...told.map((a) => a.id),
      request.requesterId,
      ...(request.proposedBy ? [request.proposedBy] : []),
    ].filter((id) => id !== ctx.actor.identityId);
    await notifyPeople(
      tx,
      [...new Set(others)],
      {
        kind: "request_cancelled",
        title: `REQ-${request.number} was cancelled`,
        body: `${ctx.actor.displayName} withdrew the request.`,
        link: `/requests/${request.id}`,
        requestId: request.id,
      },
      now,
    );
    return cancelled!;
  });
}
