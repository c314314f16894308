import { eq, sql } from "drizzle-orm";
import { systemOf } from "@/server/core/lifecycle/plan";
import { evaluateAll, type ExpectedGrant } from "@/server/core/policy";
import type { Db, DbOrTx } from "@/server/db/client";
import { expectedAccess, expectedAccessState, identities } from "@/server/db/schema";
import { loadPolicyIdentities, policyEngine } from "../policies/engine";

const BATCH = 20_000;

/** Replaces one person's row set in expected_access (the planner calls this with the new grants). */
export async function writeExpectedAccess(db: DbOrTx, identityId: string, grants: readonly ExpectedGrant[]) {
  await db.delete(expectedAccess).where(eq(expectedAccess.identityId, identityId));
  if (grants.length === 0) return;
  const [person] = await db
    .select({ username: identities.username })
    .from(identities)
    .where(eq(identities.id, identityId));
  await db.insert(expectedAccess).values(
    grants.map((g) => ({
      identityId,
      username: person!.username!,
      resourceKey: g.resource,
      systemKey: systemOf(g.resource),
      level: g.level,
      policies: g.via,
    })),
  );
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
  const ids: string[] = [];
  const resources: string[] = [];
  const systemKeys: string[] = [];
  const levels: (string | null)[] = [];
  const policies: string[] = [];
  let grants = 0;
  const flush = async () => {
    if (ids.length === 0) return;
    await db.execute(sql`
      insert into expected_access (identity_id, username, resource_key, system_key, level, policies)
      select t.i::uuid, p.username, t.r, t.s, t.l, string_to_array(t.p, ' > ')
      from unnest(${sql.param(ids)}::text[], ${sql.param(resources)}::text[], ${sql.param(systemKeys)}::text[],
                  ${sql.param(levels)}::text[], ${sql.param(policies)}::text[]) as t(i, r, s, l, p)
      join identities p on p.id = t.i::uuid`);
    ids.length = resources.length = systemKeys.length = levels.length = policies.length = 0;
  };
  await db.execute(sql`truncate expected_access`);
  for (const person of people) {
    for (const g of results.get(person.id) ?? []) {
      ids.push(person.id);
      resources.push(g.resource);
      systemKeys.push(systemOf(g.resource));
      levels.push(g.level);
      policies.push(g.via.join(" > "));
      grants++;
      if (ids.length >= BATCH) await flush();
    }
  }
  await flush();
  await markExpectedAccessFresh(db, engine.key, at, people.length, grants);
  return { people: people.length, grants };
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
