import { and, eq, inArray, isNotNull, sql } from "drizzle-orm";
import type { Tx } from "@/server/db/client";
import { directoryGroups, identities } from "@/server/db/schema";
import type { DirectoryRead } from "@/server/directory/types";
import type { SourceContext } from "../context";
import { lockPeople } from "../scim/group-membership";
import { removeGroup, stateOf, writeGroup } from "../scim/groups";

export interface GroupCounts {
  created: number;
  changed: number;
  removed: number;
  unchanged: number;
  conflicts: string[];
}

const sourceGroup = (ctx: SourceContext, remoteId: string) =>
  and(eq(directoryGroups.managedBy, ctx.sourceKey), eq(directoryGroups.externalId, remoteId));

/**
 * The read's groups as the source's groups (directory_groups, keyed by the directory's id in
 * externalId): created, renamed, members set or added and removed, each in its own
 * transaction through the same writer as SCIM groups (audit event, members' `groups`
 * attribute, plans). Members Clearance has no person for (not pulled, inactive) are left out.
 * A full read removes the source's pulled groups it no longer has.
 */
export async function applyGroups(
  ctx: SourceContext,
  read: DirectoryRead,
  personOf: (remoteId: string) => string | undefined,
): Promise<GroupCounts> {
  const counts: GroupCounts = { created: 0, changed: 0, removed: 0, unchanged: 0, conflicts: [] };
  const ids = (remote: string[]) => [...new Set(remote.flatMap((r) => personOf(r) ?? []))];
  for (const g of read.groups) {
    const outcome = await ctx.db.transaction(async (tx) => {
      const [existing] = await tx.select().from(directoryGroups).where(sourceGroup(ctx, g.remoteId)).for("update");
      const before = existing ? await stateOf(tx, existing) : null;
      const change = g.members;
      let members: string[];
      if ("set" in change) members = ids(change.set);
      else {
        const removed = new Set(ids(change.remove));
        members = [...new Set([...(before?.members ?? []).filter((m) => !removed.has(m)), ...ids(change.add)])];
      }
      const displayName = g.name ?? existing?.displayName ?? g.remoteId;
      const had = new Set(before?.members);
      const same = () =>
        before!.displayName === displayName && had.size === members.length && members.every((m) => had.has(m));
      // A group the directory sends as it is (the daily full read) takes no locks and writes nothing.
      if (existing && same()) return "unchanged" as const;
      await lockPeople(tx, [...new Set([...(before?.members ?? []), ...members])]);
      // Checked under the locks: someone handed to another source since the read is not this source's member.
      members = await managedOnly(tx, ctx, members);
      const next = { displayName, externalId: g.remoteId, members };
      if (!existing) {
        if (await nameTaken(tx, ctx, displayName)) return "conflict" as const;
        const now = ctx.clock();
        const [group] = await tx
          .insert(directoryGroups)
          .values({ managedBy: ctx.sourceKey, displayName, externalId: g.remoteId, createdAt: now, updatedAt: now })
          .returning();
        await writeGroup(tx, ctx, group!, null, next, "create", "pull");
        return "created" as const;
      }
      if (same()) return "unchanged" as const;
      if (before!.displayName !== displayName && (await nameTaken(tx, ctx, displayName, existing.id)))
        return "conflict" as const;
      await writeGroup(tx, ctx, existing, before, next, "replace", "pull");
      return "changed" as const;
    });
    if (outcome === "conflict")
      counts.conflicts.push(`group ${g.name ?? g.remoteId}: another group of this source has the name`);
    else counts[outcome]++;
  }
  const gone =
    read.kind === "full"
      ? (
          await ctx.db
            .select({ externalId: directoryGroups.externalId })
            .from(directoryGroups)
            .where(and(eq(directoryGroups.managedBy, ctx.sourceKey), isNotNull(directoryGroups.externalId)))
        )
          .map((r) => r.externalId!)
          .filter((id) => !read.groups.some((g) => g.remoteId === id))
      : read.removedGroupIds;
  for (const remoteId of gone) {
    const removed = await ctx.db.transaction(async (tx) => {
      const [group] = await tx.select().from(directoryGroups).where(sourceGroup(ctx, remoteId)).for("update");
      if (group) await removeGroup(tx, ctx, group, "pull");
      return Boolean(group);
    });
    if (removed) counts.removed++;
  }
  return counts;
}

async function managedOnly(tx: Tx, ctx: SourceContext, ids: string[]) {
  if (ids.length === 0) return ids;
  const rows = await tx
    .select({ id: identities.id })
    .from(identities)
    .where(and(inArray(identities.id, ids), eq(identities.managedBy, ctx.sourceKey)));
  const mine = new Set(rows.map((r) => r.id));
  return ids.filter((id) => mine.has(id));
}

async function nameTaken(tx: Tx, ctx: SourceContext, name: string, exceptId?: string) {
  const [taken] = await tx
    .select({ id: directoryGroups.id })
    .from(directoryGroups)
    .where(
      and(
        eq(directoryGroups.managedBy, ctx.sourceKey),
        sql`lower(${directoryGroups.displayName}) = ${name.toLowerCase()}`,
        exceptId ? sql`${directoryGroups.id} <> ${exceptId}` : undefined,
      ),
    );
  return Boolean(taken);
}
