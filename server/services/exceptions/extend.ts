import { actorLabel } from "@/server/core/actor";
import { and, desc, eq, isNull } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { assertExtensibleType, expiryFor, nextExtensionApproval } from "@/server/core/exceptions";
import type { ExceptionType } from "@/server/core/exceptions/types";
import type { Stage } from "@/server/core/requests/template";
import type { DbOrTx, Tx } from "@/server/db/client";
import { accessExceptions, accessRequests, exceptionExtensions } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { resendRestrictedGrant } from "./restrictions";
import { typeSettingsOf } from "./settings";
import { organizationTimeZone } from "../time-zones";

type Request = typeof accessRequests.$inferSelect;

/** The open exception a person holds through a template, if any. */
export async function heldException(db: DbOrTx, identityId: string, templateId: string) {
  const [row] = await db
    .select()
    .from(accessExceptions)
    .where(
      and(
        eq(accessExceptions.identityId, identityId),
        eq(accessExceptions.templateId, templateId),
        isNull(accessExceptions.endedAt),
      ),
    )
    .orderBy(desc(accessExceptions.expiresAt))
    .limit(1);
  return row ?? null;
}

/**
 * The approval stages an extension request needs (invariant 9): the template's own for the
 * first two (null), the type's escalated approver group for the third and fourth. Refuses
 * extending what cannot be extended.
 */
export async function extensionApprovalStages(
  db: DbOrTx,
  exception: typeof accessExceptions.$inferSelect,
): Promise<Stage[] | null> {
  const approval = nextExtensionApproval(exception, await typeSettingsOf(db, exception.type as ExceptionType));
  if (!approval.escalated) return null;
  return [
    {
      name: `Escalated approval (extension ${exception.extensionsUsed + 1})`,
      approvers: [{ kind: "group", group: approval.group }],
      threshold: { kind: "any" },
      notify: { policy: "all", count: 50 },
      escalation: null,
    },
  ];
}

/** An approved extension request moves its exception's expiry, in the approval's transaction. */
export async function extendFromRequest(tx: Tx, ctx: ServiceContext, request: Request) {
  const [exception] = await tx
    .select()
    .from(accessExceptions)
    .where(
      and(
        eq(accessExceptions.identityId, request.requesterId),
        eq(accessExceptions.templateId, request.templateId),
        isNull(accessExceptions.endedAt),
      ),
    )
    .orderBy(desc(accessExceptions.expiresAt))
    .limit(1)
    .for("update");
  if (!exception)
    throw new DomainError("PRECONDITION_FAILED", "The access this extends has already ended: ask for it anew", {
      field: "requestId",
    });
  // A request asked before the type's rules changed cannot renew what is never renewed.
  assertExtensibleType(exception.type);
  const escalated = request.approvalStages !== null;
  if (exception.extensionsUsed + 1 > 2 && !escalated)
    throw new DomainError("FORBIDDEN", "A third extension needs the escalated approver", { field: "requestId" });
  const approvedBy = request.decidedBy ?? actorLabel(ctx.actor);
  const extended = await applyExtension(tx, ctx, exception, {
    minutes: request.durationMinutes,
    justification: request.justification,
    approvedBy,
    escalated,
    requestId: request.id,
    label: `REQ-${request.number}`,
  });
  await tx.update(accessRequests).set({ accessEndsAt: extended.expiresAt }).where(eq(accessRequests.id, request.id));
  return [extended];
}

/** Moves an exception's expiry by an approved extension, with its row and audit event (invariant 9 holds in the database too). */
export async function applyExtension(
  tx: Tx,
  ctx: ServiceContext,
  exception: typeof accessExceptions.$inferSelect,
  x: {
    minutes: number;
    justification: string;
    approvedBy: string;
    escalated: boolean;
    requestId: string | null;
    label: string | null;
  },
) {
  const ordinal = exception.extensionsUsed + 1;
  const newExpiresAt = expiryFor(exception.expiresAt, x.minutes, await organizationTimeZone(tx));
  await tx.insert(exceptionExtensions).values({
    exceptionId: exception.id,
    requestId: x.requestId,
    ordinal,
    escalated: x.escalated,
    justification: x.justification,
    previousExpiresAt: exception.expiresAt,
    newExpiresAt,
    approvedBy: x.approvedBy,
    approvedAt: ctx.clock(),
  });
  const [extended] = await tx
    .update(accessExceptions)
    .set({ expiresAt: newExpiresAt, extensionsUsed: ordinal, remindersSent: [] })
    .where(eq(accessExceptions.id, exception.id))
    .returning();
  await resendRestrictedGrant(tx, ctx, extended!);
  await recordAuditEvent(tx, ctx, {
    action: "exception.extended",
    subjectType: "access_exception",
    subjectId: exception.id,
    before: { expiresAt: exception.expiresAt.toISOString(), extensionsUsed: exception.extensionsUsed },
    after: {
      expiresAt: newExpiresAt.toISOString(),
      extensionsUsed: ordinal,
      escalated: x.escalated,
      approvedBy: x.approvedBy,
      ...(x.label ? { request: x.label } : {}),
    },
    reason: x.justification,
  });
  return extended!;
}
