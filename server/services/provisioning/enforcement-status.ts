import { and, asc, count, isNull, lte, sql } from "drizzle-orm";
import { accessExceptions, provisioningOperations } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { concurrencyFor } from "./runner";

type Backlog = {
  system_key: string;
  removals: number;
  removals_in_flight: number;
  removals_due: number;
  oldest_removal_due_at: Date | string | null;
  grants: number;
  grants_in_flight: number;
};

/**
 * Whether expiry is on time and how much removal work waits, for IT's Systems page. Cheap: the
 * lag reads the oldest open exception past its expiry through the open-exceptions index, the
 * backlog only the pending operations (a partial index). Computed on each call, so every
 * instance shows the same figures.
 * - lagMs: now − the expiry of the oldest exception past its expiry and not yet ended (0: on time);
 * - per system: removals pending (in flight, due), how long the oldest due removal has been due,
 *   grants pending, and the bound on calls at once.
 */
export async function enforcementStatus({ ctx }: { ctx: ServiceContext }) {
  const now = ctx.clock();
  const overdue = and(isNull(accessExceptions.endedAt), lte(accessExceptions.expiresAt, now));
  const [[oldest], [late], backlog] = await Promise.all([
    ctx.db
      .select({ expiresAt: accessExceptions.expiresAt })
      .from(accessExceptions)
      .where(overdue)
      .orderBy(asc(accessExceptions.expiresAt))
      .limit(1),
    ctx.db.select({ n: count() }).from(accessExceptions).where(overdue),
    ctx.db.execute<Backlog>(sql`
      select system_key,
        count(*) filter (where action = 'revoke')::int as removals,
        count(*) filter (where action = 'revoke' and claim_token is not null and lease_until > now())::int as removals_in_flight,
        count(*) filter (where action = 'revoke' and next_attempt_at <= ${now}
          and not (claim_token is not null and lease_until > now()))::int as removals_due,
        min(next_attempt_at) filter (where action = 'revoke' and next_attempt_at <= ${now}
          and not (claim_token is not null and lease_until > now())) as oldest_removal_due_at,
        count(*) filter (where action = 'grant')::int as grants,
        count(*) filter (where action = 'grant' and claim_token is not null and lease_until > now())::int as grants_in_flight
      from ${provisioningOperations}
      where status = 'pending'
      group by system_key
      order by system_key`),
  ]);
  const expiry = oldest
    ? { lagMs: Math.max(0, now.getTime() - oldest.expiresAt.getTime()), oldestOverdueAt: oldest.expiresAt }
    : { lagMs: 0, oldestOverdueAt: null };
  return {
    checkedAt: now,
    expiry: { ...expiry, overdue: late?.n ?? 0 },
    systems: backlog.rows.map((b) => {
      const dueSince = b.oldest_removal_due_at ? new Date(b.oldest_removal_due_at) : null;
      return {
        systemKey: b.system_key,
        concurrency: concurrencyFor(b.system_key),
        removals: b.removals,
        removalsInFlight: b.removals_in_flight,
        removalsDue: b.removals_due,
        oldestRemovalDueSince: dueSince,
        oldestRemovalWaitMs: dueSince ? Math.max(0, now.getTime() - dueSince.getTime()) : 0,
        grants: b.grants,
        grantsInFlight: b.grants_in_flight,
      };
    }),
  };
}
