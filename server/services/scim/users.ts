import { isDeepStrictEqual } from "node:util";
import { and, asc, count, eq, sql } from "drizzle-orm";
import { isDomainError } from "@/server/core/errors";
import { readUserResource } from "@/server/core/scim/coerce";
import { MAX_RESULTS } from "@/server/core/scim/discovery";
import { invalidValue, ScimError } from "@/server/core/scim/errors";
import { parseFilter } from "@/server/core/scim/filter";
import { checkIfMatch, listResponse, readPage } from "@/server/core/scim/messages";
import { applyPatch } from "@/server/core/scim/patch";
import { ENTERPRISE_SCHEMA } from "@/server/core/scim/schema";
import { impliedProfile, type ScimProfile } from "@/server/core/scim/profile";
import {
  toScimUser,
  userChanges,
  versionOf,
  type CurrentUser,
  type ScimIdentity,
  type UserChanges,
} from "@/server/core/scim/user";
import type { Tx } from "@/server/db/client";
import { identities, scimUserProfiles } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { SourceContext } from "../context";
import { changeIdentityAttributesIn } from "../identities";
import { createIdentity, type NewIdentityInput } from "../identity-create";
import { takeOverAwaitingPerson } from "../identity-takeover";
import { refusingUniqueViolation, retryingDeadlocks } from "../unique-violation";
import { filterToSql } from "./filter-sql";
import { deletedBySource, saveProfile, signInFromOf } from "./user-profiles";
import { assertAllUnique, assertUnique, hrIdOf, uniqueness } from "./user-uniqueness";
import { leaveOtherSourcesGroups } from "./group-membership";
import {
  loadIdentity,
  managedBy,
  manager,
  managerJoin,
  notDeleted,
  scimIdentityOf,
  selection,
  UUID,
  type StoredUser,
} from "./user-rows";

/** Every SCIM call knows the URL of /Users, for meta.location and manager.$ref. */
interface UsersUrl {
  usersUrl: string;
}

const checkVersion = (person: ScimIdentity, ifMatch: string | null | undefined) =>
  checkIfMatch("User", versionOf(person.updatedAt), ifMatch);

/**
 * GET /Users: a page of the source's Users, filtered in PostgreSQL (see filter-sql.ts for why not
 * in memory), oldest first so that pages are stable while a client walks them. totalResults
 * counts the source's people only.
 */
export async function listScimUsers({
  ctx,
  input,
}: {
  ctx: SourceContext;
  input: UsersUrl & { filter: string | null; startIndex: string | null; count: string | null };
}) {
  const page = readPage(input.startIndex, input.count, MAX_RESULTS);
  const where = and(
    managedBy(ctx),
    notDeleted,
    input.filter?.trim() ? filterToSql(parseFilter(input.filter), input.usersUrl) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    page.count === 0
      ? []
      : ctx.db
          .select(selection)
          .from(identities)
          .leftJoin(manager, managerJoin)
          .leftJoin(scimUserProfiles, eq(scimUserProfiles.identityId, identities.id))
          .where(where)
          .orderBy(asc(identities.createdAt), asc(identities.id))
          .limit(page.count)
          .offset(page.startIndex - 1),
    ctx.db
      .select({ n: count() })
      .from(identities)
      .leftJoin(scimUserProfiles, eq(scimUserProfiles.identityId, identities.id))
      .where(where),
  ]);
  return listResponse(
    rows.map((r) => toScimUser(scimIdentityOf(r), input.usersUrl)),
    total?.n ?? 0,
    page.startIndex,
  );
}

export async function getScimUser({ ctx, input }: { ctx: SourceContext; input: UsersUrl & { id: string } }) {
  return toScimUser(await loadIdentity(ctx.db, ctx, input.id), input.usersUrl);
}

const currentUser = (person: ScimIdentity, usersUrl: string): CurrentUser => ({
  resource: toScimUser(person, usersUrl),
  employmentStatus: person.employmentStatus,
  email: person.email,
  externalId: person.externalId,
});

/**
 * The manager's email for enterprise manager.value (an id of a User here). A manager may be
 * managed by another source (an IdP's contractors report to HR's employees); the id is opaque.
 */
async function managerEmailOf(tx: Tx, id: string): Promise<string> {
  return (await managerEmailsOf(tx, [id])).get(id)!;
}

/** managerEmailOf for several ids (a batch of POSTs) in one query: each one's email, by the id as sent. */
async function managerEmailsOf(tx: Tx, ids: readonly string[]): Promise<Map<string, string>> {
  // an id in capitals names the same uuid; PostgreSQL gives it back in small letters
  const valid = [...new Set(ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const rows = valid.length
    ? await tx
        .select({ id: identities.id, email: identities.email })
        .from(identities)
        .where(sql`${identities.id} = any(${sql.param(valid)}::uuid[])`)
    : [];
  const found = new Map(rows.map((r) => [r.id, r.email]));
  const unknown = ids.find((id) => !found.has(id.toLowerCase()));
  if (unknown !== undefined) throw invalidValue(`${ENTERPRISE_SCHEMA}:manager.value`, `no User has id ${unknown}`);
  return new Map(ids.map((id) => [id, found.get(id.toLowerCase())!]));
}

const reasonOf = (verb: string) => `SCIM ${verb}`;
/** Two clients writing the same userName or externalId at once: the unique indexes decide, the loser hears uniqueness. */
export const uniquely = <T>(write: () => Promise<T>) =>
  refusingUniqueViolation(
    () => retryingDeadlocks(write),
    () =>
      new ScimError("uniqueness", "userName, email or externalId: another User took it at the same moment", {
        field: "userName",
      }),
  );

/** A new User as createIdentity hires them, once their unique values are checked and their manager found. */
export async function joinerOf(tx: Tx, ctx: SourceContext, changes: UserChanges): Promise<NewIdentityInput> {
  return (await joinersOf(tx, ctx, [changes]))[0]!;
}

/** joinerOf for several (a batch of POSTs): their unique values checked in one statement. */
export async function joinersOf(tx: Tx, ctx: SourceContext, many: readonly UserChanges[]): Promise<NewIdentityInput[]> {
  await assertAllUnique(
    tx,
    many.map((changes) => ({
      userName: changes.profile.userName,
      externalId: changes.profile.externalId,
      email: changes.email,
      hrId: hrIdOf(changes.externalId, changes.profile),
    })),
  );
  const managers = await managerEmailsOf(
    tx,
    many.flatMap((changes) => (changes.managerId ? [changes.managerId] : [])),
  );
  return many.map((changes): NewIdentityInput => {
    const managerEmail = changes.managerId ? managers.get(changes.managerId)! : null;
    return {
      externalId: changes.externalId!,
      email: changes.email!,
      displayName: changes.displayName ?? null,
      attributes: { ...changes.attributes, ...(managerEmail ? { manager: managerEmail } : {}) },
      source: "scim",
      managedBy: ctx.sourceKey,
      effectiveAt: ctx.clock(),
      reason: reasonOf("create"),
    };
  });
}

/**
 * POST /Users: a joiner, managed by the token's source. createIdentity writes the person, their
 * history, the audit event and the joiner plan in this transaction. Someone who exists already
 * (whoever manages them) is a 409 uniqueness: a POST takes over only a person IT added by hand
 * who awaits a source (identity-takeover.ts), or brings back one this source deleted.
 */
export async function createScimUser({ ctx, input }: { ctx: SourceContext; input: UsersUrl & { body: unknown } }) {
  const resource = readUserResource(input.body);
  return uniquely(() =>
    ctx.db.transaction(async (tx) => {
      const changes = userChanges(null, resource, {
        keepUnsentExtensions: false,
        signInFrom: await signInFromOf(tx, ctx),
      });
      const existing =
        (await deletedBySource(tx, ctx, changes.email!)) ??
        // Someone IT added by hand with this email: this source takes them over, and the POST updates them.
        (await takeOverAwaitingPerson(tx, ctx, {
          email: changes.email!,
          externalId: changes.externalId!,
          sourceKey: ctx.sourceKey,
          via: "scim",
        }).catch((err: unknown) => {
          if (isDomainError(err) && err.code === "CONFLICT") throw uniqueness("externalId", changes.externalId!);
          throw err;
        }));
      if (existing) {
        const person = await loadIdentity(tx, ctx, existing, { forUpdate: true, withDeleted: true });
        const again = userChanges(currentUser(person, input.usersUrl), resource, {
          keepUnsentExtensions: false,
          signInFrom: await signInFromOf(tx, ctx),
        });
        // A POST is a whole new User: active unless it says otherwise.
        if (resource.active !== false) again.attributes.employment_status = "Active";
        await applyChanges(tx, ctx, person, again, reasonOf("create"));
        return toScimUser(await loadIdentity(tx, ctx, existing), input.usersUrl);
      }
      const row = await createIdentity(tx, ctx, await joinerOf(tx, ctx, changes));
      await saveProfile(tx, row.id, changes.profile);
      return toScimUser(await loadIdentity(tx, ctx, row.id), input.usersUrl);
    }),
  );
}

// Deep equality, not JSON text: jsonb gives back the keys of name and emails in its own order.
const sameProfile = (a: ScimProfile, b: ScimProfile) => isDeepStrictEqual(a, b);

/**
 * Writes what a POST, PUT or PATCH asks, in the caller's transaction: the client's view of the
 * person (userName, emails, phone numbers, name in parts) and the sign-in email, name and HR id
 * with their own audit event, then the HR attributes through changeIdentityAttributes, which
 * records history and the audit event, re-evaluates access and stores the joiner/mover/leaver
 * plan (and ends the portal sessions of someone who stops being Active).
 */
async function applyChanges(tx: Tx, ctx: SourceContext, person: StoredUser, changes: UserChanges, reason: string) {
  const account = Object.fromEntries(
    (["email", "displayName", "externalId"] as const)
      .filter((k) => changes[k] !== undefined && changes[k] !== person[k])
      .map((k) => [k, changes[k]!]),
  ) as Partial<Record<"email" | "displayName" | "externalId", string>>;
  const profileBefore = person.profile ?? impliedProfile(person);
  const profileDiffers = !sameProfile(profileBefore, changes.profile);
  // A revived User's row is saved even when nothing else changed: that clears its deletion.
  const profileChanged = !person.profile || profileDiffers || person.deleted;
  // Only what changes is checked: a duplicate that arose elsewhere must not block a deactivation.
  await assertUnique(
    tx,
    {
      userName:
        changes.profile.userName.toLowerCase() !== profileBefore.userName.toLowerCase()
          ? changes.profile.userName
          : undefined,
      externalId: changes.profile.externalId !== profileBefore.externalId ? changes.profile.externalId : undefined,
      email: account.email,
      hrId: hrIdOf(account.externalId, changes.profile),
    },
    person.id,
  );
  if (Object.keys(account).length)
    await tx
      .update(identities)
      .set({ ...account, updatedAt: ctx.clock() })
      .where(eq(identities.id, person.id));
  if (profileChanged) await saveProfile(tx, person.id, changes.profile);
  if (Object.keys(account).length || profileDiffers)
    await recordAuditEvent(tx, ctx, {
      action: "identity.account_changed",
      subjectType: "identity",
      subjectId: person.id,
      before: {
        ...Object.fromEntries(Object.keys(account).map((k) => [k, person[k as keyof typeof account]])),
        ...(profileDiffers ? { scim: profileBefore } : {}),
      },
      after: { ...account, ...(profileDiffers ? { scim: changes.profile } : {}) },
      reason,
      context: { source: "scim" },
    });
  if (profileDiffers && !Object.keys(account).length)
    await tx.update(identities).set({ updatedAt: ctx.clock() }).where(eq(identities.id, person.id));
  const attributes: Record<string, unknown> = { ...changes.attributes };
  if (changes.managerId !== undefined)
    attributes.manager = changes.managerId ? await managerEmailOf(tx, changes.managerId) : null;
  await writeAttributes(tx, ctx, person.id, attributes, reason);
}

/** HR attributes go the way every writer's do: ownership, history, audit event, plan. */
const writeAttributes = (tx: Tx, ctx: SourceContext, identityId: string, attributes: object, reason: string) =>
  changeIdentityAttributesIn(tx, ctx, {
    identityId,
    attributes: { ...attributes },
    source: "scim",
    sourceKey: ctx.sourceKey,
    reason,
  });

type WriteInput = UsersUrl & { id: string; ifMatch?: string | null };

/** PUT /Users/{id}: the User as sent replaces what was there (extensions not sent are kept; see userChanges). */
export async function replaceScimUser({ ctx, input }: { ctx: SourceContext; input: WriteInput & { body: unknown } }) {
  const next = readUserResource(input.body);
  return uniquely(() =>
    ctx.db.transaction(async (tx) => {
      const person = await loadIdentity(tx, ctx, input.id, { forUpdate: true });
      checkVersion(person, input.ifMatch);
      const changes = userChanges(currentUser(person, input.usersUrl), next, {
        keepUnsentExtensions: true,
        signInFrom: await signInFromOf(tx, ctx),
      });
      await applyChanges(tx, ctx, person, changes, reasonOf("replace"));
      return toScimUser(await loadIdentity(tx, ctx, input.id), input.usersUrl);
    }),
  );
}

/** PATCH /Users/{id}: the operations apply to the current User, all or none. */
export async function patchScimUser({ ctx, input }: { ctx: SourceContext; input: WriteInput & { body: unknown } }) {
  return uniquely(() =>
    ctx.db.transaction(async (tx) => {
      const person = await loadIdentity(tx, ctx, input.id, { forUpdate: true });
      checkVersion(person, input.ifMatch);
      const current = currentUser(person, input.usersUrl);
      const changes = userChanges(current, applyPatch(current.resource, input.body), {
        keepUnsentExtensions: false,
        signInFrom: await signInFromOf(tx, ctx),
      });
      await applyChanges(tx, ctx, person, changes, reasonOf("patch"));
      return toScimUser(await loadIdentity(tx, ctx, input.id), input.usersUrl);
    }),
  );
}

/**
 * DELETE /Users/{id}: the User is gone for SCIM from then on (404, RFC 7644 §3.6), and a POST
 * may create it again. Clearance keeps people and their history, so the identity is terminated
 * (a leaver plan removes access, portal sessions end) and stays in the portal and the audit trail.
 */
export async function deleteScimUser({
  ctx,
  input,
}: {
  ctx: SourceContext;
  input: { id: string; ifMatch?: string | null };
}) {
  await uniquely(() =>
    ctx.db.transaction(async (tx) => {
      const person = await loadIdentity(tx, ctx, input.id, { forUpdate: true });
      checkVersion(person, input.ifMatch);
      // A deleted User is in no group: its groups go, with their grants, as part of the leaver plan's run.
      await leaveOtherSourcesGroups(tx, ctx, [person.id], null, reasonOf("delete"));
      const profile = person.profile ?? impliedProfile(person);
      await tx
        .insert(scimUserProfiles)
        .values({ identityId: person.id, ...profile, deletedAt: ctx.clock() })
        .onConflictDoUpdate({ target: scimUserProfiles.identityId, set: { deletedAt: ctx.clock() } });
      await recordAuditEvent(tx, ctx, {
        action: "identity.scim_deleted",
        subjectType: "identity",
        subjectId: person.id,
        before: { userName: profile.userName },
        reason: reasonOf("delete"),
        context: { source: "scim" },
      });
      // a source that does not own employment_status deletes its User, not the person's job
      await writeAttributes(tx, ctx, person.id, { employment_status: "Terminated" }, reasonOf("delete"));
    }),
  );
}
