import { sql } from "drizzle-orm";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { ActualAccess } from "@/server/adapters/types";
import type { Tx } from "@/server/db/client";

const COPY_CHUNK = 20_000;
// COPY's text format: backslash, tab, newline and carriage return are escaped; \N is NULL.
const SPECIAL = /[\\\t\n\r]/;
// Nearly every value needs no escaping: a test costs a third of a replace with a callback, and this runs 6,000,000 times.
export const copyText = (v: string | null) =>
  v === null
    ? "\\N"
    : !SPECIAL.test(v)
      ? v
      : v.replace(/[\\\t\n\r]/g, (c) => (c === "\\" ? "\\\\" : c === "\t" ? "\\t" : c === "\n" ? "\\n" : "\\r"));

/** Streams the actual list into drift_actual on the transaction's own connection. */
async function copyActual(client: pg.PoolClient, actual: readonly ActualAccess[]) {
  const stream = client.query(copyFrom("copy drift_actual (username, resource_key, level) from stdin"));
  const done = new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
  });
  let lastName: string | null = null;
  let lastText = "";
  for (let i = 0; i < actual.length; i += COPY_CHUNK) {
    let chunk = "";
    const end = Math.min(actual.length, i + COPY_CHUNK);
    for (let j = i; j < end; j++) {
      const a = actual[j]!;
      // Adapters list a person's access together: the escaped name is reused while it repeats.
      if (a.username !== lastName) {
        lastName = a.username;
        lastText = copyText(a.username.toLowerCase());
      }
      chunk += `${lastText}\t${copyText(a.resource)}\t${copyText(a.level)}\n`;
    }
    if (!stream.write(chunk)) await new Promise((r) => stream.once("drain", r));
  }
  stream.end();
  await done;
}

export interface DriftCounts {
  excess: number;
  missing: number;
  level: number;
  expected: number;
  resolved: number;
}

/**
 * Compares what a system reports with what should be there and stores the findings, set-based
 * in PostgreSQL, in the caller's transaction on `client` (the connection behind `tx`): the actual
 * list is COPYed into a temporary table and full-joined with expected access (policy, plus
 * exceptions that count now, which include removals in their grace period). Access with an
 * operation on its way is left out, and "missing" only covers resources the adapter can see.
 * Findings still seen stay open (their last run moves on); new ones open; those no longer seen
 * are resolved. Each stores the facts its explanation is built from, as they were when found.
 */
export async function findAndStoreDrift(
  tx: Tx,
  client: pg.PoolClient,
  input: { systemKey: string; runId: number; actual: readonly ActualAccess[]; managed: readonly string[]; at: Date },
): Promise<DriftCounts> {
  const { systemKey, runId, at } = input;
  // A full join of millions of rows wants its hash tables in memory; JIT costs more than it saves here.
  await tx.execute(sql`set local work_mem = '512MB'`);
  await tx.execute(sql`set local jit = off`);
  await tx.execute(
    sql`create temp table drift_actual (username text not null, resource_key text not null, level text) on commit drop`,
  );
  await copyActual(client, input.actual);
  await tx.execute(sql`analyze drift_actual`);
  await tx.execute(sql`
    create temp table drift_diff on commit drop as
    with expected as (
      select x.username, x.resource_key, x.level, x.policies,
             null::int as exception_number, null::text as exception_type, null::timestamptz as exception_expires_at,
             x.identity_id
      from expected_access x
      where x.system_key = ${systemKey}
      union all
      select i.username, e.resource_key, e.level, null, e.number, e.type, e.expires_at, i.id
      from access_exceptions e join identities i on i.id = e.identity_id
      where e.resource_key like ${`${systemKey}:%`} and e.ended_at is null and e.starts_at <= ${at} and e.expires_at > ${at}
        and e.status in ('granting', 'active', 'grant_failed') and lower(trim(i.employment_status)) = 'active'
        and not exists (select 1 from expected_access p where p.identity_id = e.identity_id and p.resource_key = e.resource_key)
    )
    select coalesce(a.username, e.username) as username,
           coalesce(a.resource_key, e.resource_key) as resource_key,
           case when e.username is null then 'excess' when a.username is null then 'missing' else 'level' end as kind,
           e.identity_id, e.level as expected_level, a.level as actual_level, e.policies,
           e.exception_number, e.exception_type, e.exception_expires_at
    from drift_actual a
    full join expected e on e.username = a.username and e.resource_key = a.resource_key
    where e.username is null
       or (a.username is null and e.resource_key = any(${sql.param(input.managed)}::text[]))
       or (a.username is not null and e.username is not null and a.level is not null
           and a.level is distinct from coalesce(e.level, (select access_levels[1] from systems where key = ${systemKey})))`);
  // Access on its way (a grant or revoke still queued) is not drift.
  await tx.execute(sql`
    delete from drift_diff d using provisioning_operations o join identities i on i.id = o.identity_id
    where o.system_key = ${systemKey} and o.status in ('pending', 'waiting') and i.username = d.username and o.resource_key = d.resource_key`);
  await tx.execute(sql`
    insert into drift_findings (system_key, first_run_id, last_run_id, identity_id, username, resource_key, kind,
                                expected_level, actual_level, explanation, status, created_at)
    select ${systemKey}, ${runId}, ${runId}, coalesce(d.identity_id, i.id), d.username, d.resource_key, d.kind,
           d.expected_level, d.actual_level,
           jsonb_build_object(
             'policies', d.policies,
             'exception', case when d.exception_number is not null then jsonb_build_object(
               'number', d.exception_number, 'type', d.exception_type, 'expiresAt', d.exception_expires_at) end,
             'person', case when i.id is not null then jsonb_build_object('name', i.display_name, 'status', i.employment_status) end,
             'endedException', case when d.kind = 'excess' and i.id is not null then (
               select jsonb_build_object('number', x.number, 'endReason', x.end_reason, 'endedAt', x.ended_at)
               from access_exceptions x where x.identity_id = i.id and x.resource_key = d.resource_key and x.ended_at is not null
               order by x.ended_at desc limit 1) end),
           'open', ${at}
    from drift_diff d left join identities i on i.username = d.username
    on conflict (system_key, username, resource_key, kind) where status in ('open', 'remediating')
    do update set last_run_id = excluded.last_run_id, expected_level = excluded.expected_level,
                  actual_level = excluded.actual_level, explanation = excluded.explanation`);
  const resolved = await tx.execute(sql`
    update drift_findings set status = 'resolved', resolution = 'No longer found: the system matches', resolved_by = 'drift check', resolved_at = ${at}
    where system_key = ${systemKey} and status in ('open', 'remediating') and last_run_id <> ${runId}`);
  const kinds = await tx.execute<{ kind: string; n: string }>(
    sql`select kind, count(*) as n from drift_diff group by kind`,
  );
  const expected = await tx.execute<{ n: string }>(sql`
    select (select count(*) from expected_access where system_key = ${systemKey})
         + (select count(*) from access_exceptions e
            where e.resource_key like ${`${systemKey}:%`} and e.ended_at is null
              and e.starts_at <= ${at} and e.expires_at > ${at}
              and not exists (select 1 from expected_access p where p.identity_id = e.identity_id and p.resource_key = e.resource_key)) as n`);
  const count = (kind: string) => Number(kinds.rows.find((r) => r.kind === kind)?.n ?? 0);
  return {
    excess: count("excess"),
    missing: count("missing"),
    level: count("level"),
    expected: Number(expected.rows[0]?.n ?? 0),
    resolved: resolved.rowCount ?? 0,
  };
}
