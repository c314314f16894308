import { and, desc, eq, isNull } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { nextExtensionApproval } from "@/server/core/exceptions";
import type { ExceptionType } from "@/server/core/exceptions/types";
import { proposalSchema, type Proposal } from "@/server/core/requests/proposal";
import type { Tx } from "@/server/db/client";
import { accessExceptions, accessRequests, driftFindings, identities } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { insertException, recordExceptionInPlace } from "./create";
import { applyExtension } from "./extend";
import { typeSettingsOf } from "./settings";

type Request = typeof accessRequests.$inferSelect;

/**
 * Provisioning's side of an approved proposal (issue 12), in the approval's transaction: the
 * exception IT proposed is recorded now, approved by the person who decided it, with the IT admin
 * who proposed it as its author; or the drift finding's access is kept; or the extension applies.
 * Terms that no longer hold (the window passed, the exception ended) refuse the approval.
 */
export async function provisionProposal(tx: Tx, ctx: ServiceContext, requestId: string) {
  const [request] = await tx.select().from(accessRequests).where(eq(accessRequests.id, requestId));
  const r = request!;
  const p = proposalSchema.parse(r.proposal);
  const [proposer] = await tx
    .select({ email: identities.email })
    .from(identities)
    .where(eq(identities.id, r.proposedBy!));
  if (ctx.actor.type !== "identity")
    throw new DomainError("PRECONDITION_FAILED", "A proposal is approved by a person", { field: "requestId" });
  const decided = {
    approverId: ctx.actor.identityId,
    approvalNote: r.decisionNote,
    approvedAt: r.decidedAt ?? ctx.clock(),
    requestId: r.id,
    createdBy: proposer!.email,
  };
  if (p.action === "extend") return [await extendProposed(tx, ctx, r, p)];
  if (p.action === "keep") {
    const kept = await keepProposed(tx, ctx, r, p, decided);
    if (kept) return [kept];
  }
  const now = ctx.clock();
  const startsAt = p.action === "grant" && Date.parse(p.startsAt) > now.getTime() ? new Date(p.startsAt) : now;
  const expiresAt = new Date(p.expiresAt);
  refuseEndedWindow(p, startsAt);
  const { exception } = await insertException(
    tx,
    ctx,
    {
      identityId: r.requesterId,
      resourceKey: p.resource,
      level: p.level,
      source: "admin",
      type: p.type,
      justification: r.justification,
      references: p.action === "grant" ? p.references : {},
      restrictions: p.action === "grant" ? p.restrictions : {},
      approvalRule: null,
      templateId: null,
      startsAt,
      expiresAt,
      ...decided,
    },
    { mode: "retry", maxAttempts: 5 },
  );
  await tx
    .update(accessRequests)
    .set({ accessStartsAt: startsAt, accessEndsAt: expiresAt })
    .where(eq(accessRequests.id, r.id));
  return [exception];
}

/** An approval that comes after the proposed expiry cannot make access: the approver denies, IT proposes again. */
function refuseEndedWindow(p: { expiresAt: string }, startsAt: Date) {
  if (Date.parse(p.expiresAt) > startsAt.getTime()) return;
  throw new DomainError(
    "PRECONDITION_FAILED",
    `The proposed access would already have ended (${p.expiresAt.slice(0, 10)}): deny it, and IT can propose new dates`,
    { field: "requestId" },
  );
}

/** Access drift found, kept as it is: active at once, and the finding resolved (null when the finding is gone). */
async function keepProposed(
  tx: Tx,
  ctx: ServiceContext,
  r: Request,
  p: Extract<Proposal, { action: "keep" }>,
  decided: { approverId: string; approvalNote: string | null; requestId: string; createdBy: string },
) {
  const [f] = await tx.select().from(driftFindings).where(eq(driftFindings.id, p.findingId)).for("update");
  // Removed or corrected meanwhile: the approved access is granted like any exception.
  if (!f || f.status !== "open") return null;
  const expiresAt = new Date(p.expiresAt);
  refuseEndedWindow(p, ctx.clock());
  const exception = await recordExceptionInPlace(tx, ctx, {
    identityId: r.requesterId,
    resourceKey: p.resource,
    level: p.level,
    source: "admin",
    type: p.type,
    justification: r.justification,
    expiresAt,
    ...decided,
    context: { from: "drift finding", request: `REQ-${r.number}` },
  });
  const now = ctx.clock();
  await tx
    .update(driftFindings)
    .set({
      status: "resolved",
      exceptionId: exception.id,
      resolution: `Kept as EXC-${exception.number} until ${p.expiresAt.slice(0, 10)} (REQ-${r.number})`,
      resolvedBy: actorLabel(ctx.actor),
      resolvedAt: now,
    })
    .where(eq(driftFindings.id, f.id));
  await recordAuditEvent(tx, ctx, {
    action: "drift.converted",
    subjectType: "drift_finding",
    subjectId: f.id,
    before: { status: "open" },
    after: { status: "resolved", exception: `EXC-${exception.number}`, request: `REQ-${r.number}` },
  });
  return exception;
}

/** More time on the exception, if it is still open and the extension limits still allow it. */
async function extendProposed(tx: Tx, ctx: ServiceContext, r: Request, p: Extract<Proposal, { action: "extend" }>) {
  const [exception] = await tx
    .select()
    .from(accessExceptions)
    .where(and(eq(accessExceptions.id, p.exceptionId), isNull(accessExceptions.endedAt)))
    .orderBy(desc(accessExceptions.expiresAt))
    .for("update");
  if (!exception)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `EXC-${p.exceptionNumber} has already ended: IT can propose a new exception`,
      { field: "requestId" },
    );
  const approval = nextExtensionApproval(exception, await typeSettingsOf(tx, exception.type as ExceptionType));
  if (approval.escalated && !p.escalated)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `EXC-${exception.number} was extended meanwhile: this extension now needs the escalated approver`,
      { field: "requestId" },
    );
  const approvedBy = ctx.actor.type === "identity" ? ctx.actor.email : actorLabel(ctx.actor);
  const extended = await applyExtension(tx, ctx, exception, {
    minutes: p.durationMinutes,
    justification: r.justification,
    approvedBy,
    escalated: approval.escalated,
    requestId: r.id,
    label: `REQ-${r.number}`,
  });
  await tx.update(accessRequests).set({ accessEndsAt: extended.expiresAt }).where(eq(accessRequests.id, r.id));
  return extended;
}
