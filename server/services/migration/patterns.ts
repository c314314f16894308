import { sql, type SQL } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import {
  defaultDraftResources,
  PATTERN_NAMES_LIMIT,
  patternBand,
  patternThresholds,
  type PatternDimension,
} from "@/server/core/migration/patterns";
import type { DbOrTx } from "@/server/db/client";
import type { ServiceContext } from "../context";
import { ensureExpectedAccessFresh } from "../lifecycle/expected";

/**
 * Active people with a value for the dimension, grouped by its canonical spelling: the alias
 * table maps messy HR values first ("Sr. Sales Engineer" joins "Senior Sales Engineer"), then
 * case and surrounding space are ignored, as the policy engine matches.
 */
function groupedPeople(dimension: PatternDimension): SQL {
  // The column name comes from a closed list, never from input text.
  const column = sql.raw(dimension === "job_title" ? "i.job_title" : "i.department");
  const label = sql`coalesce(trim(a.canonical_value), trim(${column}))`;
  return sql`
    select i.id, i.username, i.display_name, ${label} as label, lower(${label}) as key
    from identities i
    left join attribute_aliases a on a.attribute = ${dimension} and lower(trim(a.raw_value)) = lower(trim(${column}))
    where lower(trim(i.employment_status)) = 'active' and coalesce(trim(${column}), '') <> ''`;
}

const most = sql`${patternThresholds.most}::numeric`;
const outlierBelow = sql`${patternThresholds.outlierBelow}::numeric`;

export type PatternGroup = {
  group: string;
  size: number;
  /** people in the group with any access in the snapshot */
  inSnapshot: number;
  resources: number;
  heldByAll: number;
  heldByMost: number;
  outliers: number;
};

/**
 * Every group (job title or department) with access in the snapshot, largest first, with how
 * many resources everyone holds, 90% or more hold, and fewer than half hold. Counted in
 * PostgreSQL: only one row per group comes back.
 */
export async function listPatternGroups({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { dimension: PatternDimension };
}): Promise<PatternGroup[]> {
  const result = await ctx.db.execute<PatternGroup>(sql`
    with people as (${groupedPeople(input.dimension)}),
    sizes as (select key, min(label) as label, count(*)::int as size from people group by key),
    held as (
      select p.key, s.resource_key, count(distinct p.id)::int as holders
      from access_snapshots s join people p on p.username = s.username
      group by p.key, s.resource_key
    ),
    present as (
      select p.key, count(*)::int as n from people p
      where exists (select 1 from access_snapshots s where s.username = p.username)
      group by p.key
    )
    select z.label as "group", z.size, coalesce(max(pr.n), 0)::int as "inSnapshot",
      count(h.resource_key)::int as resources,
      (count(*) filter (where h.holders >= z.size))::int as "heldByAll",
      (count(*) filter (where h.holders < z.size and h.holders >= ${most} * z.size))::int as "heldByMost",
      (count(*) filter (where h.holders < ${outlierBelow} * z.size))::int as outliers
    from sizes z
    join held h on h.key = z.key
    left join present pr on pr.key = z.key
    group by z.key, z.label, z.size
    order by z.size desc, z.label`);
  return result.rows;
}

type NamedPerson = {
  id: string;
  name: string;
  username: string;
};

type PatternRow = {
  resource: string;
  holders: number;
  level: string | null;
  policyGives: number;
  lacking: NamedPerson[] | null;
  heldBy: NamedPerson[] | null;
};

async function groupSize(db: DbOrTx, dimension: PatternDimension, group: string) {
  const result = await db.execute<{ label: string | null; size: number }>(sql`
    with people as (${groupedPeople(dimension)})
    select min(label) as label, count(*)::int as size from people where key = lower(trim(${group}))`);
  const row = result.rows[0];
  if (!row?.size) throw new DomainError("NOT_FOUND", `Nobody Active has ${dimension} "${group}"`, { field: "group" });
  return { label: row.label!, size: row.size };
}

/**
 * One group's pattern: each resource its members hold in the snapshot, with the share holding
 * it, the level most hold, how many policy already gives it to, and the people to look at: who
 * lacks a resource 90% or more hold, who holds one fewer than half hold (up to 20 each).
 */
export async function getGroupPattern({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { dimension: PatternDimension; group: string };
}) {
  await ensureExpectedAccessFresh(ctx.db, ctx.clock());
  const { label, size } = await groupSize(ctx.db, input.dimension, input.group);
  const person = sql`json_build_object('id', l.id, 'name', l.display_name, 'username', l.username)`;
  const result = await ctx.db.execute<PatternRow>(sql`
    with members as (select * from (${groupedPeople(input.dimension)}) p where p.key = lower(trim(${input.group}))),
    held as (
      select s.resource_key as resource, count(distinct m.id)::int as holders, mode() within group (order by s.level) as level
      from access_snapshots s join members m on m.username = s.username
      group by s.resource_key
    )
    select h.resource, h.holders, h.level,
      (select count(distinct m.id)::int from members m join expected_access x on x.identity_id = m.id and x.resource_key = h.resource) as "policyGives",
      case when h.holders < ${size} and h.holders >= ${most} * ${size} then (
        select json_agg(${person} order by l.display_name) from (
          select m.id, m.display_name, m.username from members m
          where not exists (select 1 from access_snapshots s where s.username = m.username and s.resource_key = h.resource)
          order by m.display_name limit ${PATTERN_NAMES_LIMIT}) l)
      end as lacking,
      case when h.holders < ${outlierBelow} * ${size} then (
        select json_agg(${person} order by l.display_name) from (
          select m.id, m.display_name, m.username from members m
          where exists (select 1 from access_snapshots s where s.username = m.username and s.resource_key = h.resource)
          order by m.display_name limit ${PATTERN_NAMES_LIMIT}) l)
      end as "heldBy"
    from held h
    order by h.holders desc, h.resource`);
  const drafted = new Set(defaultDraftResources(result.rows, size));
  return {
    dimension: input.dimension,
    group: label,
    size,
    resources: result.rows.map((r) => ({
      ...r,
      band: patternBand(r.holders, size),
      /** ticked for a draft at first */
      inDefaultDraft: drafted.has(r.resource),
      lacking: r.lacking ?? [],
      heldBy: r.heldBy ?? [],
    })),
  };
}
