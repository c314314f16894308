import { sql, type SQL } from "drizzle-orm";
import { explainDrift } from "@/server/core/drift/explain";
import { coverageShares, sumCoverage } from "@/server/core/migration/coverage";
import { policyCoverage } from "@/server/core/policy";
import type { ServiceContext } from "../context";
import { ensureExpectedAccessFresh } from "../lifecycle/expected";
import { policyEngine } from "../policies/engine";

/** Policy gives snapshot row `s` to the person whose account it is. */
const byPolicy = sql`exists (
  select 1 from identities i join expected_access x on x.identity_id = i.id
  where i.username = s.username and x.resource_key = s.resource_key)`;

/** An exception that counts now covers snapshot row `s` (started, not ended, not expired; its holder Active). */
const byException = (now: Date) => sql`exists (
  select 1 from identities i join access_exceptions e on e.identity_id = i.id
  where i.username = s.username and e.resource_key = s.resource_key and e.ended_at is null
    and e.starts_at <= ${now}::timestamptz and e.expires_at > ${now}::timestamptz and lower(trim(i.employment_status)) = 'active')`;

/** Expected grant `x` of identity `i` has no row in its system's snapshot (systems with a snapshot only). */
const missingFromSnapshot = sql`exists (select 1 from access_snapshots t where t.system_key = x.system_key)
  and not exists (select 1 from access_snapshots s where s.system_key = x.system_key and s.username = i.username and s.resource_key = x.resource_key)`;

const systemFilter = (alias: string, systemKey: string | undefined): SQL =>
  systemKey ? sql`and ${sql.raw(alias)}.system_key = ${systemKey}` : sql``;

type SystemCoverageRow = {
  systemKey: string;
  name: string;
  rows: number;
  policy: number;
  exception: number;
  accounts: number;
  unmatchedAccounts: number;
  importedAt: Date;
};

/**
 * How much of the imported access policy explains, per system and overall (seed 001, phase 4),
 * how much active exceptions cover, and what nothing explains; and the reverse: grants policy
 * expects that the snapshot lacks. Counted in PostgreSQL over access_snapshots and the current
 * expected_access.
 */
export async function getCoverageReport({ ctx }: { ctx: ServiceContext }) {
  const now = ctx.clock();
  await ensureExpectedAccessFresh(ctx.db, now);
  const systems = await ctx.db.execute<SystemCoverageRow>(sql`
    select s.system_key as "systemKey", min(y.name) as name, count(*)::int as rows,
      (count(*) filter (where ${byPolicy}))::int as policy,
      (count(*) filter (where not ${byPolicy} and ${byException(now)}))::int as exception,
      count(distinct s.username)::int as accounts,
      (count(distinct s.username) filter (where not exists (select 1 from identities i where i.username = s.username)))::int as "unmatchedAccounts",
      max(s.imported_at) as "importedAt"
    from access_snapshots s join systems y on y.key = s.system_key
    group by s.system_key order by min(y.name)`);
  const missing = await ctx.db.execute<{ systemKey: string; missing: number }>(sql`
    select x.system_key as "systemKey", count(*)::int as missing
    from expected_access x join identities i on i.id = x.identity_id
    where ${missingFromSnapshot}
    group by x.system_key`);
  const missingBy = new Map(missing.rows.map((m) => [m.systemKey, m.missing]));
  const snapshotResources = await ctx.db.execute<{ resource: string }>(
    sql`select distinct resource_key as resource from access_snapshots order by 1`,
  );
  const engine = await policyEngine(ctx.db);
  const perSystem = systems.rows.map((s) => ({
    ...s,
    importedAt: new Date(s.importedAt),
    ...coverageShares(s),
    missing: missingBy.get(s.systemKey) ?? 0,
  }));
  return {
    overall: { ...coverageShares(sumCoverage(perSystem)), missing: perSystem.reduce((n, s) => n + s.missing, 0) },
    systems: perSystem,
    /** resources people hold that no policy hands out at all: a policy to write, or exceptions to document */
    resourcesWithoutPolicy: policyCoverage(
      engine.compiled,
      snapshotResources.rows.map((r) => r.resource),
    ).resourcesWithoutPolicy,
  };
}

interface Page {
  page: number;
  pageSize: number;
  systemKey?: string;
}

type PersonColumns = {
  personId: string | null;
  personName: string | null;
  personStatus: string | null;
};

/** Access in the snapshot that neither policy nor an active exception explains, a page at a time. */
export async function listUnexplainedAccess({ ctx, input }: { ctx: ServiceContext; input: Page }) {
  const now = ctx.clock();
  await ensureExpectedAccessFresh(ctx.db, now);
  const where = sql`not ${byPolicy} and not ${byException(now)} ${systemFilter("s", input.systemKey)}`;
  const [total, rows] = await Promise.all([
    ctx.db.execute<{ n: number }>(sql`select count(*)::int as n from access_snapshots s where ${where}`),
    ctx.db.execute<{ systemKey: string; username: string; resource: string; level: string | null } & PersonColumns>(sql`
      select s.system_key as "systemKey", s.username, s.resource_key as resource, s.level,
        p.id as "personId", p.display_name as "personName", p.employment_status as "personStatus"
      from access_snapshots s
      left join lateral (
        select i.id, i.display_name, i.employment_status from identities i where i.username = s.username
        order by (lower(trim(i.employment_status)) = 'active') desc, i.id limit 1
      ) p on true
      where ${where}
      order by s.system_key, s.username, s.resource_key
      limit ${input.pageSize} offset ${(input.page - 1) * input.pageSize}`),
  ]);
  return {
    total: total.rows[0]?.n ?? 0,
    rows: rows.rows.map((r) => ({
      ...r,
      why: explainDrift({
        kind: "excess",
        username: r.username,
        resource: r.resource,
        person: r.personName ? { name: r.personName, status: r.personStatus ?? "" } : null,
        expectedLevel: null,
        actualLevel: r.level,
        policies: null,
        exception: null,
        endedException: null,
      }).expected,
    })),
  };
}

/** Grants policy expects that a system's snapshot does not show (systems with a snapshot only). */
export async function listMissingAccess({ ctx, input }: { ctx: ServiceContext; input: Page }) {
  await ensureExpectedAccessFresh(ctx.db, ctx.clock());
  const where = sql`${missingFromSnapshot} ${systemFilter("x", input.systemKey)}`;
  const [total, rows] = await Promise.all([
    ctx.db.execute<{ n: number }>(
      sql`select count(*)::int as n from expected_access x join identities i on i.id = x.identity_id where ${where}`,
    ),
    ctx.db.execute<{
      systemKey: string;
      username: string;
      resource: string;
      level: string | null;
      personId: string;
      personName: string;
      policies: string[];
    }>(sql`
      select x.system_key as "systemKey", i.username, x.resource_key as resource, x.level, i.id as "personId", i.display_name as "personName", x.policies
      from expected_access x join identities i on i.id = x.identity_id
      where ${where}
      order by x.system_key, i.username, x.resource_key
      limit ${input.pageSize} offset ${(input.page - 1) * input.pageSize}`),
  ]);
  return {
    total: total.rows[0]?.n ?? 0,
    rows: rows.rows.map((r) => ({
      ...r,
      why: explainDrift({
        kind: "missing",
        username: r.username,
        resource: r.resource,
        person: { name: r.personName, status: "Active" },
        expectedLevel: r.level,
        actualLevel: null,
        policies: r.policies,
        exception: null,
        endedException: null,
      }).expected,
    })),
  };
}
