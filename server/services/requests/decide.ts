import { and, eq } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { principalOf, refusalToDecide } from "@/server/core/requests/approvers";
import { afterVote, refusalToVote } from "@/server/core/requests/decision";
import type { Tx } from "@/server/db/client";
import { accessRequests, identities, requestApprovers, requestMessages, requestVotes } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";
import { activeDelegations, definitionForRequest, loadApproverContext, loadTemplate } from "./context";
import { handOffToProvisioning } from "./handoff";
import { notifyPeople } from "./notify";
import { openStage } from "./stages";

type Ctx = PersonContext;
export type Decision = "approve" | "deny" | "needs_info";

/**
 * An approver's decision on a request's current stage. The request row is locked, so two
 * approvers clicking at once produce exactly one outcome; the one who comes second is told
 * the request was already decided, by whom. A deny needs a reason; asking for more
 * information puts the request in the requester's hands until they answer in the thread.
 */
export async function decideRequest({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { requestId: string; decision: Decision; note?: string };
}) {
  const note = input.note?.trim() || null;
  if (input.decision !== "approve" && !note) {
    throw new DomainError(
      "INVALID_INPUT",
      input.decision === "deny" ? "Say why the request is denied" : "Say what information you need",
      { field: "note" },
    );
  }
  return ctx.db.transaction(async (tx) => {
    const [request] = await tx
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.id, input.requestId))
      .for("update");
    if (!request) throw new DomainError("NOT_FOUND", "There is no such request", { field: "requestId" });
    if (request.status !== "pending" && request.status !== "needs_info") {
      const by = request.decidedBy ? ` by ${request.decidedBy}` : "";
      const when = request.decidedAt ? ` at ${request.decidedAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "";
      throw new DomainError("CONFLICT", `REQ-${request.number} was already ${request.status}${by}${when}`, {
        field: "requestId",
      });
    }
    const now = ctx.clock();
    const stageApprovers = await tx
      .select({ identityId: requestApprovers.identityId, via: requestApprovers.via })
      .from(requestApprovers)
      .where(and(eq(requestApprovers.requestId, request.id), eq(requestApprovers.stage, request.currentStage)));
    const deciderIds = [ctx.actor.identityId];
    const [decider] = await tx
      .select({ status: identities.employmentStatus })
      .from(identities)
      .where(eq(identities.id, ctx.actor.identityId));
    const refusal = refusalToDecide(ctx.actor.identityId, request, stageApprovers, {
      people: new Map(
        deciderIds.map((id) => [id, { active: (decider?.status ?? "").trim().toLowerCase() === "active" }]),
      ),
      delegations: await activeDelegations(tx, now),
    });
    if (refusal) throw new DomainError("FORBIDDEN", refusal, { field: "requestId" });

    if (input.decision === "needs_info") return askForInformation(tx, ctx, request, note!, now);

    // A delegate's vote is the delegator's: one person's decision counts once per stage (N of M
    // means N different principals), whoever clicked.
    const principalId = principalOf(stageApprovers.find((a) => a.identityId === ctx.actor.identityId)!);
    const cast = await tx
      .select({
        identityId: requestVotes.identityId,
        principalId: requestVotes.principalId,
        decision: requestVotes.decision,
      })
      .from(requestVotes)
      .where(and(eq(requestVotes.requestId, request.id), eq(requestVotes.stage, request.currentStage)));
    const refusedVote = refusalToVote(
      ctx.actor.identityId,
      principalId,
      cast as { identityId: string; principalId: string; decision: "approve" | "deny" }[],
    );
    if (refusedVote) throw new DomainError("CONFLICT", refusedVote, { field: "requestId" });
    await tx.insert(requestVotes).values({
      requestId: request.id,
      stage: request.currentStage,
      identityId: ctx.actor.identityId,
      principalId,
      decision: input.decision,
      note,
      createdAt: now,
    });
    const votes = [...cast, { identityId: ctx.actor.identityId, principalId, decision: input.decision }] as {
      principalId: string;
      decision: "approve" | "deny";
    }[];

    const template = (await loadTemplate(tx, { id: request.templateId }))!;
    const def = definitionForRequest(template.definition, request);
    const step = afterVote(def.stages, request.currentStage, votes);
    const verb = input.decision === "approve" ? "approved" : "denied";
    await tx.insert(requestMessages).values({
      requestId: request.id,
      authorId: ctx.actor.identityId,
      kind: "event",
      body: `${verb[0]!.toUpperCase()}${verb.slice(1)}${def.stages.length > 1 ? ` stage ${request.currentStage + 1}` : ""}${note ? `: ${note}` : ""}`,
      createdAt: now,
    });
    await recordAuditEvent(tx, ctx, {
      action: `request.vote_${input.decision}`,
      subjectType: "access_request",
      subjectId: request.id,
      after: {
        request: `REQ-${request.number}`,
        stage: request.currentStage,
        outcome: step.kind,
        ...(principalId !== ctx.actor.identityId ? { onBehalfOf: principalId } : {}),
      },
      reason: note,
    });

    const [requester] = await tx
      .select({ displayName: identities.displayName })
      .from(identities)
      .where(eq(identities.id, request.requesterId));
    const everyoneTold = await involved(tx, request.id);
    if (step.kind === "waiting") return { ...request, outcome: "waiting" as const };
    if (step.kind === "next_stage") {
      const [moved] = await tx
        .update(accessRequests)
        .set({ currentStage: step.stage, stageStartedAt: now, status: "pending" })
        .where(eq(accessRequests.id, request.id))
        .returning();
      await openStage(tx, {
        request: {
          id: request.id,
          number: request.number,
          requesterName: requester!.displayName,
          templateName: template.name,
        },
        template,
        def,
        stage: step.stage,
        approverContext: await loadApproverContext(tx, request.requesterId, def, now, request.proposedBy),
        now,
        random: Math.random,
      });
      await notifyPeople(
        tx,
        askers(request),
        {
          kind: "request_progress",
          title: `REQ-${request.number}: stage ${request.currentStage + 1} approved`,
          body: `Now waiting for: ${def.stages[step.stage]!.name}.`,
          link: `/requests/${request.id}`,
          requestId: request.id,
        },
        now,
      );
      return { ...moved!, outcome: "next_stage" as const };
    }

    const approved = step.kind === "approved";
    const starts = approved
      ? request.requestedStart && request.requestedStart > now
        ? request.requestedStart
        : now
      : null;
    const [decided] = await tx
      .update(accessRequests)
      .set({
        status: approved ? "approved" : "denied",
        decidedAt: now,
        decidedBy: ctx.actor.email,
        decisionNote: note,
        accessStartsAt: starts,
        accessEndsAt: starts ? new Date(starts.getTime() + request.durationMinutes * 60_000) : null,
      })
      .where(eq(accessRequests.id, request.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: approved ? "request.approved" : "request.denied",
      subjectType: "access_request",
      subjectId: request.id,
      before: { status: request.status },
      after: { status: decided!.status, accessEndsAt: decided!.accessEndsAt?.toISOString() ?? null },
      reason: note,
    });
    if (approved) await handOffToProvisioning(tx, ctx, request);
    // Everyone who was told about it, and the requester, learns how it ended.
    await notifyPeople(
      tx,
      [...askers(request), ...everyoneTold.filter((id) => id !== ctx.actor.identityId)],
      {
        kind: "request_decided",
        title: `REQ-${request.number} ${approved ? "approved" : "denied"} by ${ctx.actor.displayName}`,
        body: `${requester!.displayName}'s request for ${template.name} was ${approved ? "approved" : "denied"}${note ? `: ${note}` : "."}`,
        link: `/requests/${request.id}`,
        requestId: request.id,
      },
      now,
    );
    return { ...decided!, outcome: approved ? ("approved" as const) : ("denied" as const) };
  });
}

/** Who asked: the requester, and the IT admin who proposed it (who answers questions about it). */
const askers = (r: { requesterId: string; proposedBy: string | null }) =>
  r.proposedBy ? [r.requesterId, r.proposedBy] : [r.requesterId];

/** The approvers who were told about a request, at any stage. */
async function involved(tx: Tx, requestId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: requestApprovers.identityId, notifiedAt: requestApprovers.notifiedAt })
    .from(requestApprovers)
    .where(eq(requestApprovers.requestId, requestId));
  return rows.filter((r) => r.notifiedAt).map((r) => r.id);
}

async function askForInformation(
  tx: Tx,
  ctx: Ctx,
  request: typeof accessRequests.$inferSelect,
  note: string,
  now: Date,
) {
  const [waiting] = await tx
    .update(accessRequests)
    .set({ status: "needs_info" })
    .where(eq(accessRequests.id, request.id))
    .returning();
  await tx.insert(requestMessages).values({
    requestId: request.id,
    authorId: ctx.actor.identityId,
    kind: "info_request",
    body: note,
    createdAt: now,
  });
  await recordAuditEvent(tx, ctx, {
    action: "request.info_requested",
    subjectType: "access_request",
    subjectId: request.id,
    before: { status: request.status },
    after: { status: "needs_info" },
    reason: note,
  });
  // A proposal's questions go to the IT admin who proposed it (and the person it is for sees them).
  await notifyPeople(
    tx,
    askers(request),
    {
      kind: "info_requested",
      title: `REQ-${request.number}: ${ctx.actor.displayName} needs more information`,
      body: note,
      link: `/requests/${request.id}`,
      requestId: request.id,
    },
    now,
  );
  return { ...waiting!, outcome: "needs_info" as const };
}

/** Several requests decided the same way; each is decided on its own, and each outcome is reported. */
export async function decideRequests({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { requestIds: string[]; decision: "approve" | "deny"; note?: string };
}) {
  const results: { requestId: string; ok: boolean; outcome?: string; code?: string; error?: string }[] = [];
  for (const requestId of input.requestIds) {
    try {
      const r = await decideRequest({ ctx, input: { requestId, decision: input.decision, note: input.note } });
      results.push({ requestId, ok: true, outcome: r.outcome });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      results.push({ requestId, ok: false, code: err.code, error: err.message });
    }
  }
  return results;
}
