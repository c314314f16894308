import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db/client";
import { directoryGroupMembers, directoryGroups, identities } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { changeIdentityAttributes } from "../identities";

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

/**
 * Sets people's `groups` attribute to the names of the groups they are in now, through
 * changeIdentityAttributes: history, audit event, re-evaluation and an access plan (grace
 * periods apply) as for any other attribute change. Callers hold these people's row locks.
 */
export async function refreshGroupsOf(tx: Tx, ctx: ServiceContext, people: string[], reason: string) {
  if (people.length === 0) return;
  const rows = await tx
    .select({ identityId: directoryGroupMembers.identityId, name: directoryGroups.displayName })
    .from(directoryGroupMembers)
    .innerJoin(directoryGroups, eq(directoryGroups.id, directoryGroupMembers.groupId))
    .where(inArray(directoryGroupMembers.identityId, people))
    .orderBy(asc(directoryGroups.displayName));
  const names = new Map<string, string[]>(people.map((p) => [p, []]));
  for (const r of rows) if (!names.get(r.identityId)!.includes(r.name)) names.get(r.identityId)!.push(r.name);
  for (const [identityId, groups] of names)
    await changeIdentityAttributes({
      ctx: { ...ctx, db: tx as unknown as Db },
      input: { identityId, attributes: { groups }, source: "scim", effectiveAt: ctx.clock(), reason },
    });
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
  await refreshGroupsOf(tx, ctx, [...new Set(left.map((l) => l.identityId))], reason);
}
