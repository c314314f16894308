import { and, asc, count, desc, eq, ilike, inArray, ne, or, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/server/core/errors";
import { principalOf, refusalToDecide, resolveApprovers } from "@/server/core/requests/approvers";
import { refusalToVote } from "@/server/core/requests/decision";
import { proposalSchema, proposalWindow } from "@/server/core/requests/proposal";
import { formatDuration } from "@/server/core/requests/template";
import { containsPattern } from "@/server/db/like";
import {
  accessRequests,
  auditEvents,
  identities,
  requestApprovers,
  requestMessages,
  requestTemplates,
  requestVotes,
} from "@/server/db/schema";
import type { PersonContext, ServiceContext } from "../context";
import { getIdentity } from "../identities";
import { expectedAccessOf } from "../policies";
import { assessGrants } from "./assess";
import { activeDelegations, definitionForRequest, loadApproverContext, loadTemplate, parseTemplate } from "./context";
import { canSeeRequest } from "./thread";
import { organizationTimeZone } from "../time-zones";

type Ctx = PersonContext;

/** The request catalog: active templates, searchable by name, description and resource. */
export async function listCatalog({ ctx, input }: { ctx: ServiceContext; input: { search?: string } }) {
  const term = input.search?.trim();
  const rows = await ctx.db
    .select()
    .from(requestTemplates)
    .where(
      and(
        eq(requestTemplates.active, true),
        // Forms made for a prompt-for-request fallback open from "ask for a resource", not the catalog.
        eq(requestTemplates.origin, "catalog"),
        term
          ? or(
              ilike(requestTemplates.name, containsPattern(term)),
              ilike(requestTemplates.description, containsPattern(term)),
              sql`${requestTemplates.definition}::text ilike ${containsPattern(term)}`,
            )
          : undefined,
      ),
    )
    .orderBy(asc(requestTemplates.name));
  return rows.map(parseTemplate).map((t) => ({
    key: t.key,
    name: t.name,
    description: t.description,
    grants: t.definition.grants,
    durations: t.definition.durations.map(formatDuration),
    stages: t.definition.stages.length,
  }));
}

/** What the request form shows: the template, where policy stands for this person, who approves, and any open or held request. */
export async function requestForm({ ctx, input }: { ctx: Ctx; input: { templateKey: string } }) {
  const template = await loadTemplate(ctx.db, { key: input.templateKey });
  if (!template || !template.active)
    throw new DomainError("NOT_FOUND", `There is no request form "${input.templateKey}"`, { field: "templateKey" });
  const now = ctx.clock();
  const def = template.definition;
  const [assessment, approverContext, openRows, heldRows] = await Promise.all([
    assessGrants(ctx.db, ctx.actor.identityId, def.grants, now),
    loadApproverContext(ctx.db, ctx.actor.identityId, def, now),
    ctx.db
      .select({ id: accessRequests.id, number: accessRequests.number, status: accessRequests.status })
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.requesterId, ctx.actor.identityId),
          eq(accessRequests.templateId, template.id),
          inArray(accessRequests.status, ["pending", "needs_info"]),
        ),
      ),
    ctx.db
      .select({ id: accessRequests.id, number: accessRequests.number, accessEndsAt: accessRequests.accessEndsAt })
      .from(accessRequests)
      .where(
        and(
          eq(accessRequests.requesterId, ctx.actor.identityId),
          eq(accessRequests.templateId, template.id),
          eq(accessRequests.status, "approved"),
          sql`${accessRequests.accessEndsAt} > ${now}`,
        ),
      ),
  ]);
  const approverIds = def.stages.map((s) => resolveApprovers(s, approverContext));
  const names = await namesOf(
    ctx,
    approverIds.flat().map((a) => a.identityId),
  );
  return {
    key: template.key,
    name: template.name,
    description: template.description,
    definition: def,
    durations: def.durations.map((m) => ({ minutes: m, label: formatDuration(m) })),
    assessment,
    stages: def.stages.map((s, i) => ({
      name: s.name,
      threshold: s.threshold,
      approvers: approverIds[i]!.map((a) => ({ ...names.get(a.identityId)!, via: a.via })),
    })),
    open: openRows[0] ?? null,
    held: heldRows[0] ?? null,
  };
}

async function namesOf(ctx: ServiceContext, ids: string[]) {
  const rows = ids.length
    ? await ctx.db
        .select({ id: identities.id, displayName: identities.displayName, email: identities.email })
        .from(identities)
        .where(inArray(identities.id, [...new Set(ids)]))
    : [];
  return new Map(rows.map((r) => [r.id, r]));
}

export const requester = alias(identities, "requester");
export const proposer = alias(identities, "proposer");

export function requestColumns() {
  return {
    id: accessRequests.id,
    number: accessRequests.number,
    status: accessRequests.status,
    kind: accessRequests.kind,
    createdAt: accessRequests.createdAt,
    decidedAt: accessRequests.decidedAt,
    durationMinutes: accessRequests.durationMinutes,
    accessEndsAt: accessRequests.accessEndsAt,
    currentStage: accessRequests.currentStage,
    templateName: requestTemplates.name,
    templateKey: requestTemplates.key,
    requesterName: requester.displayName,
    requesterEmail: requester.email,
    requesterTitle: requester.jobTitle,
    requesterDepartment: requester.department,
    assessment: accessRequests.assessment,
    /** the IT admin who proposed it, for a proposal (the query left-joins `proposer`) */
    proposerName: proposer.displayName,
    proposal: accessRequests.proposal,
  };
}

/** The signed-in person's requests, newest first. */
export async function listMyRequests({ ctx, input }: { ctx: Ctx; input: { page: number; pageSize: number } }) {
  const where = eq(accessRequests.requesterId, ctx.actor.identityId);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select(requestColumns())
      .from(accessRequests)
      .innerJoin(requestTemplates, eq(requestTemplates.id, accessRequests.templateId))
      .innerJoin(requester, eq(requester.id, accessRequests.requesterId))
      .leftJoin(proposer, eq(proposer.id, accessRequests.proposedBy))
      .where(where)
      .orderBy(desc(accessRequests.createdAt))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(accessRequests).where(where),
  ]);
  return {
    rows: rows.map(withDuration(await organizationTimeZone(ctx.db))),
    total: total?.n ?? 0,
    page: input.page,
    pageSize: input.pageSize,
  };
}

/** A row's duration in words; a proposal's is its own window ("until 2026-12-20", a day in the organization's zone). */
export const withDuration =
  (zone: string) =>
  <T extends { durationMinutes: number; proposal: unknown }>(r: T) => ({
    ...r,
    duration: r.proposal ? proposalWindow(proposalSchema.parse(r.proposal), zone) : formatDuration(r.durationMinutes),
  });

/** Everything about one request the viewer may see, and what the viewer may do with it. */
export async function getRequest({ ctx, input }: { ctx: Ctx; input: { requestId: string } }) {
  const [row] = await ctx.db
    .select({ request: accessRequests, template: requestTemplates })
    .from(accessRequests)
    .innerJoin(requestTemplates, eq(requestTemplates.id, accessRequests.templateId))
    .where(eq(accessRequests.id, input.requestId));
  if (!row) throw new DomainError("NOT_FOUND", "There is no such request", { field: "requestId" });
  const r = row.request;
  if (!(await canSeeRequest(ctx.db, ctx.actor, r)))
    throw new DomainError("FORBIDDEN", "Only the requester, the approvers, IT admins and auditors see a request", {
      field: "requestId",
    });
  const template = parseTemplate(row.template);
  const author = alias(identities, "author");
  const proposal = r.proposal ? proposalSchema.parse(r.proposal) : null;
  const [person, approvers, votes, messages, timeline, policyAccess, temporary, similar, delegationsNow, proposerRow] =
    await Promise.all([
      getIdentity({ ctx, input: { id: r.requesterId } }),
      ctx.db
        .select({
          stage: requestApprovers.stage,
          identityId: requestApprovers.identityId,
          via: requestApprovers.via,
          notifiedAt: requestApprovers.notifiedAt,
          displayName: identities.displayName,
          email: identities.email,
        })
        .from(requestApprovers)
        .innerJoin(identities, eq(identities.id, requestApprovers.identityId))
        .where(eq(requestApprovers.requestId, r.id))
        .orderBy(requestApprovers.stage, identities.displayName),
      ctx.db.select().from(requestVotes).where(eq(requestVotes.requestId, r.id)),
      ctx.db
        .select({
          id: requestMessages.id,
          kind: requestMessages.kind,
          body: requestMessages.body,
          createdAt: requestMessages.createdAt,
          authorName: author.displayName,
          authorId: requestMessages.authorId,
        })
        .from(requestMessages)
        .leftJoin(author, eq(author.id, requestMessages.authorId))
        .where(eq(requestMessages.requestId, r.id))
        .orderBy(asc(requestMessages.id)),
      ctx.db
        .select({
          id: auditEvents.id,
          action: auditEvents.action,
          actorLabel: auditEvents.actorLabel,
          occurredAt: auditEvents.occurredAt,
          reason: auditEvents.reason,
        })
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectType, "access_request"), eq(auditEvents.subjectId, r.id)))
        .orderBy(asc(auditEvents.id)),
      expectedAccessOf({ ctx, input: { identityId: r.requesterId } }),
      ctx.db
        .select({
          id: accessRequests.id,
          number: accessRequests.number,
          templateName: requestTemplates.name,
          accessEndsAt: accessRequests.accessEndsAt,
        })
        .from(accessRequests)
        .innerJoin(requestTemplates, eq(requestTemplates.id, accessRequests.templateId))
        .where(
          and(
            eq(accessRequests.requesterId, r.requesterId),
            eq(accessRequests.status, "approved"),
            sql`${accessRequests.accessEndsAt} > ${ctx.clock()}`,
          ),
        ),
      ctx.db
        .select(requestColumns())
        .from(accessRequests)
        .innerJoin(requestTemplates, eq(requestTemplates.id, accessRequests.templateId))
        .innerJoin(requester, eq(requester.id, accessRequests.requesterId))
        .leftJoin(proposer, eq(proposer.id, accessRequests.proposedBy))
        .where(
          and(
            eq(accessRequests.templateId, r.templateId),
            ne(accessRequests.id, r.id),
            inArray(accessRequests.status, ["approved", "denied", "expired", "cancelled"]),
            // Proposals share one form: similar ones are about the same resource.
            proposal ? sql`${accessRequests.proposal} ->> 'resource' = ${proposal.resource}` : undefined,
          ),
        )
        .orderBy(desc(accessRequests.createdAt))
        .limit(8),
      activeDelegations(ctx.db, ctx.clock()),
      r.proposedBy
        ? ctx.db
            .select({ id: identities.id, displayName: identities.displayName, email: identities.email })
            .from(identities)
            .where(eq(identities.id, r.proposedBy))
        : [],
    ]);
  const def = definitionForRequest(template.definition, r);
  const open = r.status === "pending" || r.status === "needs_info";
  const me = ctx.actor.identityId;
  // The same rules as deciding: the button shows only when a decision would be accepted.
  const stageApprovers = approvers.filter((a) => a.stage === r.currentStage);
  const mine = stageApprovers.find((a) => a.identityId === me);
  const refusal =
    refusalToDecide(me, r, stageApprovers, {
      people: new Map([[me, { active: true }]]),
      delegations: delegationsNow,
    }) ??
    refusalToVote(
      me,
      mine ? principalOf(mine) : me,
      votes.filter((v) => v.stage === r.currentStage) as {
        identityId: string;
        principalId: string;
        decision: "approve" | "deny";
      }[],
    );
  const asker = r.requesterId === me || r.proposedBy === me;
  return {
    request: { ...r, duration: formatDuration(r.durationMinutes) },
    proposal: proposal ? { ...proposal, proposer: proposerRow[0] ?? null } : null,
    template: {
      key: template.key,
      name: template.name,
      grants: def.grants,
      fields: def.fields,
      stageCount: def.stages.length,
    },
    requester: person,
    stages: def.stages.map((s, i) => ({
      name: s.name,
      threshold: s.threshold,
      state:
        i < r.currentStage || (i === r.currentStage && r.status === "approved")
          ? "done"
          : i === r.currentStage && open
            ? "current"
            : i === r.currentStage
              ? r.status
              : "later",
      approvers: approvers
        .filter((a) => a.stage === i)
        .map((a) => ({ ...a, vote: votes.find((v) => v.stage === i && v.identityId === a.identityId) ?? null })),
    })),
    messages,
    timeline,
    currentAccess: { policy: policyAccess.grants, matchedPolicies: policyAccess.matchedPolicies, temporary },
    // Other people's requests are context for deciders, not for the requester.
    similar:
      r.requesterId === ctx.actor.identityId ? [] : similar.map(withDuration(await organizationTimeZone(ctx.db))),
    viewer: {
      canDecide: open && refusal === null,
      canCancel: open && asker,
      canPost: asker || approvers.some((a) => a.identityId === me),
      isRequester: r.requesterId === ctx.actor.identityId,
      /** the one who answers questions: the requester, or the IT admin who proposed it */
      isAsker: r.proposedBy ? r.proposedBy === me : r.requesterId === me,
    },
  };
}
