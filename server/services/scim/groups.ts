import { and, asc, count, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { MAX_RESULTS } from "@/server/core/scim/discovery";
import { ScimError, invalidValue } from "@/server/core/scim/errors";
import { parseFilter } from "@/server/core/scim/filter";
import {
  applyGroupPatch,
  groupVersionOf,
  readGroupResource,
  toScimGroup,
  type ScimGroupRow,
  type ScimGroupState,
} from "@/server/core/scim/group";
import { checkIfMatch, listResponse, readPage } from "@/server/core/scim/messages";
import type { Db, DbOrTx, Tx } from "@/server/db/client";
import { directoryGroupMembers, directoryGroups, identities, scimUserProfiles } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { SourceContext } from "../context";
import { refusingUniqueViolation, retryingDeadlocks } from "../unique-violation";
import { groupFilterToSql } from "./group-filter-sql";
import { lockPeople, refreshGroupsOf } from "./group-membership";

/** Where Groups and their members' Users are, for meta.location and members[].$ref. */
export interface GroupUrls {
  groupsUrl: string;
  usersUrl: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = (id: string) => new DomainError("NOT_FOUND", `No Group has id ${id}`, { field: "id" });
/** A source reaches only its own groups (as its own people: docs/security/source-scoping.md). */
const managedBy = (ctx: SourceContext) => eq(directoryGroups.managedBy, ctx.sourceKey);

export type GroupRecord = typeof directoryGroups.$inferSelect;

/** The members of some groups: the source's own people (its groups hold no one else; this makes sure). */
async function membersOf(db: DbOrTx, ctx: SourceContext, groupIds: string[]) {
  if (groupIds.length === 0) return new Map<string, { id: string; displayName: string | null }[]>();
  const rows = await db
    .select({ groupId: directoryGroupMembers.groupId, id: identities.id, displayName: identities.displayName })
    .from(directoryGroupMembers)
    .innerJoin(identities, eq(identities.id, directoryGroupMembers.identityId))
    .where(and(inArray(directoryGroupMembers.groupId, groupIds), eq(identities.managedBy, ctx.sourceKey)))
    .orderBy(asc(identities.displayName), asc(identities.id));
  const out = new Map<string, { id: string; displayName: string | null }[]>();
  for (const r of rows) out.set(r.groupId, [...(out.get(r.groupId) ?? []), { id: r.id, displayName: r.displayName }]);
  return out;
}

const rowOf = (g: GroupRecord, members: ScimGroupRow["members"]): ScimGroupRow => ({
  id: g.id,
  displayName: g.displayName,
  externalId: g.externalId,
  members,
  createdAt: g.createdAt,
  updatedAt: g.updatedAt,
});

async function loadGroup(db: DbOrTx, ctx: SourceContext, id: string, opts: { forUpdate?: boolean } = {}) {
  if (!UUID.test(id)) throw notFound(id);
  const query = db
    .select()
    .from(directoryGroups)
    .where(and(eq(directoryGroups.id, id), managedBy(ctx)))
    .limit(1);
  const [group] = opts.forUpdate ? await query.for("update") : await query;
  if (!group) throw notFound(id);
  return group;
}

/** GET /Groups: a page of the source's groups, filtered in PostgreSQL; members left out when asked. */
export async function listScimGroups({
  ctx,
  input,
}: {
  ctx: SourceContext;
  input: GroupUrls & { filter: string | null; startIndex: string | null; count: string | null; members: boolean };
}) {
  const page = readPage(input.startIndex, input.count, MAX_RESULTS);
  const where = and(managedBy(ctx), input.filter?.trim() ? groupFilterToSql(parseFilter(input.filter)) : undefined);
  const [groups, [total]] = await Promise.all([
    page.count === 0
      ? []
      : ctx.db
          .select()
          .from(directoryGroups)
          .where(where)
          .orderBy(asc(directoryGroups.createdAt), asc(directoryGroups.id))
          .limit(page.count)
          .offset(page.startIndex - 1),
    ctx.db.select({ n: count() }).from(directoryGroups).where(where),
  ]);
  const members = input.members
    ? await membersOf(
        ctx.db,
        ctx,
        groups.map((g) => g.id),
      )
    : null;
  return listResponse(
    groups.map((g) => toScimGroup(rowOf(g, members ? (members.get(g.id) ?? []) : null), input)),
    total?.n ?? 0,
    page.startIndex,
  );
}

export async function getScimGroup({
  ctx,
  input,
}: {
  ctx: SourceContext;
  input: GroupUrls & { id: string; members: boolean };
}) {
  const group = await loadGroup(ctx.db, ctx, input.id);
  const members = input.members ? ((await membersOf(ctx.db, ctx, [group.id])).get(group.id) ?? []) : null;
  return toScimGroup(rowOf(group, members), input);
}

const checkVersion = (group: GroupRecord, ifMatch: string | null | undefined) =>
  checkIfMatch("Group", groupVersionOf(group.updatedAt), ifMatch);

/** Members must be Users of this source (not deleted over SCIM); anyone else is answered as no User. */
async function checkMembers(tx: Tx, ctx: SourceContext, ids: string[]) {
  const bad = ids.find((id) => !UUID.test(id));
  if (bad) throw invalidValue(`members[${ids.indexOf(bad)}].value`, `no User has id ${bad}`);
  if (ids.length === 0) return;
  const found = await tx
    .select({ id: identities.id })
    .from(identities)
    .leftJoin(scimUserProfiles, eq(scimUserProfiles.identityId, identities.id))
    .where(
      and(inArray(identities.id, ids), eq(identities.managedBy, ctx.sourceKey), isNull(scimUserProfiles.deletedAt)),
    );
  const known = new Set(found.map((f) => f.id));
  const missing = ids.find((id) => !known.has(id));
  if (missing) throw invalidValue(`members[${ids.indexOf(missing)}].value`, `no User has id ${missing}`);
}

/**
 * Group names are unique within a source, case-insensitively. Another source may have a group of
 * the same name: policies match names whoever sends them, as they match a department (each
 * source is trusted for its own people's attributes), and a 409 here tells nothing of others.
 */
async function checkName(tx: Tx, ctx: SourceContext, name: string, exceptId?: string) {
  const [taken] = await tx
    .select({ id: directoryGroups.id })
    .from(directoryGroups)
    .where(
      and(
        sql`lower(${directoryGroups.displayName}) = ${name.toLowerCase()}`,
        managedBy(ctx),
        exceptId ? ne(directoryGroups.id, exceptId) : undefined,
      ),
    )
    .limit(1);
  if (taken)
    throw new ScimError("uniqueness", `displayName: another Group is already called ${name}`, {
      field: "displayName",
    });
}

const AUDITED_MEMBERS = 100;

/** Who changes a source's groups: its SCIM client, or Clearance pulling its directory. */
export type GroupChannel = "scim" | "pull";
const channelNames: Record<GroupChannel, string> = { scim: "SCIM", pull: "Directory pull" };

/**
 * Writes a group's next state in the caller's transaction: the row, the membership, every
 * affected person's `groups` attribute (joiners and leavers of the group; everyone in it when
 * it is renamed) and the audit event. The caller has locked those people (lockPeople).
 */
export async function writeGroup(
  tx: Tx,
  ctx: SourceContext,
  group: GroupRecord,
  before: ScimGroupState | null,
  next: ScimGroupState,
  verb: string,
  channel: GroupChannel = "scim",
) {
  const had = new Set(before?.members ?? []);
  const wanted = new Set(next.members);
  const added = next.members.filter((m) => !had.has(m));
  const removed = [...had].filter((m) => !wanted.has(m));
  const renamed = before !== null && before.displayName !== next.displayName;
  const affected = [...new Set([...added, ...removed, ...(renamed ? next.members : [])])];
  if (before && (renamed || before.externalId !== next.externalId || added.length || removed.length))
    await tx
      .update(directoryGroups)
      .set({ displayName: next.displayName, externalId: next.externalId, updatedAt: ctx.clock() })
      .where(eq(directoryGroups.id, group.id));
  if (added.length)
    await tx
      .insert(directoryGroupMembers)
      .values(added.map((identityId) => ({ groupId: group.id, identityId })))
      .onConflictDoNothing();
  if (removed.length)
    await tx
      .delete(directoryGroupMembers)
      .where(and(eq(directoryGroupMembers.groupId, group.id), inArray(directoryGroupMembers.identityId, removed)));
  if (!before || renamed || before.externalId !== next.externalId || added.length || removed.length)
    await recordAuditEvent(tx, ctx, {
      action: before ? "directory_group.changed" : "directory_group.created",
      subjectType: "directory_group",
      subjectId: group.id,
      before: before ? { displayName: before.displayName, externalId: before.externalId } : null,
      after: {
        displayName: next.displayName,
        externalId: next.externalId,
        membersAdded: added.length,
        membersRemoved: removed.length,
        // The first ids of each; every person's own change is in their history with its plan.
        added: added.slice(0, AUDITED_MEMBERS),
        removed: removed.slice(0, AUDITED_MEMBERS),
      },
      reason: `${channelNames[channel]} ${verb}`,
      context: { source: channel },
    });
  await refreshGroupsOf(tx, ctx, affected, `${channelNames[channel]} group ${verb}: ${next.displayName}`, channel);
}

export const stateOf = async (tx: Tx, group: GroupRecord): Promise<ScimGroupState> => ({
  displayName: group.displayName,
  externalId: group.externalId,
  members: (
    await tx
      .select({ id: directoryGroupMembers.identityId })
      .from(directoryGroupMembers)
      .where(eq(directoryGroupMembers.groupId, group.id))
  ).map((m) => m.id),
});

/** POST /Groups: a new group of this source's people. */
export async function createScimGroup({ ctx, input }: { ctx: SourceContext; input: GroupUrls & { body: unknown } }) {
  const next = readGroupResource(input.body);
  return writing(ctx, async (tx) => {
    await checkName(tx, ctx, next.displayName);
    // Locked before they are checked: a handover cannot slip in between.
    await lockPeople(tx, next.members);
    await checkMembers(tx, ctx, next.members);
    const now = ctx.clock();
    const [group] = await tx
      .insert(directoryGroups)
      .values({
        managedBy: ctx.sourceKey,
        displayName: next.displayName,
        externalId: next.externalId,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await writeGroup(tx, ctx, group!, null, next, "create");
    return getScimGroup({
      ctx: { ...ctx, db: tx as unknown as Db },
      input: { ...input, id: group!.id, members: true },
    });
  });
}

/**
 * A group write: one transaction, run again if it lost a deadlock, and a 409 (never a 500) when
 * another write took the same name at the same moment.
 */
const writing = <T>(ctx: SourceContext, work: (tx: Tx) => Promise<T>) =>
  retryingDeadlocks(() =>
    refusingUniqueViolation(
      () => ctx.db.transaction(work),
      () =>
        new ScimError("uniqueness", "displayName: another Group took this name at the same moment", {
          field: "displayName",
        }),
    ),
  );

type WriteInput = GroupUrls & { id: string; ifMatch?: string | null; body: unknown };

async function change(
  ctx: SourceContext,
  input: WriteInput,
  verb: string,
  nextOf: (s: ScimGroupState) => ScimGroupState,
) {
  return writing(ctx, async (tx) => {
    const group = await loadGroup(tx, ctx, input.id, { forUpdate: true });
    checkVersion(group, input.ifMatch);
    const before = await stateOf(tx, group);
    const next = nextOf(before);
    if (next.displayName !== before.displayName) await checkName(tx, ctx, next.displayName, group.id);
    const added = next.members.filter((m) => !before.members.includes(m));
    // Locked before the new members are checked: a handover cannot slip in between.
    await lockPeople(tx, [...new Set([...added, ...before.members])]);
    await checkMembers(tx, ctx, added);
    await writeGroup(tx, ctx, group, before, next, verb);
    return getScimGroup({ ctx: { ...ctx, db: tx as unknown as Db }, input: { ...input, members: true } });
  });
}

/** PUT /Groups/{id}: the group as sent, members included, replaces what was there. */
export function replaceScimGroup({ ctx, input }: { ctx: SourceContext; input: WriteInput }) {
  const next = readGroupResource(input.body);
  return change(ctx, input, "replace", () => next);
}

/** PATCH /Groups/{id}: members added and removed (Okta, Entra ID), the name changed; all or nothing. */
export function patchScimGroup({ ctx, input }: { ctx: SourceContext; input: WriteInput }) {
  return change(ctx, input, "patch", (before) => applyGroupPatch(before, input.body));
}

/** DELETE /Groups/{id}: the group is gone, and its members' groups attribute with it (each re-evaluated). */
export async function deleteScimGroup({
  ctx,
  input,
}: {
  ctx: SourceContext;
  input: { id: string; ifMatch?: string | null };
}) {
  await writing(ctx, async (tx) => {
    const group = await loadGroup(tx, ctx, input.id, { forUpdate: true });
    checkVersion(group, input.ifMatch);
    await removeGroup(tx, ctx, group, "scim");
  });
}

/** A group deleted (over SCIM, or gone from a pulled directory): its members lose it, each re-evaluated. */
export async function removeGroup(tx: Tx, ctx: SourceContext, group: GroupRecord, channel: GroupChannel) {
  const { members } = await stateOf(tx, group);
  await lockPeople(tx, members);
  await tx.delete(directoryGroups).where(eq(directoryGroups.id, group.id));
  await recordAuditEvent(tx, ctx, {
    action: "directory_group.deleted",
    subjectType: "directory_group",
    subjectId: group.id,
    before: { displayName: group.displayName, externalId: group.externalId, members: members.length },
    reason: `${channelNames[channel]} delete`,
    context: { source: channel },
  });
  await refreshGroupsOf(tx, ctx, members, `${channelNames[channel]} group delete: ${group.displayName}`, channel);
}
