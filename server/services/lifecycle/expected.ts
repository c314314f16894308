import { sql } from "drizzle-orm";
import { systemOf } from "@/server/core/lifecycle/plan";
import { evaluateAll, type ExpectedGrant } from "@/server/core/policy";
import type { Db, DbOrTx } from "@/server/db/client";
import { expectedAccess, expectedAccessState } from "@/server/db/schema";
import { loadPolicyIdentities, policyEngine } from "../policies/engine";

const BATCH = 20_000;

/** Writes grants to expected_access, 20,000 rows a statement as unnest()ed arrays (usernames joined in). */
class ExpectedAccessWriter {
  #ids: string[] = [];
  #resources: string[] = [];
  #systems: string[] = [];
  #levels: (string | null)[] = [];
  #policies: string[] = [];
  grants = 0;

  constructor(private readonly db: DbOrTx) {}

  async add(identityId: string, grants: readonly ExpectedGrant[]) {
    for (const g of grants) {
      this.#ids.push(identityId);
      this.#resources.push(g.resource);
      this.#systems.push(systemOf(g.resource));
      this.#levels.push(g.level);
      this.#policies.push(g.via.join(" > "));
      this.grants++;
      if (this.#ids.length >= BATCH) await this.flush();
    }
  }

  async flush() {
    if (this.#ids.length === 0) return;
    await this.db.execute(sql`
      insert into expected_access (identity_id, username, resource_key, system_key, level, policies)
      select t.i::uuid, p.username, t.r, t.s, t.l, string_to_array(t.p, ' > ')
      from unnest(${sql.param(this.#ids)}::text[], ${sql.param(this.#resources)}::text[],
                  ${sql.param(this.#systems)}::text[], ${sql.param(this.#levels)}::text[],
                  ${sql.param(this.#policies)}::text[]) as t(i, r, s, l, p)
      join identities p on p.id = t.i::uuid`);
    this.#ids = [];
    this.#resources = [];
    this.#systems = [];
    this.#levels = [];
    this.#policies = [];
  }
}

/** Replaces these people's row sets in expected_access (the planner calls this with their new grants). */
export async function writeExpectedAccess(
  db: DbOrTx,
  people: readonly { identityId: string; grants: readonly ExpectedGrant[] }[],
) {
  if (people.length === 0) return;
  const ids = people.map((p) => p.identityId);
  await db.delete(expectedAccess).where(sql`${expectedAccess.identityId} = any(${sql.param(ids)}::uuid[])`);
  const writer = new ExpectedAccessWriter(db);
  for (const p of people) await writer.add(p.identityId, p.grants);
  await writer.flush();
}

/**
 * Evaluates everyone with the active policy set and replaces expected_access, in batches of
 * unnest()ed arrays (one round trip per 20,000 grants). Run after a policy version or alias
 * change, and by drift detection when the table was computed from another policy set.
 */
export async function refreshExpectedAccess(db: DbOrTx, at: Date) {
  // One query at a time: db is usually a transaction, which is one connection.
  const engine = await policyEngine(db);
  const people = await loadPolicyIdentities(db);
  const results = evaluateAll(engine.compiled, people, at);
  await db.execute(sql`truncate expected_access`);
  const writer = new ExpectedAccessWriter(db);
  for (const person of people) await writer.add(person.id, results.get(person.id) ?? []);
  await writer.flush();
  await markExpectedAccessFresh(db, engine.key, at, people.length, writer.grants);
  return { people: people.length, grants: writer.grants };
}

export async function markExpectedAccessFresh(
  db: DbOrTx,
  fingerprint: string,
  at: Date,
  people: number,
  grants: number,
) {
  await db
    .insert(expectedAccessState)
    .values({ id: 1, fingerprint, refreshedAt: at, people, grants })
    .onConflictDoUpdate({ target: expectedAccessState.id, set: { fingerprint, refreshedAt: at, people, grants } });
}

/**
 * Refreshes expected_access when it was computed from another policy set or configuration, in
 * one transaction: readers see the old rows or the new ones, never a half-written table.
 */
export async function ensureExpectedAccessFresh(db: Db, at: Date): Promise<{ refreshed: boolean }> {
  const engine = await policyEngine(db);
  const [state] = await db.select().from(expectedAccessState);
  if (state?.fingerprint === engine.key) return { refreshed: false };
  await db.transaction((tx) => refreshExpectedAccess(tx, at));
  return { refreshed: true };
}
