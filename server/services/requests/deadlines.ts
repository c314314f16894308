import { and, eq, inArray } from "drizzle-orm";
import { escalationApprovers, principalOf } from "@/server/core/requests/approvers";
import { escalationDue, pendingExpired, reminderDue } from "@/server/core/requests/deadlines";
import { formatDuration, type TemplateDefinition } from "@/server/core/requests/template";
import type { Tx } from "@/server/db/client";
import {
  accessRequests,
  identities,
  requestApprovers,
  requestMessages,
  requestTemplates,
  requestVotes,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { definitionForRequest, loadApproverContext, parseTemplate } from "./context";
import { notifyPeople } from "./notify";
import { plural } from "@/server/core/text/plural";
import { formatWhen } from "@/server/core/time";

type Request = typeof accessRequests.$inferSelect;
type Template = ReturnType<typeof parseTemplate<typeof requestTemplates.$inferSelect>>;

/**
 * Runs `act` on every open request for which `due` holds, each in its own transaction with the
 * row locked. A row another instance holds is skipped (it is being handled), and `due` is
 * checked again under the lock, so running this on several app instances at once, or twice,
 * does each thing once.
 */
async function forEachDue(
  ctx: ServiceContext,
  due: (def: TemplateDefinition, r: Request, now: Date) => unknown,
  act: (tx: Tx, r: Request, template: Template, now: Date) => Promise<void>,
): Promise<number> {
  const now = ctx.clock();
  const candidates = await ctx.db
    .select({ request: accessRequests, template: requestTemplates })
    .from(accessRequests)
    .innerJoin(requestTemplates, eq(requestTemplates.id, accessRequests.templateId))
    .where(inArray(accessRequests.status, ["pending", "needs_info"]));
  let done = 0;
  for (const c of candidates) {
    const parsed = parseTemplate(c.template);
    const template = { ...parsed, definition: definitionForRequest(parsed.definition, c.request) };
    if (!due(template.definition, c.request, now)) continue;
    const acted = await ctx.db.transaction(async (tx) => {
      const [locked] = await tx
        .select()
        .from(accessRequests)
        .where(eq(accessRequests.id, c.request.id))
        .for("update", { skipLocked: true });
      if (!locked || !due(template.definition, locked, now)) return false;
      await act(tx, locked, template, now);
      return true;
    });
    if (acted) done++;
  }
  return done;
}

const requesterName = async (tx: Tx, r: Request) =>
  (await tx.select({ name: identities.displayName }).from(identities).where(eq(identities.id, r.requesterId)))[0]
    ?.name ?? "Someone";

/** Stages that waited past their escalation window get the escalation group as approvers, who are told. */
export async function escalateOverdueRequests({ ctx }: { ctx: ServiceContext }) {
  return forEachDue(
    ctx,
    (def, r, now) => escalationDue(def, r, now),
    async (tx, r, template, now) => {
      const { toGroup } = escalationDue(template.definition, r, now)!;
      const approverContext = await loadApproverContext(tx, r.requesterId, template.definition, now, r.proposedBy);
      const added = escalationApprovers(toGroup, approverContext);
      if (added.length) {
        await tx
          .insert(requestApprovers)
          .values(added.map((a) => ({ requestId: r.id, stage: r.currentStage, identityId: a.identityId, via: a.via })))
          .onConflictDoNothing();
      }
      await tx.update(accessRequests).set({ escalatedStage: r.currentStage }).where(eq(accessRequests.id, r.id));
      const minutes = template.definition.stages[r.currentStage]!.escalation!.afterMinutes;
      await tx.insert(requestMessages).values({
        requestId: r.id,
        authorId: null,
        kind: "event",
        body: `Escalated to ${toGroup} after ${formatDuration(minutes)} without a decision.`,
        createdAt: now,
      });
      await recordAuditEvent(tx, ctx, {
        action: "request.escalated",
        subjectType: "access_request",
        subjectId: r.id,
        after: { request: `REQ-${r.number}`, stage: r.currentStage, toGroup, approversAdded: added.length },
        reason: `no decision within ${formatDuration(minutes)}`,
      });
      const told = await notifyPeople(
        tx,
        added.map((a) => a.identityId),
        {
          kind: "approval_needed",
          title: `Escalated: REQ-${r.number} from ${await requesterName(tx, r)} waits for a decision`,
          body: `Nobody decided ${template.name} within ${formatDuration(minutes)}, so it comes to ${toGroup}.`,
          link: `/requests/${r.id}`,
          requestId: r.id,
        },
        now,
      );
      if (told.length) {
        await tx
          .update(requestApprovers)
          .set({ notifiedAt: now })
          .where(
            and(
              eq(requestApprovers.requestId, r.id),
              eq(requestApprovers.stage, r.currentStage),
              inArray(requestApprovers.identityId, told),
            ),
          );
      }
    },
  );
}

/** Approvers of a waiting stage who were told and have not voted get a reminder, once per window. */
export async function remindApprovers({ ctx }: { ctx: ServiceContext }) {
  return forEachDue(
    ctx,
    (def, r, now) => reminderDue(def, r, now),
    async (tx, r, template, now) => {
      const [approvers, votes] = await Promise.all([
        tx
          .select()
          .from(requestApprovers)
          .where(and(eq(requestApprovers.requestId, r.id), eq(requestApprovers.stage, r.currentStage))),
        tx
          .select({ identityId: requestVotes.identityId, principalId: requestVotes.principalId })
          .from(requestVotes)
          .where(and(eq(requestVotes.requestId, r.id), eq(requestVotes.stage, r.currentStage))),
      ]);
      // Someone whose vote was cast (by them, or for them by their delegate) is not reminded.
      const voted = new Set(votes.flatMap((v) => [v.identityId, v.principalId]));
      const waiting = approvers
        .filter((a) => a.notifiedAt && !voted.has(a.identityId) && !voted.has(principalOf(a)))
        .map((a) => a.identityId);
      await tx.update(accessRequests).set({ remindedAt: now }).where(eq(accessRequests.id, r.id));
      await recordAuditEvent(tx, ctx, {
        action: "request.reminded",
        subjectType: "access_request",
        subjectId: r.id,
        after: { request: `REQ-${r.number}`, reminded: waiting.length },
      });
      await notifyPeople(
        tx,
        waiting,
        {
          kind: "reminder",
          title: `Reminder: REQ-${r.number} from ${await requesterName(tx, r)} still waits for you`,
          body: (zone) => `${template.name} has waited since ${formatWhen(r.stageStartedAt, zone)}.`,
          link: `/requests/${r.id}`,
          requestId: r.id,
        },
        now,
      );
    },
  );
}

/** Requests nobody decided within the template's pending window expire; the requester and everyone told learn of it. */
export async function expireStaleRequests({ ctx }: { ctx: ServiceContext }) {
  return forEachDue(
    ctx,
    (def, r, now) => pendingExpired(def, r, now),
    async (tx, r, template, now) => {
      const days = template.definition.pendingExpiryDays;
      await tx
        .update(accessRequests)
        .set({ status: "expired", decidedAt: now, decidedBy: "system:pending-expiry" })
        .where(eq(accessRequests.id, r.id));
      await tx.insert(requestMessages).values({
        requestId: r.id,
        authorId: null,
        kind: "event",
        body: `Expired: nobody decided within ${plural(days, "day")}.`,
        createdAt: now,
      });
      await recordAuditEvent(tx, ctx, {
        action: "request.expired",
        subjectType: "access_request",
        subjectId: r.id,
        before: { status: r.status },
        after: { status: "expired" },
        reason: `no decision within ${plural(days, "day")}`,
      });
      const told = await tx
        .select({ id: requestApprovers.identityId, notifiedAt: requestApprovers.notifiedAt })
        .from(requestApprovers)
        .where(eq(requestApprovers.requestId, r.id));
      await notifyPeople(
        tx,
        [r.requesterId, ...(r.proposedBy ? [r.proposedBy] : []), ...told.filter((t) => t.notifiedAt).map((t) => t.id)],
        {
          kind: "request_decided",
          title: `REQ-${r.number} expired`,
          body: `Nobody decided ${template.name} within ${plural(days, "day")}. Ask again if you still need it.`,
          link: `/requests/${r.id}`,
          requestId: r.id,
        },
        now,
      );
    },
  );
}
