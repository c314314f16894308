import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { checkExceptionWindow, nextExtensionApproval } from "@/server/core/exceptions";
import { exceptionRestrictionProblems } from "@/server/core/exceptions/restrictions";
import type { ExceptionType, References, Restrictions } from "@/server/core/exceptions/types";
import { type Proposal } from "@/server/core/requests/proposal";
import { formatDuration } from "@/server/core/requests/template";
import type { Tx } from "@/server/db/client";
import { accessExceptions, accessRequests, approverGroupMembers, resources } from "@/server/db/schema";
import { endOfGivenDay } from "../time-zones";
import { typeSettingsOf } from "./settings";

import { approverOf, checkJustification, openProposal, subjectOf, type Ctx } from "./proposals";

/**
 * IT proposes an exception for someone (seed 000's patterns): what, why, until when, and who
 * should approve. It is access only once that person approves it in their inbox.
 */
export async function proposeException({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: {
    identityId: string;
    resource: string;
    level: string | null;
    type: ExceptionType;
    justification: string;
    references: References;
    restrictions: Restrictions;
    approverEmail: string;
    startsAt?: Date;
    /** A moment, or a day ("2025-01-06") that ends at the end of that day in the organization's zone. */
    expiresAt: Date | string | null;
  };
}) {
  const justification = checkJustification(input.justification);
  const now = ctx.clock();
  const startsAt = input.startsAt && input.startsAt > now ? input.startsAt : now;
  const expiresAt = input.expiresAt === null ? null : await endOfGivenDay(ctx.db, input.expiresAt);
  checkExceptionWindow(input.type, await typeSettingsOf(ctx.db, input.type), startsAt, expiresAt);
  const [restrictionProblem] = exceptionRestrictionProblems(input.type, input.restrictions);
  if (restrictionProblem)
    throw new DomainError("INVALID_INPUT", `${restrictionProblem.field}: ${restrictionProblem.message}`, {
      field: restrictionProblem.field,
    });
  return ctx.db.transaction(async (tx) => {
    const person = await subjectOf(tx, ctx, input.identityId, "identityId");
    const [resource] = await tx.select().from(resources).where(eq(resources.key, input.resource));
    if (!resource)
      throw new DomainError("INVALID_INPUT", `There is no resource ${input.resource}`, { field: "resource" });
    await approverOf(tx, ctx, person, input.approverEmail, "approverEmail");
    const [open] = await tx
      .select({ number: accessExceptions.number })
      .from(accessExceptions)
      .where(
        and(
          eq(accessExceptions.identityId, person.id),
          eq(accessExceptions.resourceKey, input.resource),
          isNull(accessExceptions.endedAt),
        ),
      );
    if (open)
      throw new DomainError(
        "CONFLICT",
        `${person.displayName} already holds this as EXC-${open.number}: extend it instead`,
        { field: "resource" },
      );
    const proposal: Proposal = {
      action: "grant",
      resource: input.resource,
      level: input.level,
      type: input.type,
      approverEmail: input.approverEmail.trim().toLowerCase(),
      references: input.references,
      restrictions: input.restrictions,
      startsAt: startsAt.toISOString(),
      expiresAt: expiresAt!.toISOString(),
    };
    return openProposal(tx, ctx, {
      person,
      proposal,
      justification,
      ticketReference: input.references.ticket ?? null,
      approverField: "approverEmail",
    });
  });
}

/**
 * IT proposes more time on an open exception: the same limits as a holder's extension request
 * (a third and fourth need someone in the type's escalated approver group), decided by the
 * approver IT names.
 */
export async function proposeExtension({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { exceptionId: string; durationMinutes: number; justification: string; approverEmail: string };
}) {
  const justification = checkJustification(input.justification);
  return ctx.db.transaction(async (tx) => {
    const [exception] = await tx.select().from(accessExceptions).where(eq(accessExceptions.id, input.exceptionId));
    if (!exception) throw new DomainError("NOT_FOUND", "There is no such exception", { field: "exceptionId" });
    if (exception.endedAt)
      throw new DomainError("CONFLICT", `EXC-${exception.number} already ended: propose a new one`, {
        field: "exceptionId",
      });
    const settings = await typeSettingsOf(tx, exception.type as ExceptionType);
    const approval = nextExtensionApproval(exception, settings);
    if (input.durationMinutes > settings.maxDurationMinutes) {
      throw new DomainError(
        "INVALID_INPUT",
        `An extension of a ${exception.type.replace("_", " ")} exception is at most ${formatDuration(settings.maxDurationMinutes)}`,
        { field: "durationMinutes" },
      );
    }
    const person = await subjectOf(tx, ctx, exception.identityId, "exceptionId");
    const approver = await approverOf(tx, ctx, person, input.approverEmail, "approverEmail");
    if (approval.escalated) {
      const [member] = await tx
        .select()
        .from(approverGroupMembers)
        .where(
          and(eq(approverGroupMembers.groupKey, approval.group), eq(approverGroupMembers.identityId, approver.id)),
        );
      if (!member)
        throw new DomainError(
          "INVALID_INPUT",
          `Extension ${exception.extensionsUsed + 1} needs the escalated approver: someone in the ${approval.group} group`,
          { field: "approverEmail" },
        );
    }
    const [pending] = await tx
      .select({ number: accessRequests.number })
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.requesterId, person.id),
          inArray(accessRequests.status, ["pending", "needs_info"]),
          sql`${accessRequests.proposal}->>'exceptionId' = ${exception.id}`,
        ),
      );
    if (pending)
      throw new DomainError(
        "CONFLICT",
        `An extension of EXC-${exception.number} is already proposed: REQ-${pending.number}`,
        { field: "exceptionId" },
      );
    const proposal: Proposal = {
      action: "extend",
      resource: exception.resourceKey,
      level: exception.level,
      type: exception.type as ExceptionType,
      approverEmail: approver.email.toLowerCase(),
      exceptionId: exception.id,
      exceptionNumber: exception.number,
      durationMinutes: input.durationMinutes,
      escalated: approval.escalated,
    };
    return openProposal(tx, ctx, {
      person,
      proposal,
      justification,
      ticketReference: null,
      approverField: "approverEmail",
    });
  });
}

/**
 * Drift found access that is in no policy; IT proposes keeping it as an exception, in the
 * caller's transaction. The finding stays open until the approver decides.
 */
export async function proposeKeepingAccess(
  tx: Tx,
  ctx: Ctx,
  f: { id: string; identityId: string; resourceKey: string; actualLevel: string | null },
  e: { type: ExceptionType; expiresAt: Date | string; justification: string; approverEmail: string },
) {
  const justification = checkJustification(e.justification, "exception.justification");
  // Keeping access found in the system carries no restrictions; vendor access needs them (seed 000).
  if (e.type === "vendor")
    throw new DomainError(
      "INVALID_INPUT",
      "Vendor access needs restrictions (MFA or an IP allow list, and a session length): propose it from the exception form",
      { field: "exception.type" },
    );
  const now = ctx.clock();
  const expiresAt = await endOfGivenDay(tx, e.expiresAt);
  checkExceptionWindow(e.type, await typeSettingsOf(tx, e.type), now, expiresAt);
  const person = await subjectOf(tx, ctx, f.identityId, "findingId");
  await approverOf(tx, ctx, person, e.approverEmail, "exception.approverEmail");
  const [open] = await tx
    .select({ number: accessExceptions.number })
    .from(accessExceptions)
    .where(
      and(
        eq(accessExceptions.identityId, person.id),
        eq(accessExceptions.resourceKey, f.resourceKey),
        isNull(accessExceptions.endedAt),
      ),
    );
  if (open)
    throw new DomainError("CONFLICT", `${person.displayName} already holds this as EXC-${open.number}`, {
      field: "findingId",
    });
  const proposal: Proposal = {
    action: "keep",
    resource: f.resourceKey,
    level: f.actualLevel,
    type: e.type,
    approverEmail: e.approverEmail.trim().toLowerCase(),
    findingId: f.id,
    expiresAt: expiresAt.toISOString(),
  };
  return openProposal(tx, ctx, {
    person,
    proposal,
    justification,
    ticketReference: null,
    approverField: "exception.approverEmail",
  });
}
