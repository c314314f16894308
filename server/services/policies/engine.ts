import { createHash } from "node:crypto";
import { desc, eq, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import {
  compilePolicySet,
  defaultScales,
  loadPolicySet,
  type CompiledPolicySet,
  type LoadedPolicySet,
  type PolicyConfig,
  type PolicyFile,
  type PolicyIdentity,
} from "@/server/core/policy";
import { processDbIfOpen, type DbOrTx } from "@/server/db/client";
import { attributesOf } from "@/server/db/identity-columns";
import {
  attributeAliases,
  attributeScales,
  identities,
  policyFiles,
  policySetVersions,
  resources,
  systems,
} from "@/server/db/schema";
import { policyInvalidation, type InvalidationFeed } from "../cache-invalidation";

/** What evaluation needs from the database besides the policies: scales, aliases, system levels. */
export async function loadPolicyConfig(db: DbOrTx): Promise<PolicyConfig> {
  // Sequential: db may be a transaction, which is one connection.
  const aliasRows = await db.select().from(attributeAliases);
  const scaleRows = await db.select().from(attributeScales);
  const systemRows = await db.select({ key: systems.key, levels: systems.accessLevels }).from(systems);
  return {
    scales: { ...defaultScales, ...Object.fromEntries(scaleRows.map((s) => [s.attribute, s.values])) },
    aliases: aliasRows.map((a) => ({ attribute: a.attribute, raw: a.rawValue, canonical: a.canonicalValue })),
    systemLevels: Object.fromEntries(systemRows.map((s) => [s.key, s.levels])),
  };
}

/** Systems with their levels and every resource key, for lint. */
export async function loadCatalog(db: DbOrTx) {
  const [systemRows, resourceRows] = await Promise.all([
    // A retired system is unknown to lint: policies can no longer name it.
    db.select({ key: systems.key, levels: systems.accessLevels }).from(systems).where(isNull(systems.retiredAt)),
    db.select({ key: resources.key }).from(resources),
  ]);
  return {
    systems: Object.fromEntries(systemRows.map((s) => [s.key, s.levels])),
    resources: new Set(resourceRows.map((r) => r.key)),
  };
}

export async function activeVersion(db: DbOrTx) {
  const [v] = await db
    .select()
    .from(policySetVersions)
    .where(eq(policySetVersions.status, "active"))
    .orderBy(desc(policySetVersions.id))
    .limit(1);
  return v ?? null;
}

export async function versionFiles(db: DbOrTx, versionId: number | null): Promise<PolicyFile[]> {
  if (versionId === null) return [];
  return db
    .select({ path: policyFiles.path, source: policyFiles.source })
    .from(policyFiles)
    .where(eq(policyFiles.versionId, versionId))
    .orderBy(policyFiles.path);
}

const manager = alias(identities, "manager");

/** Everyone, or the people named, as the engine sees them (raw HR values; the engine applies aliases). */
export async function loadPolicyIdentities(db: DbOrTx, only?: string | readonly string[]): Promise<PolicyIdentity[]> {
  const ids = only === undefined ? null : typeof only === "string" ? [only] : only;
  if (ids?.length === 0) return [];
  const rows = await db
    .select({ identity: identities, managerEmail: manager.email })
    .from(identities)
    .leftJoin(manager, eq(manager.id, identities.managerId))
    .where(
      !ids
        ? undefined
        : ids.length === 1
          ? eq(identities.id, ids[0]!)
          : // one parameter for any number of people
            sql`${identities.id} = any(${sql.param(ids)}::uuid[])`,
    );
  return rows.map((r) => ({ id: r.identity.id, attributes: attributesOf(r.identity, r.managerEmail) }));
}

export interface PolicyEngine {
  versionId: number | null;
  /** identifies the files and configuration the set was compiled from */
  key: string;
  files: PolicyFile[];
  loaded: LoadedPolicySet;
  config: PolicyConfig;
  compiled: CompiledPolicySet;
}

// Compiled sets by version and configuration: compiling is the expensive step and both change rarely.
const cache = new Map<string, PolicyEngine>();
const CACHE_SIZE = 8;

/**
 * The active set, kept per process between calls on the process's own database handle (not a
 * transaction's, which may hold uncommitted policy changes) while `feed` is connected: any change
 * to what the set is built from announces itself (POLICY_CHANNEL, triggers of migration 0024) and
 * bumps the feed's epoch, so the next call loads again. Without the feed, every call loads.
 */
export class ActivePolicyEngineCache {
  #held: { db: DbOrTx; epoch: number; engine: PolicyEngine } | null = null;
  readonly stats = { hits: 0, loads: 0 };

  constructor(readonly feed: InvalidationFeed | null) {}

  async engine(db: DbOrTx): Promise<PolicyEngine> {
    const feed = this.feed;
    const held = this.#held;
    if (feed?.connected && held && held.db === db && held.epoch === feed.epoch) {
      this.stats.hits++;
      return held.engine;
    }
    // Noted before loading: a change announced while the queries ran means the set may be older.
    const epoch = feed?.epoch;
    this.stats.loads++;
    const engine = await loadPolicyEngine(db);
    if (feed?.connected && feed.epoch === epoch) this.#held = { db, epoch, engine };
    return engine;
  }
}

const globalKey = Symbol.for("clearance.activePolicyEngine");
type GlobalWithEngine = typeof globalThis & { [globalKey]?: ActivePolicyEngineCache };

/** A policy set ready to evaluate: the active version by default, or the given files. */
export async function policyEngine(db: DbOrTx, files?: PolicyFile[]): Promise<PolicyEngine> {
  if (files || db !== processDbIfOpen()) return loadPolicyEngine(db, files);
  const g = globalThis as GlobalWithEngine;
  g[globalKey] ??= new ActivePolicyEngineCache(policyInvalidation());
  return g[globalKey].engine(db);
}

/**
 * The configuration, and the active version's id and files, in one round trip: every plan loads
 * them inside its transaction (five queries one after another cost more than evaluating).
 */
async function loadActiveSources(db: DbOrTx) {
  const { rows } = await db.execute<{
    aliases: PolicyConfig["aliases"];
    scales: Record<string, string[]>;
    levels: PolicyConfig["systemLevels"];
    version_id: number | null;
    files: PolicyFile[];
  }>(sql`
    with active as (
      select ${policySetVersions.id} as id from ${policySetVersions}
      where ${policySetVersions.status} = 'active' order by ${policySetVersions.id} desc limit 1
    )
    select
      (select coalesce(json_agg(json_build_object('attribute', attribute, 'raw', raw_value, 'canonical', canonical_value)
        order by attribute, raw_value), '[]') from ${attributeAliases}) as aliases,
      (select coalesce(json_object_agg(attribute, "values" order by attribute), '{}') from ${attributeScales}) as scales,
      (select coalesce(json_object_agg(key, access_levels order by key), '{}') from ${systems}) as levels,
      (select id from active) as version_id,
      (select coalesce(json_agg(json_build_object('path', path, 'source', source) order by path), '[]')
        from ${policyFiles} where version_id = (select id from active)) as files`);
  const row = rows[0]!;
  const config: PolicyConfig = {
    scales: { ...defaultScales, ...row.scales },
    aliases: row.aliases,
    systemLevels: row.levels,
  };
  return { config, versionId: row.version_id, files: row.files };
}

async function loadPolicyEngine(db: DbOrTx, files?: PolicyFile[]): Promise<PolicyEngine> {
  const active = files ? null : await loadActiveSources(db);
  const config = active?.config ?? (await loadPolicyConfig(db));
  const versionId = active?.versionId ?? null;
  const theFiles = files ?? active!.files;
  const key = createHash("sha256")
    .update(JSON.stringify([config, theFiles]))
    .digest("hex");
  const hit = cache.get(key);
  if (hit) {
    return { ...hit, versionId };
  }
  const loaded = loadPolicySet(theFiles);
  const compiled = compilePolicySet(loaded.policies, config);
  const engine = { versionId, key, files: theFiles, loaded, config, compiled };
  cache.set(key, engine);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return engine;
}
