import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError, isDomainError } from "@/server/core/errors";
import { readUserResource, type ScimObject } from "@/server/core/scim/coerce";
import { MAX_RESULTS } from "@/server/core/scim/discovery";
import { invalidValue, ScimError } from "@/server/core/scim/errors";
import { parseFilter } from "@/server/core/scim/filter";
import { listResponse, readPage } from "@/server/core/scim/messages";
import { applyPatch } from "@/server/core/scim/patch";
import { ENTERPRISE_SCHEMA } from "@/server/core/scim/schema";
import { toScimUser, userChanges, versionOf, type ScimIdentity, type UserChanges } from "@/server/core/scim/user";
import type { Db, DbOrTx, Tx } from "@/server/db/client";
import { identities } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { SourceContext } from "../context";
import { changeIdentityAttributes } from "../identities";
import { createIdentity } from "../identity-create";
import { takeOverAwaitingPerson } from "../identity-takeover";
import { filterToSql } from "./filter-sql";

/** Every SCIM call knows the URL of /Users, for meta.location and manager.$ref. */
interface UsersUrl {
  usersUrl: string;
}

const manager = alias(identities, "manager");
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The one answer for a User that does not exist and for one the token's source does not manage. */
const notFound = (id: string) => new DomainError("NOT_FOUND", `No User has id ${id}`, { field: "id" });

/** The people the token's source manages: every read and write is limited to them. */
const managedBy = (ctx: SourceContext) => eq(identities.managedBy, ctx.sourceKey);
// The manager's name shows only when the same source manages the manager; the id (opaque) always
// does, as it is the person's own attribute. filter-sql.ts reads manager.displayName the same way.
const managerJoin = and(eq(manager.id, identities.managerId), eq(manager.managedBy, identities.managedBy));
const selection = { identity: identities, managerName: manager.displayName };

function scimIdentityOf(row: { identity: typeof identities.$inferSelect; managerName: string | null }): ScimIdentity {
  const i = row.identity;
  return {
    id: i.id,
    externalId: i.externalId,
    email: i.email,
    displayName: i.displayName,
    department: i.department,
    jobTitle: i.jobTitle,
    team: i.team,
    location: i.location,
    employmentType: i.employmentType,
    employmentStatus: i.employmentStatus,
    jobLevel: i.jobLevel,
    hireDate: i.hireDate,
    costCenter: i.costCenter,
    trainings: i.trainings,
    manager: i.managerId ? { id: i.managerId, displayName: row.managerName } : null,
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
  };
}

/** One User the source manages; locked for a write, so a handover waits for it (or it for the handover, then sees it). */
async function loadIdentity(
  db: DbOrTx,
  ctx: SourceContext,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ScimIdentity> {
  if (!UUID.test(id)) throw notFound(id);
  const query = db
    .select(selection)
    .from(identities)
    .leftJoin(manager, managerJoin)
    .where(and(eq(identities.id, id), managedBy(ctx)))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for("update", { of: identities }) : await query;
  if (!row) throw notFound(id);
  return scimIdentityOf(row);
}

/** If-Match (RFC 7644 §3.14): a write based on an older version is refused with 412. */
function checkVersion(person: ScimIdentity, ifMatch: string | null | undefined) {
  if (!ifMatch || ifMatch.trim() === "*") return;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  const current = strip(versionOf(person.updatedAt));
  if (!ifMatch.split(",").some((tag) => strip(tag) === current))
    throw new DomainError(
      "PRECONDITION_FAILED",
      `The User changed since version ${ifMatch.trim()}; it is now ${versionOf(person.updatedAt)}`,
      { field: "If-Match" },
    );
}

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
    input.filter?.trim() ? filterToSql(parseFilter(input.filter), input.usersUrl) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    page.count === 0
      ? []
      : ctx.db
          .select(selection)
          .from(identities)
          .leftJoin(manager, managerJoin)
          .where(where)
          .orderBy(asc(identities.createdAt), asc(identities.id))
          .limit(page.count)
          .offset(page.startIndex - 1),
    ctx.db.select({ n: count() }).from(identities).where(where),
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

/**
 * userName (the email) and externalId are unique (RFC 7643 §4.1.1) across the whole directory;
 * another User holding either is a 409 uniqueness, worded the same whoever manages that User.
 */
async function assertUnique(tx: Tx, values: { email?: string; externalId?: string }, exceptId?: string) {
  const others = exceptId ? ne(identities.id, exceptId) : undefined;
  if (values.email) {
    const [taken] = await tx
      .select({ id: identities.id })
      .from(identities)
      .where(and(sql`lower(${identities.email}) = ${values.email.toLowerCase()}`, others))
      .limit(1);
    if (taken)
      throw new ScimError("uniqueness", `userName: another User already has ${values.email}`, { field: "userName" });
  }
  if (values.externalId) {
    const [taken] = await tx
      .select({ id: identities.id })
      .from(identities)
      .where(and(eq(identities.externalId, values.externalId), others))
      .limit(1);
    if (taken)
      throw new ScimError("uniqueness", `externalId: another User already has ${values.externalId}`, {
        field: "externalId",
      });
  }
}

/**
 * The manager's email for enterprise manager.value (an id of a User here). A manager may be
 * managed by another source (an IdP's contractors report to HR's employees); the id is opaque.
 */
async function managerEmailOf(tx: Tx, id: string): Promise<string> {
  const [row] = UUID.test(id)
    ? await tx.select({ email: identities.email }).from(identities).where(eq(identities.id, id)).limit(1)
    : [];
  if (!row) throw invalidValue(`${ENTERPRISE_SCHEMA}:manager.value`, `no User has id ${id}`);
  return row.email;
}

const reasonOf = (verb: string) => `SCIM ${verb}`;
const UNIQUE_VIOLATION = "23505";

/** Two clients writing the same userName or externalId at once: the unique indexes decide, the loser hears uniqueness. */
async function uniquely<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
    if (code === UNIQUE_VIOLATION)
      throw new ScimError("uniqueness", "userName or externalId: another User took it at the same moment", {
        field: "userName",
      });
    throw err;
  }
}

/**
 * POST /Users: a joiner, managed by the token's source. createIdentity writes the person, their
 * history, the audit event and the joiner plan in this transaction. Someone who exists already
 * (whoever manages them) is a 409 uniqueness: a POST takes over only a person IT added by hand
 * who awaits a source (identity-takeover.ts).
 */
export async function createScimUser({ ctx, input }: { ctx: SourceContext; input: UsersUrl & { body: unknown } }) {
  const changes = userChanges(null, readUserResource(input.body), { keepUnsentExtensions: false });
  return uniquely(() =>
    ctx.db.transaction(async (tx) => {
      // Someone IT added by hand with this email: this source takes them over, and the POST updates them.
      const takenOver = await takeOverAwaitingPerson(tx, ctx, {
        email: changes.email!,
        externalId: changes.externalId!,
        sourceKey: ctx.sourceKey,
        via: "scim",
      }).catch((err: unknown) => {
        if (isDomainError(err) && err.code === "CONFLICT")
          throw new ScimError("uniqueness", `externalId: another User already has ${changes.externalId}`, {
            field: "externalId",
          });
        throw err;
      });
      if (takenOver) {
        const person = await loadIdentity(tx, ctx, takenOver, { forUpdate: true });
        await applyChanges(tx, ctx, person, changes, reasonOf("create"));
        return toScimUser(await loadIdentity(tx, ctx, takenOver), input.usersUrl);
      }
      await assertUnique(tx, changes);
      const managerEmail = changes.managerId ? await managerEmailOf(tx, changes.managerId) : null;
      const row = await createIdentity(tx, ctx, {
        externalId: changes.externalId!,
        email: changes.email!,
        displayName: changes.displayName ?? null,
        attributes: { ...changes.attributes, ...(managerEmail ? { manager: managerEmail } : {}) },
        source: "scim",
        managedBy: ctx.sourceKey,
        effectiveAt: ctx.clock(),
        reason: reasonOf("create"),
      });
      return toScimUser(await loadIdentity(tx, ctx, row.id), input.usersUrl);
    }),
  );
}

/**
 * Writes what a PUT or PATCH asks, in the caller's transaction: the email, name and externalId
 * with their own audit event, then the HR attributes through changeIdentityAttributes, which
 * records history and the audit event, re-evaluates access and stores the joiner/mover/leaver
 * plan (and ends the portal sessions of someone who stops being Active).
 */
async function applyChanges(tx: Tx, ctx: SourceContext, person: ScimIdentity, changes: UserChanges, reason: string) {
  const account = Object.fromEntries(
    (["email", "displayName", "externalId"] as const)
      .filter((k) => changes[k] !== undefined && changes[k] !== person[k])
      .map((k) => [k, changes[k]!]),
  ) as Partial<Record<"email" | "displayName" | "externalId", string>>;
  if (Object.keys(account).length) {
    await assertUnique(tx, account, person.id);
    await tx
      .update(identities)
      .set({ ...account, updatedAt: ctx.clock() })
      .where(eq(identities.id, person.id));
    await recordAuditEvent(tx, ctx, {
      action: "identity.account_changed",
      subjectType: "identity",
      subjectId: person.id,
      before: Object.fromEntries(Object.keys(account).map((k) => [k, person[k as keyof typeof account]])),
      after: account,
      reason,
      context: { source: "scim" },
    });
  }
  const attributes: Record<string, unknown> = { ...changes.attributes };
  if (changes.managerId !== undefined)
    attributes.manager = changes.managerId ? await managerEmailOf(tx, changes.managerId) : null;
  await changeIdentityAttributes({
    ctx: { ...ctx, db: tx as unknown as Db },
    input: { identityId: person.id, attributes, source: "scim", effectiveAt: ctx.clock(), reason },
  });
}

type WriteInput = UsersUrl & { id: string; ifMatch?: string | null };

/** PUT /Users/{id}: the User as sent replaces what was there (extensions not sent are kept; see userChanges). */
export async function replaceScimUser({ ctx, input }: { ctx: SourceContext; input: WriteInput & { body: unknown } }) {
  const next = readUserResource(input.body);
  return uniquely(() =>
    ctx.db.transaction(async (tx) => {
      const person = await loadIdentity(tx, ctx, input.id, { forUpdate: true });
      checkVersion(person, input.ifMatch);
      const changes = userChanges(
        { resource: toScimUser(person, input.usersUrl), employmentStatus: person.employmentStatus },
        next,
        { keepUnsentExtensions: true },
      );
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
      const current: ScimObject = toScimUser(person, input.usersUrl);
      const changes = userChanges(
        { resource: current, employmentStatus: person.employmentStatus },
        applyPatch(current, input.body),
        { keepUnsentExtensions: false },
      );
      await applyChanges(tx, ctx, person, changes, reasonOf("patch"));
      return toScimUser(await loadIdentity(tx, ctx, input.id), input.usersUrl);
    }),
  );
}

/**
 * DELETE /Users/{id}: Clearance keeps people and their history, so a delete is a termination
 * (employment_status Terminated: access removed by a leaver plan, portal sessions ended). The
 * User stays readable with active=false; deleting a terminated User again changes nothing.
 */
export async function deleteScimUser({
  ctx,
  input,
}: {
  ctx: SourceContext;
  input: { id: string; ifMatch?: string | null };
}) {
  await ctx.db.transaction(async (tx) => {
    const person = await loadIdentity(tx, ctx, input.id, { forUpdate: true });
    checkVersion(person, input.ifMatch);
    await changeIdentityAttributes({
      ctx: { ...ctx, db: tx as unknown as Db },
      input: {
        identityId: person.id,
        attributes: { employment_status: "Terminated" },
        source: "scim",
        effectiveAt: ctx.clock(),
        reason: reasonOf("delete"),
      },
    });
  });
}
