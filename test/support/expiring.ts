import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";

/**
 * `count` active exceptions on `systemKey`'s resources expiring at `expiresAt`, written directly
 * (as a year of approvals would have left them): each for a different person+resource pair that
 * policy does not give and no open exception holds, so each expiry queues one removal. Returns their ids.
 */
export async function insertExpiringExceptions(
  db: Db,
  { systemKey, count, expiresAt }: { systemKey: string; count: number; expiresAt: Date },
): Promise<string[]> {
  const since = new Date(expiresAt.getTime() - 3_600_000);
  const { rows } = await db.execute<{ id: string }>(sql`
    insert into access_exceptions (identity_id, resource_key, source, type, justification, approver_id, approved_at,
      created_by, created_at, starts_at, expires_at, status, delivered_at)
    select pair.identity_id, pair.resource_key, 'admin', 'project', 'Expiry under load (test fixture)',
      (select id from identities where email = 'cfo@company.com'), ${since}, 'fixture', ${since}, ${since},
      ${expiresAt}, 'active', ${since}
    from (
      select i.id as identity_id, r.key as resource_key
      from identities i cross join resources r
      where r.system_key = ${systemKey} and lower(trim(i.employment_status)) = 'active'
        and not exists (select 1 from expected_access x where x.identity_id = i.id and x.resource_key = r.key)
        and not exists (select 1 from access_exceptions o where o.identity_id = i.id and o.resource_key = r.key and o.ended_at is null)
      order by r.key, i.email
      limit ${count}
    ) pair
    returning id`);
  if (rows.length < count)
    throw new Error(`only ${rows.length} free person+resource pairs on ${systemKey}, not ${count}`);
  return rows.map((r) => r.id);
}
