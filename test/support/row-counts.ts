import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";

/**
 * A cheap fingerprint of everything in a database: the number of rows in each of its tables
 * (audit_events among them), in one statement. Equal before and after a refused call means the
 * call inserted and deleted nothing. Rate-limit counters are left out: every call counts against
 * its limit before its input is read, refused or not, and that is the point of them.
 */
const NOT_STATE = ["rate_limit_buckets"];

export async function rowCounter(db: Db): Promise<(on?: Db) => Promise<Record<string, number>>> {
  const { rows: all } = await db.execute<{ name: string }>(
    sql`select tablename as name from pg_tables where schemaname = 'public' order by tablename`,
  );
  const rows = all.filter(({ name }) => !NOT_STATE.includes(name));
  const query = sql.raw(
    `select ${rows.map(({ name }) => `(select count(*) from "${name}")::int as "${name}"`).join(", ")}`,
  );
  return async (on = db) => (await on.execute<Record<string, number>>(query)).rows[0]!;
}
