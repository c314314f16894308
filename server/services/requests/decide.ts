import { eq } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { expiryFor } from "@/server/core/exceptions";
import { principalOf, refusalToDecide } from "@/server/core/requests/approvers";
import { afterVote, refusalToVote } from "@/server/core/requests/decision";
import type { Tx } from "@/server/db/client";
import { accessRequests, requestMessages } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";
import { definitionForRequest, loadApproverContext } from "./context";
import { loadDecisionContext, type DecisionContext } from "./decision-context";
import type { Claim } from "../provisioning/runner";
import { finishGranting } from "./granting";
import { handOffToProvisioning } from "./handoff";
import { notifyPeople } from "./notify";
import { openStage } from "./stages";
import { recordVote } from "./votes";

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
  const decided = await recordDecision(ctx, input, note);
  if (decided.outcome !== "granting") return decided;
  // Failure mode "block": the approval is committed as "granting"; the system is called now, outside it.
  const { claims, ...request } = decided;
  return finishGranting(ctx, request.id, claims);
}

/**
 * The approval's transaction, alone: what decideRequest commits before any call to a system (a
 * blocking grant's claims come back with outcome "granting"). Exported for tests of what a crash
 * right after it leaves.
 */
export async function recordDecision(
  ctx: Ctx,
  input: { requestId: string; decision: Decision },
  note: string | null,
): Promise<DecisionResult> {
  return ctx.db.transaction(async (tx): Promise<DecisionResult> => {
    const [request] = await tx
      .select()
      .from(accessRequests)
      .where(eq(accessRequests.id, input.requestId))
      .for("update");
    if (!request) throw new DomainError("NOT_FOUND", "There is no such request", { field: "requestId" });
    if (request.status !== "pending" && request.status !== "needs_info") {
      const by = request.decidedBy ? ` by ${request.decidedBy}` : "";
      const when = request.decidedAt ? ` at ${request.decidedAt.toISOString().replace("T", " ").slice(0, 16)} UTC` : "";
      const what =
        request.status === "granting" ? `approved${by}${when} and is being granted` : `${request.status}${by}${when}`;
      throw new DomainError("CONFLICT", `REQ-${request.number} was already ${what}`, { field: "requestId" });
    }
    const now = ctx.clock();
    // Read once the row is locked: a decision just committed by another approver is seen.
    const known = await loadDecisionContext(tx, request, ctx.actor.identityId, now);
    const { stageApprovers, template } = known;
    const refusal = refusalToDecide(ctx.actor.identityId, request, stageApprovers, {
      people: new Map([
        [ctx.actor.identityId, { active: (known.deciderStatus ?? "").trim().toLowerCase() === "active" }],
      ]),
      delegations: known.delegations,
    });
    if (refusal) throw new DomainError("FORBIDDEN", refusal, { field: "requestId" });

    if (input.decision === "needs_info") return askForInformation(tx, ctx, request, note!, now);

    // A delegate's vote is the delegator's: one person's decision counts once per stage (N of M
    // means N different principals), whoever clicked.
    const principalId = principalOf(stageApprovers.find((a) => a.identityId === ctx.actor.identityId)!);
    const cast = known.votes;
    const refusedVote = refusalToVote(ctx.actor.identityId, principalId, cast);
    if (refusedVote) throw new DomainError("CONFLICT", refusedVote, { field: "requestId" });
    const votes = [...cast, { identityId: ctx.actor.identityId, principalId, decision: input.decision }] as {
      principalId: string;
      decision: "approve" | "deny";
    }[];

    const def = definitionForRequest(template.definition, request);
    const step = afterVote(def.stages, request.currentStage, votes);
    const verb = input.decision === "approve" ? "approved" : "denied";
    await recordVote(tx, {
      requestId: request.id,
      stage: request.currentStage,
      identityId: ctx.actor.identityId,
      principalId,
      decision: input.decision,
      note,
      createdAt: now,
      threadLine: `${verb[0]!.toUpperCase()}${verb.slice(1)}${def.stages.length > 1 ? ` stage ${request.currentStage + 1}` : ""}${note ? `: ${note}` : ""}`,
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

    const requester = { displayName: known.requesterName };
    const everyoneTold = known.told;
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
    // Failure mode "block": the approval stands only once the system has taken the grant.
    const blocking = approved && grantBlocks(def, request, starts!, now);
    const [decided] = await tx
      .update(accessRequests)
      .set({
        status: blocking ? "granting" : approved ? "approved" : "denied",
        decidedAt: now,
        decidedBy: ctx.actor.email,
        decisionNote: note,
        accessStartsAt: starts,
        accessEndsAt: starts ? accessEndOf(request, starts, known.timeZone) : null,
      })
      .where(eq(accessRequests.id, request.id))
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: blocking ? "request.granting" : approved ? "request.approved" : "request.denied",
      subjectType: "access_request",
      subjectId: request.id,
      before: { status: request.status },
      after: { status: decided!.status, accessEndsAt: decided!.accessEndsAt?.toISOString() ?? null },
      reason: note,
    });
    if (blocking) {
      // Told once the system has answered (grant-settle.ts), not now.
      const { claims } = await handOffToProvisioning(tx, ctx, request, provisioningInput(decided!, known));
      return { ...decided!, outcome: "granting" as const, claims };
    }
    if (approved) await handOffToProvisioning(tx, ctx, request, provisioningInput(decided!, known));
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

type Decided = typeof accessRequests.$inferSelect;
export type DecisionResult =
  | (Decided & { outcome: "waiting" | "next_stage" | "approved" | "denied" | "needs_info" })
  | (Decided & { outcome: "granting"; claims: Claim[] });

/**
 * Whether an approval waits for the system (failure mode "block"): a grant due now of a new
 * access request (an extension moves an expiry; a proposal's terms use their own failure mode).
 */
export function grantBlocks(
  def: { onGrantFailure: { mode: string } },
  request: { kind: string; proposal: unknown },
  starts: Date,
  now: Date,
) {
  return def.onGrantFailure.mode === "block" && request.kind !== "extension" && !request.proposal && starts <= now;
}

/**
 * When the access an approval gives ends: for a new request, the expiry provisioning gives its exception
 * (to the minute, or midnight in the zone for a day or more), so provisioning need not write it again;
 * an extension or a proposal is dated by its own terms when provisioned.
 */
function accessEndOf(
  request: { kind: string; proposal: unknown; durationMinutes: number },
  starts: Date,
  zone: string,
) {
  if (request.kind === "extension" || request.proposal)
    return new Date(starts.getTime() + request.durationMinutes * 60_000);
  return expiryFor(starts, request.durationMinutes, zone);
}

/** Who asked: the requester, and the IT admin who proposed it (who answers questions about it). */
const askers = (r: { requesterId: string; proposedBy: string | null }) =>
  r.proposedBy ? [r.requesterId, r.proposedBy] : [r.requesterId];

/** What provisioning would read again: the request as decided, its template, the zone, the exception type's settings. */
const provisioningInput = (decided: Decided, known: DecisionContext) => ({
  request: decided,
  templateRow: known.templateRow,
  timeZone: known.timeZone,
  typeSettings: known.typeSettings,
});

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
