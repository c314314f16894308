import { randomUUID } from "node:crypto";
import { actorLabel } from "@/server/core/actor";
import { eq } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { checkExceptionWindow, expiryFor } from "@/server/core/exceptions";
import type { ExceptionType, References, Restrictions, TypeSettings } from "@/server/core/exceptions/types";
import type { Tx } from "@/server/db/client";
import { insertRows } from "@/server/db/insert-rows";
import { accessExceptions, accessRequests, requestTemplates } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { claimOperationNow, queueOperation, type FailureMode } from "../provisioning/operations";
import type { Claim } from "../provisioning/runner";
import { restrictionsOnApproval } from "@/server/core/requests/template-rules";
import { definitionForRequest, parseTemplate } from "../requests/context";
import { NOT_COMPLETED } from "../requests/granting";
import { extendFromRequest } from "./extend";
import { typeSettingsOf } from "./settings";
import { organizationTimeZone } from "../time-zones";

type Exception = typeof accessExceptions.$inferSelect;

interface NewException {
  identityId: string;
  resourceKey: string;
  level: string | null;
  source: "request" | "admin";
  type: ExceptionType;
  justification: string;
  references: References;
  restrictions: Restrictions;
  approverId: string | null;
  approvalRule: string | null;
  approvalNote: string | null;
  approvedAt: Date;
  requestId: string | null;
  templateId: string | null;
  startsAt: Date;
  expiresAt: Date;
  /** who recorded it, when not the actor (a proposal: the IT admin who proposed it) */
  createdBy?: string;
}

/** Inserts an exception (its window checked against its type) and queues its grant, in the caller's transaction. */
export async function insertException(
  tx: Tx,
  ctx: ServiceContext,
  e: NewException,
  onFailure: { mode: FailureMode; maxAttempts: number },
  known?: { type: ExceptionType; settings: TypeSettings },
) {
  const settings = known?.type === e.type ? known.settings : await typeSettingsOf(tx, e.type);
  checkExceptionWindow(e.type, settings, e.startsAt, e.expiresAt);
  const now = ctx.clock();
  const [row] = await tx
    .insert(accessExceptions)
    .values({ ...e, createdBy: e.createdBy ?? actorLabel(ctx.actor), createdAt: now, status: "granting" })
    .returning();
  await recordAuditEvent(tx, ctx, {
    action: "exception.created",
    subjectType: "access_exception",
    subjectId: row!.id,
    after: {
      exception: `EXC-${row!.number}`,
      person: e.identityId,
      resource: e.resourceKey,
      level: e.level,
      type: e.type,
      startsAt: e.startsAt.toISOString(),
      expiresAt: e.expiresAt.toISOString(),
      approver: e.approverId,
      rule: e.approvalRule,
    },
    reason: e.justification,
  });
  const op = await queueOperation(tx, {
    identityId: e.identityId,
    resourceKey: e.resourceKey,
    level: e.level,
    action: "grant",
    exceptionId: row!.id,
    failureMode: onFailure.mode,
    maxAttempts: onFailure.maxAttempts,
    now: e.startsAt > now ? e.startsAt : now,
  });
  return { exception: row!, operation: op };
}

interface InPlace {
  identityId: string;
  resourceKey: string;
  level: string | null;
  source: "admin" | "lifecycle";
  type: ExceptionType;
  justification: string;
  approverId?: string;
  approvalRule?: string;
  approvalNote?: string | null;
  expiresAt: Date;
  requestId?: string;
  createdBy?: string;
  context?: Record<string, unknown>;
}

/** The row of an exception for access in place: nothing to grant, so it is active and delivered from the start. */
const inPlaceRow = (ctx: ServiceContext, now: Date, { context: _, createdBy, ...values }: InPlace) => ({
  ...values,
  approvedAt: now,
  createdBy: createdBy ?? actorLabel(ctx.actor),
  createdAt: now,
  startsAt: now,
  status: "active",
  deliveredAt: now,
});

const inPlaceEvent = (row: { id: string; number: number }, e: InPlace) => ({
  action: "exception.created",
  subjectType: "access_exception",
  subjectId: row.id,
  after: {
    exception: `EXC-${row.number}`,
    person: e.identityId,
    resource: e.resourceKey,
    level: e.level,
    type: e.type,
    expiresAt: e.expiresAt.toISOString(),
    approver: e.approverId ?? null,
    rule: e.approvalRule ?? null,
    ...e.context,
  },
  reason: e.justification,
});

/**
 * An exception for access that is already in place (a transfer's grace period, access drift
 * detection found). With its audit event, in the caller's transaction.
 */
export async function recordExceptionInPlace(tx: Tx, ctx: ServiceContext, e: InPlace): Promise<Exception> {
  const [row] = await tx
    .insert(accessExceptions)
    .values(inPlaceRow(ctx, ctx.clock(), e))
    .returning();
  await recordAuditEvent(tx, ctx, inPlaceEvent(row!, e));
  return row!;
}

/** recordExceptionInPlace for many (a group change's grace periods): one statement; gives their ids in order. */
export async function recordExceptionsInPlace(tx: Tx, ctx: ServiceContext, many: readonly InPlace[]) {
  const now = ctx.clock();
  const rows = many.map((e) => ({ id: randomUUID(), ...inPlaceRow(ctx, now, e) }));
  const numbers = new Map(
    (await insertRows(tx, accessExceptions, rows, ["id", "number"])).map((r) => [r.id, r.number]),
  );
  for (const [i, e] of many.entries())
    await recordAuditEvent(tx, ctx, inPlaceEvent({ id: rows[i]!.id, number: numbers.get(rows[i]!.id)! }, e));
  return rows.map((r) => r.id);
}

/** References from a request's fields, by their usual keys. */
function referencesFrom(fields: Record<string, unknown>, ticket: string | null): References {
  const pick = (...keys: string[]) =>
    keys
      .map((k) => fields[k])
      .find((v): v is string => typeof v === "string" && v.trim() !== "")
      ?.trim();
  const refs: References = {
    project: pick("project", "project_id"),
    incident: pick("incident", "incident_id"),
    contract: pick("contract", "contract_id"),
    vendor: pick("vendor"),
    ticket: ticket ?? undefined,
  };
  return Object.fromEntries(Object.entries(refs).filter(([, v]) => v)) as References;
}

/** A request as its transaction last wrote it, with its template and the organization's zone: read once by the caller. */
export interface KnownRequest {
  request: typeof accessRequests.$inferSelect;
  templateRow: typeof requestTemplates.$inferSelect;
  timeZone: string;
  /** the settings of the template's exception type */
  typeSettings?: { type: ExceptionType; settings: TypeSettings };
}

/**
 * Provisioning's side of the hand-off (issue 4's one call): an approved request becomes an
 * exception per grant with its grant queued, or, for an extension, moves the exception's
 * expiry. With the template's failure mode "block" a grant due now is claimed for the approver's
 * process to call once the approval commits (requests/granting.ts): the request stays "granting"
 * until the system answers, and a refusal undoes the approval (requests/grant-settle.ts). A grant
 * that cannot be tried now (a removal of the same access still to do) refuses the approval at once.
 */
export async function provisionApprovedRequest(
  tx: Tx,
  ctx: ServiceContext,
  requestId: string,
  known?: KnownRequest,
): Promise<{ exceptions: Exception[]; claims: Claim[] }> {
  const request = known?.request ?? (await tx.select().from(accessRequests).where(eq(accessRequests.id, requestId)))[0];
  const templateRow =
    known?.templateRow ??
    (await tx.select().from(requestTemplates).where(eq(requestTemplates.id, request!.templateId)))[0];
  const template = parseTemplate(templateRow!);
  const def = definitionForRequest(template.definition, request!);
  if (request!.kind === "extension") return { exceptions: await extendFromRequest(tx, ctx, request!), claims: [] };

  const startsAt = request!.accessStartsAt!;
  const expiresAt = expiryFor(startsAt, request!.durationMinutes, known?.timeZone ?? (await organizationTimeZone(tx)));
  const personApproved = ctx.actor.type === "identity" && ctx.actor.identityId !== request!.requesterId;
  const created: Exception[] = [];
  const claims: Claim[] = [];
  for (const grant of def.grants) {
    const { exception, operation } = await insertException(
      tx,
      ctx,
      {
        identityId: request!.requesterId,
        resourceKey: grant.resource,
        level: grant.level,
        source: "request",
        type: def.exceptionType,
        justification: request!.justification,
        references: referencesFrom(request!.fields as Record<string, unknown>, request!.ticketReference),
        restrictions: restrictionsOnApproval(request!, def),
        approverId: personApproved ? (ctx.actor as { identityId: string }).identityId : null,
        approvalRule: personApproved ? null : (request!.autoApprovedBecause ?? "approved by rule"),
        approvalNote: request!.decisionNote,
        approvedAt: request!.decidedAt!,
        requestId,
        templateId: template.id,
        startsAt,
        expiresAt,
      },
      def.onGrantFailure,
      known?.typeSettings,
    );
    if (def.onGrantFailure.mode === "block" && operation.nextAttemptAt <= ctx.clock()) {
      const claimed = await claimOperationNow(tx, ctx, operation);
      if ("refused" in claimed) {
        throw new DomainError(
          "PRECONDITION_FAILED",
          `Could not grant ${grant.resource}: ${claimed.refused}. ${NOT_COMPLETED}`,
          { field: "requestId" },
        );
      }
      claims.push(claimed.claim);
    }
    created.push(exception);
  }
  // The decision wrote start + duration; a grant of a day or more ends at midnight in the zone: write that.
  if (request!.accessEndsAt?.getTime() !== expiresAt.getTime())
    await tx.update(accessRequests).set({ accessEndsAt: expiresAt }).where(eq(accessRequests.id, requestId));
  return { exceptions: created, claims };
}
