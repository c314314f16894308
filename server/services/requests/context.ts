import { and, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import { isActiveStatus } from "@/server/core/identity/status";
import type { ApproverContext } from "@/server/core/requests/approvers";
import { z } from "zod";
import { proposalDefinition, proposalSchema } from "@/server/core/requests/proposal";
import { stageSchema, templateDefinitionSchema, type TemplateDefinition } from "@/server/core/requests/template";
import type { DbOrTx } from "@/server/db/client";
import {
  approverGroupMembers,
  delegations,
  identities,
  requestTemplates,
  resourceOwners as ownersOfResources,
  resources,
} from "@/server/db/schema";

/** A template row with its definition parsed (rows are written through the same schema). */
export function parseTemplate<T extends { definition: unknown; rotation: unknown }>(
  row: T,
): T & { definition: TemplateDefinition; rotation: number[] } {
  return {
    ...row,
    definition: templateDefinitionSchema.parse(row.definition),
    rotation: Array.isArray(row.rotation) ? (row.rotation as number[]) : [],
  };
}

/**
 * The definition a request is decided under: a proposal's own terms, or the template's with the
 * request's own approval stages when it has them (an escalated extension).
 */
export function definitionForRequest(
  def: TemplateDefinition,
  request: { approvalStages: unknown; proposal: unknown; durationMinutes: number },
): TemplateDefinition {
  if (request.proposal) return proposalDefinition(proposalSchema.parse(request.proposal), request.durationMinutes);
  return request.approvalStages ? { ...def, stages: z.array(stageSchema).parse(request.approvalStages) } : def;
}

export async function loadTemplate(db: DbOrTx, by: { id?: string; key?: string }) {
  const [row] = await db
    .select()
    .from(requestTemplates)
    .where(by.id ? eq(requestTemplates.id, by.id) : eq(requestTemplates.key, by.key ?? ""))
    .limit(1);
  return row ? parseTemplate(row) : null;
}

/** Out-of-office delegations in force at `now`. */
export async function activeDelegations(db: DbOrTx, now: Date) {
  return db
    .select({ delegatorId: delegations.delegatorId, delegateId: delegations.delegateId })
    .from(delegations)
    .where(and(lte(delegations.startsAt, now), gt(delegations.endsAt, now), isNull(delegations.endedAt)));
}

/**
 * Everything resolveApprovers needs for one requester and template, loaded in a few queries.
 * `proposerId`: the IT admin who proposed the access, who may not decide it either.
 */
export async function loadApproverContext(
  db: DbOrTx,
  requesterId: string,
  def: TemplateDefinition,
  now: Date,
  proposerId: string | null = null,
): Promise<ApproverContext> {
  const [requester] = await db
    .select({ id: identities.id, managerId: identities.managerId })
    .from(identities)
    .where(eq(identities.id, requesterId));
  const groupKeys = [
    ...new Set(
      def.stages.flatMap((s) => [
        ...s.approvers.flatMap((a) => (a.kind === "group" ? [a.group] : [])),
        ...(s.escalation ? [s.escalation.toGroup] : []),
      ]),
    ),
  ];
  const emails = [
    ...new Set(
      def.stages.flatMap((s) => s.approvers.flatMap((a) => (a.kind === "person" ? [a.email.toLowerCase()] : []))),
    ),
  ];
  const [members, named, owners, delegationRows] = await Promise.all([
    groupKeys.length
      ? db
          .select()
          .from(approverGroupMembers)
          .where(inArray(approverGroupMembers.groupKey, groupKeys))
          .orderBy(approverGroupMembers.position, approverGroupMembers.identityId)
      : [],
    emails.length
      ? db
          .select({ id: identities.id, email: identities.email })
          .from(identities)
          .where(inArray(sql`lower(${identities.email})`, emails))
      : [],
    db
      .select({ ownerId: ownersOfResources.identityId })
      .from(resources)
      .innerJoin(ownersOfResources, eq(ownersOfResources.resourceId, resources.id))
      .where(
        inArray(
          resources.key,
          def.grants.map((g) => g.resource),
        ),
      ),
    activeDelegations(db, now),
  ]);
  const groups = new Map<string, string[]>();
  for (const m of members) groups.set(m.groupKey, [...(groups.get(m.groupKey) ?? []), m.identityId]);
  const resourceOwners = [...new Set(owners.map((o) => o.ownerId))];
  const ids = new Set<string>([
    requesterId,
    ...(requester?.managerId ? [requester.managerId] : []),
    ...members.map((m) => m.identityId),
    ...named.map((n) => n.id),
    ...resourceOwners,
  ]);
  for (const d of delegationRows) ids.add(d.delegateId).add(d.delegatorId);
  const statuses = await db
    .select({ id: identities.id, status: identities.employmentStatus })
    .from(identities)
    .where(inArray(identities.id, [...ids]));
  return {
    requester: { id: requesterId, managerId: requester?.managerId ?? null, proposerId },
    people: new Map(statuses.map((s) => [s.id, { active: isActiveStatus(s.status) }])),
    personByEmail: new Map(named.map((n) => [n.email.toLowerCase(), n.id])),
    groups,
    resourceOwners,
    delegations: delegationRows,
  };
}
