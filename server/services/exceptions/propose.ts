import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { checkExceptionWindow, nextExtensionApproval } from "@/server/core/exceptions";
import { exceptionRestrictionProblems } from "@/server/core/exceptions/restrictions";
import type { ExceptionType, References, Restrictions } from "@/server/core/exceptions/types";
import { isActiveStatus } from "@/server/core/identity/status";
import { resolveApprovers } from "@/server/core/requests/approvers";
import {
  describeProposal,
  proposalActionLabels,
  proposalDefinition,
  proposedMinutes,
  type Proposal,
} from "@/server/core/requests/proposal";
import { formatDuration, templateDefinitionSchema, type TemplateDefinition } from "@/server/core/requests/template";
import type { DbOrTx, Tx } from "@/server/db/client";
import {
  accessExceptions,
  accessRequests,
  approverGroupMembers,
  identities,
  requestMessages,
  requestTemplates,
  resources,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";
import { assessGrants } from "../requests/assess";
import { loadApproverContext, parseTemplate } from "../requests/context";
import { notifyPeople } from "../requests/notify";
import { endOfGivenDay, organizationTimeZone } from "../time-zones";
import { openStage } from "../requests/stages";
import { typeSettingsOf } from "./settings";

type Ctx = PersonContext;
type Person = typeof identities.$inferSelect;

/** The one built-in form every proposal is filed under; each proposal carries its own terms. */
export const PROPOSAL_TEMPLATE_KEY = "it-proposal";
const placeholderDefinition: TemplateDefinition = templateDefinitionSchema.parse({
  // Never used to decide anything (definitionForRequest reads the proposal's terms); it only
  // has to be a valid definition for the row to load like any other form.
  grants: [{ resource: "clearance:proposal:terms-on-each-request", level: null }],
  durations: [60],
  maxDurationMinutes: 60,
  startMode: "on_approval",
  stages: [
    {
      name: "Named approver",
      approvers: [{ kind: "manager" }],
      threshold: { kind: "any" },
      notify: { policy: "all", count: 1 },
      escalation: null,
    },
  ],
});

async function proposalTemplate(tx: Tx) {
  const now = new Date(0);
  await tx
    .insert(requestTemplates)
    .values({
      key: PROPOSAL_TEMPLATE_KEY,
      name: "Proposed by IT",
      description: "Access an IT admin proposed for someone; the approver they named decides it.",
      definition: placeholderDefinition,
      active: false,
      origin: "proposal",
      createdAt: now,
      updatedAt: now,
      updatedBy: "system:clearance",
    })
    .onConflictDoNothing();
  const [row] = await tx
    .select()
    .from(requestTemplates)
    .where(and(eq(requestTemplates.key, PROPOSAL_TEMPLATE_KEY), eq(requestTemplates.origin, "proposal")));
  // Only a form saved before the key was reserved could hold it.
  if (!row)
    throw new DomainError(
      "PRECONDITION_FAILED",
      `A request form uses the key "${PROPOSAL_TEMPLATE_KEY}", which proposals need: rename that form`,
      { field: "resource" },
    );
  return parseTemplate(row);
}

/** The person the access is for: not the proposer (nobody proposes for themselves), and Active. */
async function subjectOf(db: DbOrTx, ctx: Ctx, identityId: string, field: string): Promise<Person> {
  const [person] = await db.select().from(identities).where(eq(identities.id, identityId));
  if (!person) throw new DomainError("NOT_FOUND", "No such person", { field });
  if (person.id === ctx.actor.identityId) {
    throw new DomainError(
      "FORBIDDEN",
      "Nobody records access for themselves: ask for it through a request form like anyone else",
      { field },
    );
  }
  if (!isActiveStatus(person.employmentStatus))
    throw new DomainError(
      "PRECONDITION_FAILED",
      `${person.displayName} is not Active: nobody who is not Active gets access`,
      { field },
    );
  return person;
}

/** The approver IT names: an Active person other than the one it is for and the proposer. */
async function approverOf(db: DbOrTx, ctx: Ctx, person: Person, email: string, field: string): Promise<Person> {
  const [approver] = await db
    .select()
    .from(identities)
    .where(sql`lower(${identities.email}) = ${email.trim().toLowerCase()}`);
  if (!approver || !isActiveStatus(approver.employmentStatus))
    throw new DomainError("INVALID_INPUT", `${email} is not an Active person who can approve`, { field });
  if (approver.id === person.id)
    throw new DomainError("INVALID_INPUT", "Nobody approves their own exception", { field });
  if (approver.id === ctx.actor.identityId)
    throw new DomainError("INVALID_INPUT", "Nobody approves what they propose: name the person who should decide", {
      field,
    });
  return approver;
}

function checkJustification(text: string, field = "justification") {
  const justification = text.trim();
  if (justification.length < 10)
    throw new DomainError("INVALID_INPUT", "Give a justification of at least 10 characters", { field });
  return justification;
}

/**
 * Files a proposal in the caller's transaction: a request for `person` under the proposal's own
 * terms, proposed by the IT admin, whose one stage is the named approver (or their delegate while
 * they are away). The approver is told; so is the person it is for.
 */
async function openProposal(
  tx: Tx,
  ctx: Ctx,
  p: {
    person: Person;
    proposal: Proposal;
    justification: string;
    ticketReference: string | null;
    approverField: string;
  },
) {
  const now = ctx.clock();
  const template = await proposalTemplate(tx);
  const minutes = proposedMinutes(p.proposal, now);
  const def = proposalDefinition(p.proposal, minutes);
  const approverContext = await loadApproverContext(tx, p.person.id, def, now, ctx.actor.identityId);
  if (resolveApprovers(def.stages[0]!, approverContext).length === 0) {
    throw new DomainError(
      "INVALID_INPUT",
      `${p.proposal.approverEmail} cannot decide this (they stand in for you or for ${p.person.displayName} while away)`,
      { field: p.approverField },
    );
  }
  const assessment = await assessGrants(tx, p.person.id, def.grants, now);
  if (p.proposal.action === "grant" && assessment.overall === "denied") {
    const policies = assessment.grants.flatMap((g) => (g.status === "denied" ? g.denyPolicies : []));
    throw new DomainError(
      "FORBIDDEN",
      `Policy refuses this access: ${[...new Set(policies)].join(", ")} (a deny policy beats any exception)`,
      { field: "resource" },
    );
  }
  if (p.proposal.action === "grant" && assessment.overall === "covered") {
    const via = assessment.grants.flatMap((g) => (g.status === "covered" ? [g.via[0]!] : []));
    throw new DomainError(
      "CONFLICT",
      `${p.person.displayName} already has this through ${[...new Set(via)].join(", ")}`,
      { field: "resource" },
    );
  }
  let request: typeof accessRequests.$inferSelect;
  try {
    [request] = await tx
      .insert(accessRequests)
      .values({
        templateId: template.id,
        requesterId: p.person.id,
        proposedBy: ctx.actor.identityId,
        proposal: p.proposal,
        kind: p.proposal.action === "extend" ? "extension" : "access",
        status: "pending",
        justification: p.justification,
        durationMinutes: minutes,
        requestedStart: p.proposal.action === "grant" ? new Date(p.proposal.startsAt) : null,
        fields: {},
        ticketReference: p.ticketReference,
        assessment,
        currentStage: 0,
        stageStartedAt: now,
        createdAt: now,
      })
      .returning()
      .then((rows) => rows as [typeof accessRequests.$inferSelect]);
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === "23505") {
      throw new DomainError(
        "CONFLICT",
        `There is already an open proposal of ${p.proposal.resource} for ${p.person.displayName}: see their requests`,
        { field: "resource" },
      );
    }
    throw err;
  }
  const what = describeProposal(p.proposal, await organizationTimeZone(tx));
  await tx.insert(requestMessages).values({
    requestId: request.id,
    authorId: ctx.actor.identityId,
    kind: "event",
    body: `Proposed by ${ctx.actor.displayName} (IT): ${proposalActionLabels[p.proposal.action]}, ${what}.`,
    createdAt: now,
  });
  await recordAuditEvent(tx, ctx, {
    action: "request.proposed",
    subjectType: "access_request",
    subjectId: request.id,
    after: {
      request: `REQ-${request.number}`,
      person: p.person.id,
      action: p.proposal.action,
      resource: p.proposal.resource,
      type: p.proposal.type,
      approver: p.proposal.approverEmail,
      terms: what,
    },
    reason: p.justification,
  });
  const label = {
    id: request.id,
    number: request.number,
    requesterName: p.person.displayName,
    templateName: `${proposalActionLabels[p.proposal.action]} (proposed by IT)`,
  };
  await openStage(tx, { request: label, template, def, stage: 0, approverContext, now, random: Math.random });
  await notifyPeople(
    tx,
    [p.person.id],
    {
      kind: "request_progress",
      title: `REQ-${request.number}: IT proposed access for you`,
      body: `${ctx.actor.displayName} proposed ${what} for you; it starts only if ${p.proposal.approverEmail} approves.`,
      link: `/requests/${request.id}`,
      requestId: request.id,
    },
    now,
  );
  return request;
}

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
