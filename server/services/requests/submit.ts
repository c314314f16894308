import { and, eq, gt, inArray, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { resolveApprovers } from "@/server/core/requests/approvers";
import { approvalsNeeded } from "@/server/core/requests/decision";
import { validateRequestInput, type RequestInput } from "@/server/core/requests/request-input";
import { formatDuration, type TemplateDefinition } from "@/server/core/requests/template";
import { restrictionsForRequest } from "@/server/core/requests/template-rules";
import { isNeverExtended } from "@/server/core/exceptions/patterns";
import type { Tx } from "@/server/db/client";
import {
  accessRequests,
  approverGroupMembers,
  identities,
  identityAttributeChanges,
  requestMessages,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";
import { assessGrants } from "./assess";
import { definitionForRequest, loadApproverContext, loadTemplate } from "./context";
import { extensionApprovalStages, heldException } from "../exceptions/extend";
import { grantBlocks } from "./decide";
import { finishGranting } from "./granting";
import { handOffToProvisioning } from "./handoff";
import { notifyPeople } from "./notify";
import { openStage } from "./stages";
import { refuseUnrequestable } from "../resources/requestable";

type Ctx = PersonContext;

const UNIQUE_VIOLATION = "23505";

/**
 * Asks for access with a template (seed 003): checked against the template, against policy
 * (refused when a deny policy says no, pointless when policy already gives it), one open
 * request per person per template (the database enforces it). The first stage's approvers are
 * recorded and told; an auto-approval rule may approve at once, saying why.
 */
export async function submitRequest({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: RequestInput & { templateKey: string; extension?: boolean; ipAllowList?: string[] };
}) {
  const template = await loadTemplate(ctx.db, { key: input.templateKey });
  if (!template || !template.active)
    throw new DomainError("NOT_FOUND", `There is no request form "${input.templateKey}"`, { field: "templateKey" });
  const templateDef = template.definition;
  const now = ctx.clock();
  const requesterId = ctx.actor.identityId;

  if (!input.extension) await refuseUnrequestable(ctx.db, templateDef.grants);

  const checked = validateRequestInput(templateDef, input, now);
  if (!checked.ok) {
    throw new DomainError("INVALID_INPUT", checked.problems.map((p) => p.message).join("; "), {
      field: checked.problems[0]!.field,
    });
  }
  // Vendor restrictions are asked for with the access; an extension keeps the exception's own.
  const restricted = input.extension
    ? ({ ok: true, restrictions: null } as const)
    : restrictionsForRequest(templateDef, input.ipAllowList);
  if (!restricted.ok)
    throw new DomainError("INVALID_INPUT", restricted.problems.map((p) => p.message).join("; "), {
      field: restricted.problems[0]!.field,
    });

  const assessment = await assessGrants(ctx.db, requesterId, templateDef.grants, now);
  if (assessment.overall === "denied") {
    const policies = [...new Set(assessment.grants.flatMap((g) => (g.status === "denied" ? g.denyPolicies : [])))];
    throw new DomainError(
      "FORBIDDEN",
      `Policy refuses this access: ${policies.join(", ")} (a deny policy beats any request)`,
      { field: "templateKey" },
    );
  }
  if (assessment.overall === "covered") {
    const via = assessment.grants.flatMap((g) => (g.status === "covered" ? [g.via[0]!] : []));
    throw new DomainError(
      "CONFLICT",
      `You already have this through ${[...new Set(via)].join(", ")}: there is nothing to ask for`,
      { field: "templateKey" },
    );
  }

  const held = await heldUntil(ctx, template.id, requesterId, now);
  if (held && !input.extension) {
    const then = isNeverExtended(templateDef.exceptionType)
      ? "it cannot be extended: ask again once it ends"
      : "ask for an extension instead";
    throw new DomainError(
      "CONFLICT",
      `You already hold this until ${held.accessEndsAt!.toISOString().slice(0, 10)} (REQ-${held.number}): ${then}`,
      { field: "extension" },
    );
  }
  if (!held && input.extension)
    throw new DomainError("INVALID_INPUT", "There is nothing of yours to extend", { field: "extension" });

  // An extension past the second goes to the exception type's escalated approvers (invariant 9).
  const exception = input.extension ? await heldException(ctx.db, requesterId, template.id) : null;
  const approvalStages = exception ? await extensionApprovalStages(ctx.db, exception) : null;
  const def = definitionForRequest(templateDef, {
    approvalStages,
    proposal: null,
    durationMinutes: input.durationMinutes,
  });
  const approverContext = await loadApproverContext(ctx.db, requesterId, def, now);
  def.stages.forEach((stage, i) => {
    const possible = resolveApprovers(stage, approverContext).length;
    if (possible < approvalsNeeded(stage)) {
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Stage ${i + 1} (${stage.name}) needs ${approvalsNeeded(stage)} approval${approvalsNeeded(stage) === 1 ? "" : "s"} but only ${possible} person${possible === 1 ? "" : "s"} can approve for you: ask IT to fix the form`,
        { field: "templateKey" },
      );
    }
  });
  const autoReason = approvalStages ? null : await autoApprovalReason(ctx, def, requesterId, assessment.overall, now);

  let submitted;
  try {
    submitted = await ctx.db.transaction(async (tx) => {
      const [request] = await tx
        .insert(accessRequests)
        .values({
          templateId: template.id,
          requesterId,
          kind: input.extension ? "extension" : "access",
          extendsRequestId: held?.id ?? null,
          status: "pending",
          justification: input.justification.trim(),
          durationMinutes: input.durationMinutes,
          // An extension continues from the end of the access it extends.
          requestedStart: input.extension && held ? held.accessEndsAt : input.requestedStart,
          fields: checked.fields,
          ticketReference: input.ticketReference?.trim() || null,
          restrictions: restricted.restrictions,
          assessment,
          approvalStages,
          currentStage: 0,
          stageStartedAt: now,
          createdAt: now,
        })
        .returning();
      const r = request!;
      const label = { id: r.id, number: r.number, requesterName: ctx.actor.displayName, templateName: template.name };
      await tx.insert(requestMessages).values({
        requestId: r.id,
        authorId: null,
        kind: "event",
        body: `Asked for ${formatDuration(r.durationMinutes)}${input.extension ? " more (an extension)" : ""}.`,
        createdAt: now,
      });
      await recordAuditEvent(tx, ctx, {
        action: "request.submitted",
        subjectType: "access_request",
        subjectId: r.id,
        after: {
          request: `REQ-${r.number}`,
          template: template.key,
          kind: r.kind,
          durationMinutes: r.durationMinutes,
          assessment: assessment.overall,
          ...(restricted.restrictions ? { restrictions: restricted.restrictions } : {}),
        },
        reason: r.justification,
      });
      if (autoReason) {
        const { approved, claims } = await approveAtOnce(tx, ctx, r, def, autoReason, now);
        return { ...approved, autoApproved: autoReason, claims };
      }
      await openStage(tx, { request: label, template, def, stage: 0, approverContext, now, random: Math.random });
      return { ...r, autoApproved: null, claims: null };
    });
  } catch (err) {
    if (
      (err as { cause?: { code?: string }; code?: string }).cause?.code === UNIQUE_VIOLATION ||
      (err as { code?: string }).code === UNIQUE_VIOLATION
    ) {
      const [open] = await ctx.db
        .select({ id: accessRequests.id, number: accessRequests.number })
        .from(accessRequests)
        .where(
          and(
            eq(accessRequests.requesterId, requesterId),
            eq(accessRequests.templateId, template.id),
            inArray(accessRequests.status, ["pending", "needs_info", "granting"]),
          ),
        );
      throw new DomainError(
        "CONFLICT",
        `You already have an open request for this: REQ-${open?.number} (/requests/${open?.id})`,
        { field: "templateKey" },
      );
    }
    throw err;
  }
  const { claims, ...request } = submitted;
  if (!claims) return request;
  // Failure mode "block": auto-approved as "granting"; the system is called now, outside the transaction.
  return { ...(await finishGranting(ctx, request.id, claims)), autoApproved: request.autoApproved };
}

/** An approved request of this person for this template whose access has not ended. */
async function heldUntil(ctx: Ctx, templateId: string, requesterId: string, now: Date) {
  const [row] = await ctx.db
    .select()
    .from(accessRequests)
    .where(
      and(
        eq(accessRequests.templateId, templateId),
        eq(accessRequests.requesterId, requesterId),
        eq(accessRequests.status, "approved"),
        gt(accessRequests.accessEndsAt, now),
      ),
    )
    .orderBy(sql`${accessRequests.accessEndsAt} desc`)
    .limit(1);
  return row ?? null;
}

/** Why an auto-approval rule approves this request, or null. Never for access outside policy unless the template says so. */
async function autoApprovalReason(
  ctx: Ctx,
  def: TemplateDefinition,
  requesterId: string,
  overall: "outside" | "covered",
  now: Date,
): Promise<string | null> {
  if (def.autoApproval.length === 0) return null;
  if (overall === "outside" && !def.autoApproveOutsidePolicy) return null;
  for (const rule of def.autoApproval) {
    if (rule.kind === "requester_in_group") {
      const [member] = await ctx.db
        .select()
        .from(approverGroupMembers)
        .where(and(eq(approverGroupMembers.groupKey, rule.group), eq(approverGroupMembers.identityId, requesterId)));
      if (member) return `Auto-approved: the requester is in the ${rule.group} group`;
    } else {
      const since = new Date(now.getTime() - rule.withinDays * 86_400_000);
      const [change] = await ctx.db
        .select()
        .from(identityAttributeChanges)
        .where(
          and(
            eq(identityAttributeChanges.identityId, requesterId),
            inArray(identityAttributeChanges.attribute, ["job_title", "department"]),
            gt(identityAttributeChanges.effectiveAt, since),
          ),
        )
        .orderBy(sql`${identityAttributeChanges.effectiveAt} desc`)
        .limit(1);
      if (change) {
        return `Auto-approved: role transition (${change.attribute} changed from ${String(change.oldValue)} on ${change.effectiveAt.toISOString().slice(0, 10)}, within the ${rule.withinDays}-day overlap)`;
      }
    }
  }
  return null;
}

/**
 * An auto-approval rule approves at once. With failure mode "block" the request is "granting"
 * until the system has answered (claims: what the caller carries out once this commits; a refusal
 * closes the request, grant-settle.ts); claims null otherwise.
 */
async function approveAtOnce(
  tx: Tx,
  ctx: Ctx,
  r: typeof accessRequests.$inferSelect,
  def: TemplateDefinition,
  reason: string,
  now: Date,
) {
  const starts = r.requestedStart && r.requestedStart > now ? r.requestedStart : now;
  const blocking = grantBlocks(def, r, starts, now);
  const [approved] = await tx
    .update(accessRequests)
    .set({
      status: blocking ? "granting" : "approved",
      decidedAt: now,
      decidedBy: "system:auto-approval",
      decisionNote: reason,
      autoApprovedBecause: reason,
      accessStartsAt: starts,
      accessEndsAt: new Date(starts.getTime() + r.durationMinutes * 60_000),
    })
    .where(eq(accessRequests.id, r.id))
    .returning();
  await tx
    .insert(requestMessages)
    .values({ requestId: r.id, authorId: null, kind: "event", body: reason, createdAt: now });
  await recordAuditEvent(tx, ctx, {
    action: "request.auto_approved",
    subjectType: "access_request",
    subjectId: r.id,
    before: { status: "pending" },
    after: { status: approved!.status },
    reason,
  });
  const { claims } = await handOffToProvisioning(tx, ctx, r);
  // Told once the system has answered (grant-settle.ts).
  if (blocking) return { approved: approved!, claims };
  const [requester] = await tx.select({ id: identities.id }).from(identities).where(eq(identities.id, r.requesterId));
  await notifyPeople(
    tx,
    [requester!.id],
    {
      kind: "request_decided",
      title: `REQ-${r.number} approved`,
      body: reason,
      link: `/requests/${r.id}`,
      requestId: r.id,
    },
    now,
  );
  return { approved: approved!, claims: null };
}
