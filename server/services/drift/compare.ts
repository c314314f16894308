import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { ActualAccess } from "@/server/adapters/types";

/** One difference between expected and actual access, as the comparison returns it. */
export interface DriftRow {
  username: string;
  resource_key: string;
  kind: "excess" | "missing" | "level";
  identity_id: string | null;
  expected_level: string | null;
  actual_level: string | null;
  policies: string[] | null;
  exception_number: number | null;
  exception_type: string | null;
  exception_expires_at: Date | null;
}

const COPY_CHUNK = 20_000;
// COPY's text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
const copyText = (v: string | null) => (v === null ? "\\N" : v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r")));

async function copyActual(client: pg.PoolClient, actual: readonly ActualAccess[]) {
  const stream = client.query(copyFrom("copy drift_actual (username, resource_key, level) from stdin"));
  const done = new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
  });
  for (let i = 0; i < actual.length; i += COPY_CHUNK) {
    let chunk = "";
    for (const a of actual.slice(i, i + COPY_CHUNK)) chunk += `${copyText(a.username.toLowerCase())}\t${copyText(a.resource)}\t${copyText(a.level)}\n`;
    if (!stream.write(chunk)) await new Promise((r) => stream.once("drain", r));
  }
  stream.end();
  await done;
}

/**
 * Compares what a system reports with what should be there, set-based in PostgreSQL: the
 * actual list is COPYed into a temporary table and full-joined with expected access (policy,
 * plus exceptions that count now, which include removals in their grace period). Access with
 * an operation still on its way is left out, and "missing" only covers resources the adapter
 * can see. Runs on its own connection; nothing is written.
 */
export async function compareWithExpected(pool: pg.Pool, input: { systemKey: string; actual: readonly ActualAccess[]; managed: readonly string[]; at: Date }): Promise<{ rows: DriftRow[]; expectedCount: number }> {
  const client = await pool.connect();
  try {
    await client.query("begin");
    // A full join of millions of rows wants its hash tables in memory.
    await client.query("set local work_mem = '256MB'");
    await client.query("create temp table drift_actual (username text not null, resource_key text not null, level text) on commit drop");
    await copyActual(client, input.actual);
    await client.query("analyze drift_actual");
    const { rows } = await client.query<DriftRow & { expected_count: string }>(
      `with expected as (
         select i.username, x.resource_key, x.level, x.policies, null::int as exception_number, null::text as exception_type, null::timestamptz as exception_expires_at, i.id as identity_id
         from expected_access x join identities i on i.id = x.identity_id
         where x.system_key = $1
         union all
         select i.username, e.resource_key, e.level, null, e.number, e.type, e.expires_at, i.id
         from access_exceptions e join identities i on i.id = e.identity_id
         where e.resource_key like $1 || ':%' and e.ended_at is null and e.starts_at <= $2 and e.expires_at > $2
           and e.status in ('granting', 'active', 'grant_failed') and lower(trim(i.employment_status)) = 'active'
           and not exists (select 1 from expected_access p where p.identity_id = e.identity_id and p.resource_key = e.resource_key)
       ),
       lowest as (select access_levels[1] as level from systems where key = $1),
       in_flight as (
         select i.username, o.resource_key from provisioning_operations o join identities i on i.id = o.identity_id
         where o.system_key = $1 and o.status in ('pending', 'waiting')
       ),
       diff as (
         select coalesce(a.username, e.username) as username,
                coalesce(a.resource_key, e.resource_key) as resource_key,
                case when e.username is null then 'excess' when a.username is null then 'missing' else 'level' end as kind,
                e.identity_id, e.level as expected_level, a.level as actual_level, e.policies,
                e.exception_number, e.exception_type, e.exception_expires_at
         from drift_actual a
         full join expected e on e.username = a.username and e.resource_key = a.resource_key
         where e.username is null
            or (a.username is null and e.resource_key = any($3::text[]))
            or (a.username is not null and e.username is not null and a.level is not null and a.level is distinct from coalesce(e.level, (select level from lowest)))
       )
       select d.*, (select count(*) from expected) as expected_count from diff d
       where not exists (select 1 from in_flight f where f.username = d.username and f.resource_key = d.resource_key)
       union all
       select null, null, null, null, null, null, null, null, null, null, (select count(*) from expected)`,
      [input.systemKey, input.at, input.managed],
    );
    await client.query("commit");
    const expectedCount = Number(rows.at(-1)?.expected_count ?? 0);
    return { rows: rows.slice(0, -1), expectedCount };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
