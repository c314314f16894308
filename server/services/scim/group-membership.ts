import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { actorLabel } from "@/server/core/actor";
import { diffAttributes } from "@/server/core/identity/attributes";
import { evaluateIdentity, type ExpectedGrant } from "@/server/core/policy";
import type { Tx } from "@/server/db/client";
import { insertRows } from "@/server/db/insert-rows";
import { attributeColumns, attributesOf } from "@/server/db/identity-columns";
import {
  directoryGroupMembers,
  directoryGroups,
  hrSources,
  identities,
  identityAttributeChanges,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { planAccessChanges } from "../lifecycle/plan";
import { policyEngine } from "../policies/engine";

/**
 * Locks the people whose groups change, in id order, so two writes over the same people do not
 * deadlock. NO KEY UPDATE: a write that names one of them as a manager (a foreign key, which
 * takes KEY SHARE) is not blocked by it.
 */
export async function lockPeople(tx: Tx, ids: string[]) {
  if (ids.length === 0) return;
  await tx
    .select({ id: identities.id })
    .from(identities)
    .where(inArray(identities.id, ids))
    .orderBy(asc(identities.id))
    .for("no key update");
}

/** Grants as one comparable text: resource, level and the path that gives it. */
const grantsKey = (grants: readonly ExpectedGrant[]) =>
  grants
    .map((g) => `${g.resource}|${g.level ?? ""}|${g.via.join(">")}`)
    .sort()
    .join("\n");

const CHUNK = 1000;

/**
 * Sets people's `groups` attribute to the names of the groups they are in now, in bulk: a group
 * change may touch thousands of people. Each person whose groups change gets their history row
 * and audit event (identity.attributes_changed, as any attribute change); the policy set is
 * evaluated for each before and after in memory, and only those whose access moves get a plan
 * (planAccessChanges, all together: expected access, a plan with grace periods, queued
 * operations): for everyone else nothing more changes. Callers hold these people's row locks.
 */
export async function refreshGroupsOf(
  tx: Tx,
  ctx: ServiceContext,
  people: string[],
  reason: string,
  /** the channel the change came through, for the history and the audit event */
  source: "scim" | "pull" = "scim",
) {
  if (people.length === 0) return;
  const manager = alias(identities, "manager");
  const [memberships, rows] = [
    await tx
      .select({ identityId: directoryGroupMembers.identityId, name: directoryGroups.displayName })
      .from(directoryGroupMembers)
      .innerJoin(directoryGroups, eq(directoryGroups.id, directoryGroupMembers.groupId))
      .innerJoin(hrSources, eq(hrSources.key, directoryGroups.managedBy))
      // only the groups of sources that own the attribute (issue 16, point 3); the others stay readable over SCIM
      .where(
        and(
          inArray(directoryGroupMembers.identityId, people),
          sql`(${hrSources.ownedAttributes} is null or 'groups' = any(${hrSources.ownedAttributes}))`,
        ),
      )
      .orderBy(asc(directoryGroups.displayName)),
    await tx
      .select({ id: identities.id, ...attributeColumns, managerEmail: manager.email })
      .from(identities)
      .leftJoin(manager, eq(manager.id, identities.managerId))
      .where(inArray(identities.id, people)),
  ];
  const names = new Map<string, string[]>(people.map((p) => [p, []]));
  for (const m of memberships) if (!names.get(m.identityId)!.includes(m.name)) names.get(m.identityId)!.push(m.name);
  const changed = rows.flatMap((row) => {
    const before = attributesOf(row, row.managerEmail);
    const groups = names.get(row.id) ?? [];
    return diffAttributes(before, { groups }).length ? [{ id: row.id, before, groups }] : [];
  });
  if (changed.length === 0) return;

  const now = ctx.clock();
  for (let i = 0; i < changed.length; i += CHUNK) {
    const chunk = changed.slice(i, i + CHUNK);
    const values = JSON.stringify(Object.fromEntries(chunk.map((c) => [c.id, c.groups])));
    await tx.execute(sql`
      update identities i
      set groups = array(select jsonb_array_elements_text(d.value)), updated_at = ${now}
      from jsonb_each(${values}::jsonb) d
      where i.id = d.key::uuid`);
    await insertRows(
      tx,
      identityAttributeChanges,
      chunk.map((c) => ({
        identityId: c.id,
        attribute: "groups",
        oldValue: c.before.groups,
        newValue: c.groups,
        source,
        effectiveAt: now,
        recordedAt: now,
        actorLabel: actorLabel(ctx.actor),
        reason,
      })),
    );
  }
  const engine = await policyEngine(tx);
  const moving = [];
  for (const c of changed) {
    await recordAuditEvent(tx, ctx, {
      action: "identity.attributes_changed",
      subjectType: "identity",
      subjectId: c.id,
      before: { groups: c.before.groups },
      after: { groups: c.groups },
      reason,
      context: { source, effectiveAt: now.toISOString() },
    });
    const before = evaluateIdentity(engine.compiled, { id: c.id, attributes: c.before }, now);
    const after = evaluateIdentity(engine.compiled, { id: c.id, attributes: { ...c.before, groups: c.groups } }, now);
    if (grantsKey(before) !== grantsKey(after))
      moving.push({ identityId: c.id, before: c.before, source, changes: { groups: c.groups }, reason });
  }
  await planAccessChanges(tx, ctx, moving);
}

/**
 * Takes people out of every group that `keep` does not manage (null: out of every group): a
 * person handed to another source stays in no group of the old one, whose token could otherwise
 * still read and change their groups; a User deleted over SCIM leaves its groups. Their
 * `groups` attribute follows, with a plan. Callers hold these people's row locks.
 */
export async function leaveOtherSourcesGroups(
  tx: Tx,
  ctx: ServiceContext,
  people: string[],
  keep: string | null,
  reason: string,
  source: "scim" | "pull" = "scim",
) {
  if (people.length === 0) return;
  const left = await tx
    .delete(directoryGroupMembers)
    .where(
      and(
        inArray(directoryGroupMembers.identityId, people),
        inArray(
          directoryGroupMembers.groupId,
          tx
            .select({ id: directoryGroups.id })
            .from(directoryGroups)
            .where(keep === null ? sql`true` : sql`${directoryGroups.managedBy} is distinct from ${keep}`),
        ),
      ),
    )
    .returning({ identityId: directoryGroupMembers.identityId });
  await refreshGroupsOf(tx, ctx, [...new Set(left.map((l) => l.identityId))], reason, source);
}
