import { actorLabel } from "@/server/core/actor";
import { and, eq, gt, inArray, isNull, lte } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { EndReason } from "@/server/core/exceptions/types";
import type { Tx } from "@/server/db/client";
import { accessExceptions, accessRequests, exceptionExtensions, expectedAccess, resources } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { queueOperation } from "../provisioning/operations";
import { cancelGrantsOfEndingException } from "../provisioning/ordering";
import { tellHolderOfRevoke } from "./revoke-notice";

type Exception = typeof accessExceptions.$inferSelect;

/**
 * Ends an exception in the caller's transaction (row locked by the caller): it stops counting
 * at once, its revoke is queued, and the requests behind it no longer count as held. An
 * expiry is dated at the expiry itself, whenever the job gets to it.
 */
async function endException(tx: Tx, ctx: ServiceContext, e: Exception, reason: EndReason, note: string | null) {
  const now = ctx.clock();
  const endedAt = reason === "expired" ? e.expiresAt : now;
  const by = actorLabel(ctx.actor);
  const [ended] = await tx
    .update(accessExceptions)
    .set({ endedAt, endReason: reason, endedBy: by, endNote: note, status: "removing" })
    .where(eq(accessExceptions.id, e.id))
    .returning();
  if (e.requestId) {
    const extensionRequests = (
      await tx
        .select({ id: exceptionExtensions.requestId })
        .from(exceptionExtensions)
        .where(eq(exceptionExtensions.exceptionId, e.id))
    ).flatMap((x) => (x.id ? [x.id] : []));
    await tx
      .update(accessRequests)
      .set({ accessEndsAt: endedAt })
      .where(
        and(inArray(accessRequests.id, [e.requestId, ...extensionRequests]), gt(accessRequests.accessEndsAt, endedAt)),
      );
  }
  // Its grant must not land after this: cancelled unless already under way (then the revoke waits for it).
  await cancelGrantsOfEndingException(tx, ctx, e, reason);
  // Policy may give the resource by now (a transfer back within its grace period): then the
  // access stays, at the level policy gives, and nothing is revoked.
  let auditNote = note;
  const [policy] = await tx
    .select({ level: expectedAccess.level })
    .from(expectedAccess)
    .where(and(eq(expectedAccess.identityId, e.identityId), eq(expectedAccess.resourceKey, e.resourceKey)));
  if (policy) {
    if (policy.level !== e.level)
      await queueOperation(tx, {
        identityId: e.identityId,
        resourceKey: e.resourceKey,
        level: policy.level,
        action: "grant",
        exceptionId: null,
        failureMode: "retry",
        maxAttempts: 5,
        now,
      });
    await tx
      .update(accessExceptions)
      .set({ status: "removed", removalDeliveredAt: now })
      .where(eq(accessExceptions.id, e.id));
    auditNote = [note, "policy grants this resource now, so the access stays as policy gives it"]
      .filter(Boolean)
      .join("; ");
  } else {
    await queueOperation(tx, {
      identityId: e.identityId,
      resourceKey: e.resourceKey,
      level: e.level,
      action: "revoke",
      exceptionId: e.id,
      failureMode: "retry",
      maxAttempts: 8,
      now,
    });
  }
  await recordAuditEvent(tx, ctx, {
    action:
      reason === "expired"
        ? "exception.expired"
        : reason === "given_back"
          ? "exception.given_back"
          : "exception.revoked",
    subjectType: "access_exception",
    subjectId: e.id,
    before: { status: e.status, expiresAt: e.expiresAt.toISOString() },
    after: { status: policy ? "removed" : "removing", exception: `EXC-${e.number}`, endedAt: endedAt.toISOString() },
    reason: auditNote,
  });
  return ended!;
}

/**
 * The expiry job: every exception past its expiry is ended and its revoke queued, each in its
 * own transaction with the row locked (SKIP LOCKED), so two instances, or a run that catches up
 * after downtime, end each exception once.
 */
export async function expireExceptions({ ctx }: { ctx: ServiceContext }): Promise<number> {
  const now = ctx.clock();
  const due = await ctx.db
    .select({ id: accessExceptions.id })
    .from(accessExceptions)
    .where(and(isNull(accessExceptions.endedAt), lte(accessExceptions.expiresAt, now)));
  let ended = 0;
  for (const { id } of due) {
    const did = await ctx.db.transaction(async (tx) => {
      const [e] = await tx
        .select()
        .from(accessExceptions)
        .where(and(eq(accessExceptions.id, id), isNull(accessExceptions.endedAt), lte(accessExceptions.expiresAt, now)))
        .for("update", { skipLocked: true });
      if (!e) return false;
      await endException(tx, ctx, e, "expired", null);
      return true;
    });
    if (did) ended++;
  }
  return ended;
}

/** Ends every open exception a person holds, in the caller's transaction (a leaver: seed 001). */
export async function revokeOpenExceptionsOf(
  tx: Tx,
  ctx: ServiceContext,
  identityId: string,
  note: string,
): Promise<number> {
  const open = await tx
    .select()
    .from(accessExceptions)
    .where(and(eq(accessExceptions.identityId, identityId), isNull(accessExceptions.endedAt)))
    .for("update");
  for (const e of open) await endException(tx, ctx, e, "revoked", note);
  return open.length;
}

async function lockOpen(tx: Tx, exceptionId: string) {
  const [e] = await tx.select().from(accessExceptions).where(eq(accessExceptions.id, exceptionId)).for("update");
  if (!e) throw new DomainError("NOT_FOUND", "There is no such exception", { field: "exceptionId" });
  if (e.endedAt)
    throw new DomainError("CONFLICT", `EXC-${e.number} already ended (${e.endReason} by ${e.endedBy})`, {
      field: "exceptionId",
    });
  return e;
}

/** IT, or the resource's owner, revokes an exception early, saying why. */
export async function revokeException({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { exceptionId: string; reason: string };
}) {
  const reason = input.reason.trim();
  if (reason.length < 3) throw new DomainError("INVALID_INPUT", "Say why the access is revoked", { field: "reason" });
  return ctx.db.transaction(async (tx) => {
    const e = await lockOpen(tx, input.exceptionId);
    if (ctx.actor.type === "identity" && !ctx.actor.roles.includes("it_admin")) {
      const [owned] = await tx
        .select({ key: resources.key })
        .from(resources)
        .where(and(eq(resources.key, e.resourceKey), eq(resources.ownerId, ctx.actor.identityId)));
      if (!owned)
        throw new DomainError("FORBIDDEN", "Only IT or the resource's owner can revoke this", { field: "exceptionId" });
    }
    const ended = await endException(tx, ctx, e, "revoked", reason);
    await tellHolderOfRevoke(tx, ctx.actor, e, reason, ctx.clock());
    return ended;
  });
}

/** Several at once (the dashboard's bulk revoke): all or none. */
export async function revokeExceptions({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { exceptionIds: string[]; reason: string };
}) {
  const reason = input.reason.trim();
  if (reason.length < 3) throw new DomainError("INVALID_INPUT", "Say why the access is revoked", { field: "reason" });
  return ctx.db.transaction(async (tx) => {
    const out: Exception[] = [];
    for (const id of input.exceptionIds) {
      const e = await lockOpen(tx, id);
      out.push(await endException(tx, ctx, e, "revoked", reason));
      await tellHolderOfRevoke(tx, ctx.actor, e, reason, ctx.clock());
    }
    return out;
  });
}

/** The holder gives access back before it expires. */
export async function giveBackException({
  ctx,
  input,
}: {
  ctx: ServiceContext & { actor: { type: "identity"; identityId: string } };
  input: { exceptionId: string };
}) {
  return ctx.db.transaction(async (tx) => {
    const e = await lockOpen(tx, input.exceptionId);
    if (e.identityId !== ctx.actor.identityId)
      throw new DomainError("FORBIDDEN", "Only the holder can give this back", { field: "exceptionId" });
    return endException(tx, ctx, e, "given_back", "no longer needed");
  });
}
