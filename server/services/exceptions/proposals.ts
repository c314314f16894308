/**
 * What every IT proposal shares (propose.ts): the built-in form they are filed under, who they may be
 * for and who may approve them, and the request that carries one.
 */
import { and, eq, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { isActiveStatus } from "@/server/core/identity/status";
import { resolveApprovers } from "@/server/core/requests/approvers";
import {
  describeProposal,
  proposalActionLabels,
  proposalDefinition,
  proposedMinutes,
  type Proposal,
} from "@/server/core/requests/proposal";
import { templateDefinitionSchema, type TemplateDefinition } from "@/server/core/requests/template";
import type { DbOrTx, Tx } from "@/server/db/client";
import { accessRequests, identities, requestMessages, requestTemplates } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";
import { assessGrants } from "../requests/assess";
import { loadApproverContext, parseTemplate } from "../requests/context";
import { notifyPeople } from "../requests/notify";
import { organizationTimeZone } from "../time-zones";
import { openStage } from "../requests/stages";

export type Ctx = PersonContext;
export type Person = typeof identities.$inferSelect;

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

export async function proposalTemplate(tx: Tx) {
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
export async function subjectOf(db: DbOrTx, ctx: Ctx, identityId: string, field: string): Promise<Person> {
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
export async function approverOf(db: DbOrTx, ctx: Ctx, person: Person, email: string, field: string): Promise<Person> {
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

export function checkJustification(text: string, field = "justification") {
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
export async function openProposal(
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
