import { randomUUID } from "node:crypto";
import { and, asc, count, eq, lte, not, or, sql } from "drizzle-orm";
import { provisioningOperations } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { callAdapter, logCall, settleOperation, type CallRecord } from "./attempt";
import { applyOperationOutcome } from "./outcome";
import { cancelOperation, claimLive, lockAccessKeyAndCheck, staleGrantReason, unfinishedRemovalOf } from "./ordering";
import { NO_ANSWER, type Operation } from "./queue";
import type { Tx } from "@/server/db/client";
import { settleGrantingRequestOf } from "../requests/grant-settle";

/**
 * The provisioning runner: grants and removals through the adapters, in parallel, with no
 * adapter call inside a transaction. An operation is claimed in one short transaction (a lease:
 * claim_token, lease_until, attempts + 1) and committed; the adapter is called; its outcome and
 * audit event are written in a new short transaction, only while the claim is still ours. A
 * runner that stops mid-call leaves a lease that runs out: another runner tries again with the
 * same idempotency key (the operation's id), so a call may reach a target twice but is recorded
 * once. Calls per system are bounded across all instances (concurrencyFor), counted under a
 * per-system advisory lock that only claims take, for the milliseconds a claim lasts.
 */

/** The advisory-lock class of "claiming operations of this system" (two-int key space). */
const SYSTEM_CLAIM_LOCK_CLASS = 7_414_007;

export const DEFAULT_CONCURRENCY = 8;
const DEFAULT_LEASE_MS = 30_000;

function positiveInt(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new Error(`${name} must be a whole number from 1 to ${max}, not "${value}"`);
  return n;
}

/**
 * Calls in flight at once for a system, across every instance: CLEARANCE_PROVISIONING_CONCURRENCY_<SYSTEM>
 * (the key upper-cased, other characters as _), else CLEARANCE_PROVISIONING_CONCURRENCY, else 8.
 */
export function concurrencyFor(systemKey: string, env: Record<string, string | undefined> = process.env): number {
  const own = `CLEARANCE_PROVISIONING_CONCURRENCY_${systemKey.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
  return (
    positiveInt(own, env[own], 256) ??
    positiveInt("CLEARANCE_PROVISIONING_CONCURRENCY", env.CLEARANCE_PROVISIONING_CONCURRENCY, 256) ??
    DEFAULT_CONCURRENCY
  );
}

/** How long a claim lasts without renewal (renewed every third of it while the call is under way). */
export function leaseMs(env: Record<string, string | undefined> = process.env): number {
  return (
    positiveInt("CLEARANCE_PROVISIONING_LEASE_MS", env.CLEARANCE_PROVISIONING_LEASE_MS, 3_600_000) ?? DEFAULT_LEASE_MS
  );
}

const leaseEnd = (ms: number) => sql`now() + ${ms} * interval '1 millisecond'`;

export type Claim = { op: Operation; token: string };

/** SQL: due now and not under way. */
const dueNow = (ctx: ServiceContext) =>
  and(
    eq(provisioningOperations.status, "pending"),
    lte(provisioningOperations.nextAttemptAt, ctx.clock()),
    not(claimLive),
  );

/** The systems with operations due now. */
export async function dueSystems(ctx: ServiceContext): Promise<string[]> {
  const rows = await ctx.db
    .selectDistinct({ systemKey: provisioningOperations.systemKey })
    .from(provisioningOperations)
    .where(dueNow(ctx));
  return rows.map((r) => r.systemKey);
}

/**
 * Claims up to `limit` due operations of one system, as many as its bound leaves room for, in
 * one short transaction. On the way, a grant whose reason has ended is cancelled, and an
 * operation whose runner stopped during its last attempt is failed. A grant waits while a
 * removal of the same access is unfinished; an operation whose person+resource has a call under
 * way waits for it (ordering.ts). Returns the claims, and how many operations were settled instead.
 */
export async function claimDue(
  ctx: ServiceContext,
  systemKey: string,
  limit: number,
  lease = leaseMs(),
): Promise<{ claims: Claim[]; settled: number }> {
  const bound = concurrencyFor(systemKey);
  if (limit <= 0) return { claims: [], settled: 0 };
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SYSTEM_CLAIM_LOCK_CLASS}, hashtext(${systemKey}))`);
    const [inFlight] = await tx
      .select({ n: count() })
      .from(provisioningOperations)
      .where(
        and(eq(provisioningOperations.systemKey, systemKey), eq(provisioningOperations.status, "pending"), claimLive),
      );
    const room = Math.min(limit, bound - inFlight!.n);
    if (room <= 0) return { claims: [], settled: 0 };
    const candidates = await tx
      .select()
      .from(provisioningOperations)
      .where(
        and(
          eq(provisioningOperations.systemKey, systemKey),
          dueNow(ctx),
          or(eq(provisioningOperations.action, "revoke"), not(unfinishedRemovalOf(provisioningOperations))),
        ),
      )
      .orderBy(asc(provisioningOperations.nextAttemptAt), asc(provisioningOperations.seq))
      .limit(room + 16)
      .for("update", { skipLocked: true });
    const claims: Claim[] = [];
    let settled = 0;
    for (const op of candidates) {
      if (claims.length >= room) break;
      if (op.claimToken && op.attempts >= op.maxAttempts) {
        await failAbandoned(tx, ctx, op);
        settled++;
        continue;
      }
      const { locked, staleReason } = await lockAccessKeyAndCheck(tx, op);
      if (!locked) continue;
      if (staleReason) {
        await settleGrantingRequestOf(tx, ctx, await cancelOperation(tx, ctx, op, staleReason));
        settled++;
        continue;
      }
      claims.push(await claimOperation(tx, op, lease));
    }
    return { claims, settled };
  });
}

/** Claims one operation whose row (and person+resource lock) the caller's transaction holds. */
export async function claimOperation(tx: Tx, op: Operation, lease = leaseMs()): Promise<Claim> {
  const token = randomUUID();
  const [claimed] = await tx
    .update(provisioningOperations)
    .set({ claimToken: token, leaseUntil: leaseEnd(lease), attempts: sql`${provisioningOperations.attempts} + 1` })
    .where(eq(provisioningOperations.id, op.id))
    .returning();
  return { op: claimed!, token };
}

/** A runner stopped (its lease ran out) during the last attempt: no answer will come, so it failed. */
async function failAbandoned(tx: Tx, ctx: ServiceContext, op: Operation) {
  const [failed] = await tx
    .update(provisioningOperations)
    .set({
      status: "failed",
      claimToken: null,
      leaseUntil: null,
      lastError: `${NO_ANSWER} for attempt ${op.attempts} of ${op.maxAttempts}: the runner stopped during the call`,
    })
    .where(eq(provisioningOperations.id, op.id))
    .returning();
  await applyOperationOutcome(tx, ctx, failed!, "failed");
  await settleGrantingRequestOf(tx, ctx, failed!);
}

/**
 * Writes what became of a claim in a new transaction, only while the claim is still ours (its
 * token): a runner whose lease ran out and was taken over records its call and nothing else. A
 * blocking grant's request (status granting) is settled in the same transaction once its grants are.
 */
async function settleClaim(
  ctx: ServiceContext,
  { op, token }: Claim,
  call: CallRecord | null,
  settle: (tx: Tx, claimed: Operation) => Promise<unknown>,
): Promise<"settled" | "lost"> {
  const kept = await ctx.db.transaction(async (tx) => {
    const [claimed] = await tx
      .select()
      .from(provisioningOperations)
      .where(and(eq(provisioningOperations.id, op.id), eq(provisioningOperations.claimToken, token)))
      .for("update");
    if (!claimed) return false;
    if (call) await logCall(tx, call, op.id);
    await settle(tx, claimed);
    await settleGrantingRequestOf(tx, ctx, claimed);
    return true;
  });
  if (!kept && call) await logCall(ctx.db, call, op.id);
  return kept ? "settled" : "lost";
}

/**
 * Carries out one claimed operation: a grant's reason is checked once more right before the call
 * (an exception that ended since the claim cancels it), the adapter is called with the lease
 * renewed meanwhile, and the outcome is written (settleOperation).
 */
export async function performClaim(ctx: ServiceContext, claim: Claim, lease = leaseMs()): Promise<"settled" | "lost"> {
  const { op, token } = claim;
  if (op.action === "grant") {
    const stale = await staleGrantReason(ctx.db, op);
    if (stale)
      return settleClaim(ctx, claim, null, (tx, claimed) =>
        cancelOperation(tx, ctx, claimed, stale, { attempts: claimed.attempts - 1 }),
      );
  }
  const renew = setInterval(() => {
    ctx.db
      .update(provisioningOperations)
      .set({ leaseUntil: leaseEnd(lease) })
      .where(and(eq(provisioningOperations.id, op.id), eq(provisioningOperations.claimToken, token)))
      .catch(() => undefined);
  }, lease / 3);
  let answered: Awaited<ReturnType<typeof callAdapter>>;
  try {
    answered = await callAdapter(ctx.db, op, ctx.clock);
  } finally {
    clearInterval(renew);
  }
  return settleClaim(ctx, claim, answered.call, (tx, claimed) => settleOperation(tx, ctx, claimed, answered.outcome));
}

/**
 * Carries out due operations and waits for them: claims for every system with work due, calls
 * them in parallel, and again until nothing more can be claimed or `limit` is reached. Several
 * runners (instances) share the work and none does an operation twice. Returns how many were
 * attempted, cancelled or failed. The enforcement loop uses startProvisioningRunner instead,
 * which does not wait for a round's calls before claiming more.
 */
export async function runDueOperations({ ctx, limit = 100 }: { ctx: ServiceContext; limit?: number }): Promise<number> {
  let attempted = 0;
  for (;;) {
    let progressed = false;
    const running: Promise<unknown>[] = [];
    for (const systemKey of await dueSystems(ctx)) {
      const { claims, settled } = await claimDue(ctx, systemKey, limit - attempted);
      attempted += claims.length + settled;
      progressed ||= claims.length + settled > 0;
      running.push(...claims.map((c) => performClaim(ctx, c)));
    }
    // Every call is recorded (or has failed to be) before the next round or an error.
    const failed = (await Promise.allSettled(running)).find((r) => r.status === "rejected");
    if (failed) throw failed.reason;
    if (!progressed || attempted >= limit) return attempted;
  }
}
