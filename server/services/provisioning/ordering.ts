import { and, eq, inArray, isNull, lt, not, or, sql } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import type { DbOrTx, Tx } from "@/server/db/client";
import { accessExceptions, manualTasks, provisioningOperations } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

type Operation = typeof provisioningOperations.$inferSelect;

/**
 * The order of calls for one person and resource (issue 12, point 6: a late grant never
 * follows a revoke). Four rules, each checked where it cannot be raced:
 * - calls for one person and resource never overlap: a runner claims an operation (a lease,
 *   runner.ts) only while no other operation of the pair is claimed, checked under a
 *   transaction-level advisory lock on the pair (tried, never waited for) that the claim
 *   holds until it commits; block mode holds that lock during its call;
 * - a grant does not start while a removal of the same access is unfinished;
 * - a grant reaches the system only while its reason holds: its exception has not ended, or
 *   (a grant of no exception) no removal was queued after it. It is checked when claimed, again
 *   right before the call and again before a retry is scheduled; a stale grant is cancelled, saying why;
 * - ending an exception cancels its grants that are not under way (claimed), and a removal
 *   cancels the grants it supersedes, open manual tasks included ("do not grant").
 */

/** The advisory-lock class of "a call for this person and resource is under way" (two-int key space). */
const ACCESS_KEY_LOCK_CLASS = 7_414_006;

const keyHash = (op: { identityId: string; resourceKey: string }) =>
  sql`hashtext(${`${op.identityId}|${op.resourceKey}`})`;

/** SQL: the operation is claimed by a runner whose lease has not run out (its call is under way). */
export const claimLive = sql`(${provisioningOperations.claimToken} is not null and ${provisioningOperations.leaseUntil} > now())`;

/** SQL: an unfinished removal of the same person's access to the same resource as `op`'s row. */
export const unfinishedRemovalOf = (op: { identityId: unknown; resourceKey: unknown }) => sql`exists (
  select 1 from provisioning_operations r
  where r.identity_id = ${op.identityId} and r.resource_key = ${op.resourceKey}
    and r.action = 'revoke' and r.status in ('pending', 'waiting'))`;

type Facts = {
  exception_found: boolean;
  number: number | null;
  ended: boolean | null;
  end_reason: string | null;
  superseded: boolean;
  in_flight: boolean;
};

/**
 * In one round trip: what decides whether a grant's reason still holds, and whether another
 * operation of the same person and resource is claimed (its call under way). Read after the pair's
 * lock is taken, in a statement of its own, so it sees every claim committed before the lock.
 */
async function factsOf(db: DbOrTx, op: Operation) {
  const grantOfException = op.action === "grant" && op.exceptionId !== null;
  const grantOfNone = op.action === "grant" && op.exceptionId === null;
  const { rows } = await db.execute<Facts>(sql`
    select e.id is not null as exception_found, e.number, e.ended_at is not null as ended, e.end_reason,
      ${grantOfNone ? sql`exists (select 1 from provisioning_operations r where r.identity_id = ${op.identityId} and r.resource_key = ${op.resourceKey} and r.action = 'revoke' and r.seq > ${op.seq})` : sql`false`} as superseded,
      exists (select 1 from provisioning_operations c where c.identity_id = ${op.identityId} and c.resource_key = ${op.resourceKey}
        and c.id <> ${op.id} and c.status = 'pending' and c.claim_token is not null and c.lease_until > now()) as in_flight
    from (select 1) as one
    left join access_exceptions e on ${grantOfException ? sql`e.id = ${op.exceptionId}` : sql`false`}`);
  const f = rows[0]!;
  let stale: string | null = null;
  if (grantOfException && !f.exception_found) stale = "its exception no longer exists";
  else if (grantOfException && f.ended)
    stale = `EXC-${f.number} ${endedWord(f.end_reason)} before its grant reached ${op.systemKey}`;
  else if (grantOfNone && f.superseded) stale = "a removal of this access was queued after it";
  return { inFlight: f.in_flight, staleReason: stale };
}

/** Why a grant must not reach its system now, or null while its reason holds (a revoke always may run). */
export async function staleGrantReason(db: DbOrTx, op: Operation): Promise<string | null> {
  return (await factsOf(db, op)).staleReason;
}

/**
 * Takes the person+resource lock for this transaction (false at once when another transaction
 * holds it), then says whether another operation of the pair is claimed (false: busy) and
 * whether this one is a grant whose reason has ended.
 */
export async function lockAccessKeyAndCheck(
  tx: Tx,
  op: Operation,
): Promise<{ locked: boolean; staleReason: string | null }> {
  const { rows } = await tx.execute<{ locked: boolean }>(
    sql`select pg_try_advisory_xact_lock(${ACCESS_KEY_LOCK_CLASS}, ${keyHash(op)}) as locked`,
  );
  if (!rows[0]!.locked) return { locked: false, staleReason: null };
  const facts = await factsOf(tx, op);
  return { locked: !facts.inFlight, staleReason: facts.staleReason };
}

const endedWord = (reason: string | null) =>
  reason === "expired" ? "expired" : reason === "given_back" ? "was given back" : "was revoked";

/**
 * Cancels one operation whose row the caller holds, with its reason and audit event; an open
 * manual task for it is cancelled too, so IT is not asked to grant what must not be granted.
 */
export async function cancelOperation(
  tx: Tx,
  ctx: ServiceContext,
  op: Operation,
  reason: string,
  changes: Partial<Operation> = {},
): Promise<Operation> {
  const now = ctx.clock();
  const [cancelled] = await tx
    .update(provisioningOperations)
    .set({
      ...changes,
      status: "cancelled",
      cancelReason: reason,
      completedAt: now,
      claimToken: null,
      leaseUntil: null,
    })
    .where(eq(provisioningOperations.id, op.id))
    .returning();
  const tasks = await tx
    .update(manualTasks)
    .set({ status: "cancelled", doneAt: now, doneBy: actorLabel(ctx.actor) })
    .where(and(eq(manualTasks.operationId, op.id), eq(manualTasks.status, "open")))
    .returning({ id: manualTasks.id });
  await recordAuditEvent(tx, ctx, {
    action: "provisioning.cancelled",
    subjectType: "provisioning_operation",
    subjectId: op.id,
    before: { status: op.status },
    after: {
      status: "cancelled",
      action: op.action,
      system: op.systemKey,
      resource: op.resourceKey,
      exception: op.exceptionId,
      attempts: cancelled!.attempts,
      taskCancelled: tasks.length > 0,
    },
    reason,
  });
  return cancelled!;
}

/**
 * Cancels the grants of an exception that is ending, in the ending transaction. A grant under
 * way is left to finish (claimed by a runner, or its row held: SKIP LOCKED); the revoke queued
 * next waits for it, so the access is removed after it lands.
 */
export async function cancelGrantsOfEndingException(
  tx: Tx,
  ctx: ServiceContext,
  e: { id: string; number: number },
  endReason: string,
  /** read already for a batch of ending exceptions (openGrantsOfEnding), locked in this transaction */
  prefetched?: Operation[],
): Promise<number> {
  const open = prefetched ?? (await openGrantsOfEnding(tx, [e.id]));
  for (const op of open)
    await cancelOperation(
      tx,
      ctx,
      op,
      `EXC-${e.number} ${endedWord(endReason)} before its grant reached ${op.systemKey}`,
    );
  return open.length;
}

/** The grants of exceptions that are ending which are not under way, their rows locked (SKIP LOCKED). */
export async function openGrantsOfEnding(tx: Tx, exceptionIds: string[]): Promise<Operation[]> {
  if (!exceptionIds.length) return [];
  return tx
    .select()
    .from(provisioningOperations)
    .where(
      and(
        inArray(provisioningOperations.exceptionId, exceptionIds),
        eq(provisioningOperations.action, "grant"),
        inArray(provisioningOperations.status, ["pending", "waiting"]),
        not(claimLive),
      ),
    )
    .for("update", { skipLocked: true });
}

/**
 * A removal supersedes the grants queued before it for the same person and resource, unless a
 * grant's exception still holds (then it may run later, for that still-valid reason).
 */
export async function cancelGrantsSupersededBy(tx: Tx, ctx: ServiceContext, revoke: Operation): Promise<number> {
  const open = await tx
    .select({ op: provisioningOperations })
    .from(provisioningOperations)
    .leftJoin(accessExceptions, eq(accessExceptions.id, provisioningOperations.exceptionId))
    .where(
      and(
        eq(provisioningOperations.identityId, revoke.identityId),
        eq(provisioningOperations.resourceKey, revoke.resourceKey),
        eq(provisioningOperations.action, "grant"),
        inArray(provisioningOperations.status, ["pending", "waiting"]),
        lt(provisioningOperations.seq, revoke.seq),
        or(isNull(provisioningOperations.exceptionId), sql`${accessExceptions.endedAt} is not null`),
        not(claimLive),
      ),
    )
    .for("update", { of: provisioningOperations, skipLocked: true });
  for (const { op } of open) {
    await cancelOperation(
      tx,
      ctx,
      op,
      (await staleGrantReason(tx, op)) ?? "a removal of this access was queued after it",
    );
  }
  return open.length;
}
