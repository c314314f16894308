import { actorLabel } from "@/server/core/actor";
import { and, asc, eq, gt, inArray, isNull, lte, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { EndReason } from "@/server/core/exceptions/types";
import type { DbOrTx, Tx } from "@/server/db/client";
import {
  accessExceptions,
  accessRequests,
  exceptionExtensions,
  expectedAccess,
  provisioningOperations,
  resourceOwners,
  resources,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { queueOperation } from "../provisioning/operations";
import { cancelGrantsOfEndingException, openGrantsOfEnding } from "../provisioning/ordering";
import { tellHolderOfRevoke } from "./revoke-notice";

type Exception = typeof accessExceptions.$inferSelect;
type Operation = typeof provisioningOperations.$inferSelect;

/**
 * Ends an exception in the caller's transaction (row locked by the caller): it stops counting
 * at once, its revoke is queued, and the requests behind it no longer count as held. An
 * expiry is dated at the expiry itself, whenever the job gets to it.
 */
async function endException(
  tx: Tx,
  ctx: ServiceContext,
  e: Exception,
  reason: EndReason,
  note: string | null,
  /** read already for a batch (expiry): its open grants, and the level policy gives (undefined: none) */
  prefetched?: { grants: Operation[]; policyLevel: string | null | undefined },
) {
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
  await cancelGrantsOfEndingException(tx, ctx, e, reason, prefetched?.grants);
  // Policy may give the resource by now (a transfer back within its grace period): then the
  // access stays, at the level policy gives, and nothing is revoked.
  let auditNote = note;
  const [policy] = prefetched
    ? prefetched.policyLevel === undefined
      ? []
      : [{ level: prefetched.policyLevel }]
    : await tx
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

/** How many exceptions one expiry transaction ends. */
export const EXPIRY_BATCH = 20;

/**
 * The expiry job: every exception past its expiry is ended and its revoke queued, a batch at a
 * time, each batch in its own short transaction with its rows locked (SKIP LOCKED), so two
 * instances, or a run that catches up after downtime, end each exception once. It never waits
 * for an adapter: the removals are carried out by the provisioning runner.
 */
export async function expireExceptions({
  ctx,
  batch = EXPIRY_BATCH,
  onEnded,
}: {
  ctx: ServiceContext;
  batch?: number;
  /** told, per batch committed, how late its latest ending was (ms after that exception's expiry) */
  onEnded?: (count: number, latestMs: number) => void;
}): Promise<number> {
  const now = ctx.clock();
  let ended = 0;
  for (;;) {
    const did = await ctx.db.transaction(async (tx) => {
      const due = await tx
        .select()
        .from(accessExceptions)
        .where(and(isNull(accessExceptions.endedAt), lte(accessExceptions.expiresAt, now)))
        .orderBy(asc(accessExceptions.expiresAt))
        .limit(batch)
        .for("update", { skipLocked: true });
      // What each ending needs to read, read once for the batch: open grants, and what policy gives.
      const grants = await openGrantsOfEnding(
        tx,
        due.map((e) => e.id),
      );
      const given = due.length
        ? await tx
            .select({
              identityId: expectedAccess.identityId,
              resourceKey: expectedAccess.resourceKey,
              level: expectedAccess.level,
            })
            .from(expectedAccess)
            .where(
              sql`(${expectedAccess.identityId}, ${expectedAccess.resourceKey}) in (${sql.join(
                due.map((e) => sql`(${e.identityId}::uuid, ${e.resourceKey})`),
                sql`, `,
              )})`,
            )
        : [];
      const policyLevel = new Map(given.map((g) => [`${g.identityId}|${g.resourceKey}`, g.level]));
      for (const e of due)
        await endException(tx, ctx, e, "expired", null, {
          grants: grants.filter((g) => g.exceptionId === e.id),
          policyLevel: policyLevel.get(`${e.identityId}|${e.resourceKey}`),
        });
      return due;
    });
    ended += did.length;
    if (did.length && onEnded)
      onEnded(did.length, Math.max(...did.map((e) => ctx.clock().getTime() - e.expiresAt.getTime())));
    if (did.length < batch) return ended;
  }
}

/** When the next open exception expires after `now` (the expiry loop wakes then), or null. */
export async function nextExpiry(db: DbOrTx, now: Date): Promise<Date | null> {
  const [next] = await db
    .select({ at: accessExceptions.expiresAt })
    .from(accessExceptions)
    .where(and(isNull(accessExceptions.endedAt), gt(accessExceptions.expiresAt, now)))
    .orderBy(asc(accessExceptions.expiresAt))
    .limit(1);
  return next?.at ?? null;
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
        .innerJoin(resourceOwners, eq(resourceOwners.resourceId, resources.id))
        .where(and(eq(resources.key, e.resourceKey), eq(resourceOwners.identityId, ctx.actor.identityId)));
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
