import { and, asc, count, desc, eq, ilike, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { diffAttributes, type AttributeValue, type HrAttribute } from "@/server/core/identity/attributes";
import { isActiveStatus } from "@/server/core/identity/status";
import { validateAttributes } from "@/server/core/identity/validate";
import { identitySortKeys, type IdentitySortKey } from "@/server/core/identity/directory";
import { effectiveRoles } from "@/server/core/roles";
import { splitByOwnership, type IgnoredWrite } from "@/server/core/identity/ownership";
import type { DbOrTx, Tx } from "@/server/db/client";
import { attributesOf, columnsFor } from "@/server/db/identity-columns";
import { containsPattern } from "@/server/db/like";
import { hrSources, identities, identityAttributeChanges, portalRoleAssignments } from "@/server/db/schema";
import { planAccessChange, type AccessChangeInput } from "./lifecycle/plan";
import { ownershipFor, writerFor } from "./attribute-ownership";
import { recordAuditEvent } from "./audit";
import { endSessionsOf } from "./sessions";
import type { ServiceContext } from "./context";

export { identitySortKeys, type IdentitySortKey };

const sortColumns = {
  name: identities.displayName,
  email: identities.email,
  department: identities.department,
  job_title: identities.jobTitle,
  location: identities.location,
  status: identities.employmentStatus,
  hire_date: identities.hireDate,
} satisfies Record<IdentitySortKey, unknown>;

export interface ListIdentitiesInput {
  page: number;
  pageSize: number;
  search?: string;
  department?: string;
  status?: string;
  sort: IdentitySortKey;
  direction: "asc" | "desc";
}

/** One page of people, filtered and sorted in the database. */
export async function listIdentities({ ctx, input }: { ctx: ServiceContext; input: ListIdentitiesInput }) {
  const filters: SQL[] = [];
  const term = input.search?.trim();
  if (term) {
    const p = containsPattern(term);
    filters.push(
      or(
        ilike(identities.displayName, p),
        ilike(identities.email, p),
        ilike(identities.jobTitle, p),
        ilike(identities.department, p),
        ilike(identities.team, p),
        ilike(identities.location, p),
      )!,
    );
  }
  if (input.department) filters.push(eq(identities.department, input.department));
  if (input.status) filters.push(eq(identities.employmentStatus, input.status));
  const where = filters.length ? and(...filters) : undefined;

  const order = input.direction === "asc" ? asc : desc;
  const column = sortColumns[input.sort];
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select({
        id: identities.id,
        displayName: identities.displayName,
        email: identities.email,
        department: identities.department,
        jobTitle: identities.jobTitle,
        location: identities.location,
        employmentStatus: identities.employmentStatus,
        hireDate: identities.hireDate,
      })
      .from(identities)
      .where(where)
      // nulls last whatever the direction, then a stable tie-break so pages never overlap
      // (a column that cannot be null is not ordered by "is null": the planner then walks its index)
      .orderBy(...(column.notNull ? [] : [sql`${column} is null`]), order(column), asc(identities.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(identities).where(where),
  ]);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

/** Values to filter the directory by. */
export async function listIdentityFacets({ ctx }: { ctx: ServiceContext }) {
  const [departments, statuses] = await Promise.all([
    ctx.db
      .selectDistinct({ value: identities.department })
      .from(identities)
      .where(sql`${identities.department} is not null`)
      .orderBy(identities.department),
    ctx.db.selectDistinct({ value: identities.employmentStatus }).from(identities).orderBy(identities.employmentStatus),
  ]);
  return {
    departments: departments.map((d) => d.value!),
    statuses: statuses.map((s) => s.value),
  };
}

const manager = alias(identities, "manager");

async function loadIdentity(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}) {
  const query = db
    .select({ identity: identities, managerEmail: manager.email, managerName: manager.displayName })
    .from(identities)
    .leftJoin(manager, eq(manager.id, identities.managerId))
    .where(eq(identities.id, id))
    .limit(1);
  const [row] = opts.forUpdate ? await query.for("update", { of: identities }) : await query;
  if (!row) throw new DomainError("NOT_FOUND", "No identity with this id", { field: "id" });
  return row;
}

/** A person's attributes, portal roles, manager and number of direct reports. */
export async function getIdentity({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await loadIdentity(ctx.db, input.id);
  const [roles, [reports], [source], provenance] = await Promise.all([
    ctx.db
      .select({ role: portalRoleAssignments.role })
      .from(portalRoleAssignments)
      .where(eq(portalRoleAssignments.identityId, input.id)),
    ctx.db.select({ n: count() }).from(identities).where(eq(identities.managerId, input.id)),
    row.identity.managedBy
      ? ctx.db
          .select({ key: hrSources.key, name: hrSources.name, revokedAt: hrSources.revokedAt })
          .from(hrSources)
          .where(eq(hrSources.key, row.identity.managedBy))
      : [],
    attributeProvenance(ctx.db, input.id),
  ]);
  const i = row.identity;
  return {
    id: i.id,
    externalId: i.externalId,
    email: i.email,
    displayName: i.displayName,
    attributes: attributesOf(i, row.managerEmail),
    manager: i.managerId ? { id: i.managerId, displayName: row.managerName!, email: row.managerEmail! } : null,
    roles: effectiveRoles(roles.map((r) => r.role)),
    directReports: reports?.n ?? 0,
    /** the HR source whose token may read and change this person; null: none may */
    managedBy: source ? { key: source.key, name: source.name, revoked: source.revokedAt !== null } : null,
    provenance,
    updatedAt: i.updatedAt,
  };
}

/**
 * Per attribute, which channel last set it and when (issue 16, point 3): the newest history row
 * of each. The actor label names the source ("system:scim:okta") or the person who imported.
 */
async function attributeProvenance(db: DbOrTx, identityId: string) {
  const rows = await db
    .selectDistinctOn([identityAttributeChanges.attribute], {
      attribute: identityAttributeChanges.attribute,
      source: identityAttributeChanges.source,
      actorLabel: identityAttributeChanges.actorLabel,
      effectiveAt: identityAttributeChanges.effectiveAt,
    })
    .from(identityAttributeChanges)
    .where(eq(identityAttributeChanges.identityId, identityId))
    // the newest recorded, which is the value stored (a backdated change is recorded later, effective earlier)
    .orderBy(identityAttributeChanges.attribute, desc(identityAttributeChanges.id));
  return Object.fromEntries(rows.map(({ attribute, ...set }) => [attribute, set])) as Partial<
    Record<HrAttribute, { source: string; actorLabel: string; effectiveAt: Date }>
  >;
}

/** Attribute changes of one person, newest first. */
export async function listAttributeHistory({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { identityId: string; page: number; pageSize: number };
}) {
  await loadIdentity(ctx.db, input.identityId);
  const where = eq(identityAttributeChanges.identityId, input.identityId);
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(identityAttributeChanges)
      .where(where)
      .orderBy(desc(identityAttributeChanges.effectiveAt), desc(identityAttributeChanges.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(identityAttributeChanges).where(where),
  ]);
  return {
    rows: rows.map((r) => ({
      id: r.id,
      attribute: r.attribute as HrAttribute,
      oldValue: r.oldValue as AttributeValue,
      newValue: r.newValue as AttributeValue,
      source: r.source,
      effectiveAt: r.effectiveAt,
      recordedAt: r.recordedAt,
      actorLabel: r.actorLabel,
      reason: r.reason,
    })),
    total: total?.n ?? 0,
    page: input.page,
    pageSize: input.pageSize,
  };
}

export interface ChangeAttributesInput {
  identityId: string;
  /** New values by HR attribute name; validated here, whoever sends them. */
  attributes: Record<string, unknown>;
  source: "seed" | "hr_event" | "csv" | "scim" | "admin" | "pull";
  /** the HR source writing, for "hr_event" and "scim" (and a directory pull): its attribute ownership applies */
  sourceKey?: string;
  effectiveAt?: Date;
  reason?: string;
}

/**
 * Applies new HR attribute values to a person: the row, one history entry per changed
 * attribute and the audit event commit together. Unchanged values are ignored, and so are
 * values the writer does not own (issue 16, point 3): those that differ from what is stored are
 * recorded in their own audit event. A person who stops being Active loses their portal
 * sessions in the same transaction.
 */
export async function changeIdentityAttributes({ ctx, input }: { ctx: ServiceContext; input: ChangeAttributesInput }) {
  // Bad values are refused before a transaction is opened (changeIdentityAttributesIn checks them again).
  validatedAttributes(input);
  return ctx.db.transaction((tx) => changeIdentityAttributesIn(tx, ctx, input));
}

/**
 * changeIdentityAttributes in the caller's transaction, for a writer that does more in it (a
 * directory pull's link, a SCIM write's profile): no savepoint, so its audit events are written
 * with the transaction's others. An error rolls the caller's transaction back. Given `plansLater`,
 * the plan's input is added to it for the caller to plan many people together (planAccessChanges)
 * before it commits, instead of being planned here.
 */
export async function changeIdentityAttributesIn(
  tx: Tx,
  ctx: ServiceContext,
  input: ChangeAttributesInput,
  plansLater?: AccessChangeInput[],
) {
  const validated = validatedAttributes(input);
  // Locked so that two updates of one person diff against what the other wrote.
  const current = await loadIdentity(tx, input.identityId, { forUpdate: true });
  const before = attributesOf(current.identity, current.managerEmail?.toLowerCase() ?? null);
  const writer = writerFor(input.source, input.sourceKey);
  const ownership = writer ? await ownershipFor(tx, writer, current.identity.managedBy) : null;
  const { applied, ignored } = ownership
    ? splitByOwnership(validated.values, before, ownership.writer, ownership.authority)
    : { applied: validated.values, ignored: [] as IgnoredWrite[] };
  if (ignored.length) await recordIgnoredWrites(tx, ctx, input, ignored);
  const changes = diffAttributes(before, applied);
  if (changes.length === 0) return { changed: [] as HrAttribute[], planId: null, ignored };

  const { manager: managerEmail, ...rest } = applied;
  const cols = columnsFor(rest);
  if (changes.some((c) => c.attribute === "manager")) {
    cols.managerId = managerEmail ? await managerIdFor(tx, input.identityId, String(managerEmail)) : null;
  }

  const now = ctx.clock();
  await tx
    .update(identities)
    .set({ ...cols, updatedAt: now })
    .where(eq(identities.id, input.identityId));
  await tx.insert(identityAttributeChanges).values(
    changes.map((c) => ({
      identityId: input.identityId,
      attribute: c.attribute,
      oldValue: c.oldValue,
      newValue: c.newValue,
      source: input.source,
      effectiveAt: input.effectiveAt ?? now,
      recordedAt: now,
      actorLabel: actorLabel(ctx.actor),
      reason: input.reason ?? null,
    })),
  );
  const status = changes.find((c) => c.attribute === "employment_status");
  const sessionsEnded =
    status && !isActiveStatus(String(status.newValue))
      ? await endSessionsOf(tx, input.identityId, "not_active", now)
      : 0;
  await recordAuditEvent(tx, ctx, {
    action: "identity.attributes_changed",
    subjectType: "identity",
    subjectId: input.identityId,
    before: Object.fromEntries(changes.map((c) => [c.attribute, c.oldValue])),
    after: Object.fromEntries(changes.map((c) => [c.attribute, c.newValue])),
    reason: input.reason ?? null,
    context: {
      source: input.source,
      effectiveAt: (input.effectiveAt ?? now).toISOString(),
      ...(sessionsEnded ? { sessionsEnded } : {}),
    },
  });
  const planInput: AccessChangeInput = {
    identityId: input.identityId,
    before,
    source: input.source,
    changes: Object.fromEntries(changes.map((c) => [c.attribute, c.newValue])),
    reason: input.reason ?? null,
  };
  if (plansLater) plansLater.push(planInput);
  const plan = plansLater ? null : await planAccessChange(tx, ctx, planInput);
  return { changed: changes.map((c) => c.attribute), planId: plan?.id ?? null, ignored };
}

/** The values, checked whoever sends them; the first bad one names the field. */
function validatedAttributes(input: ChangeAttributesInput) {
  const validated = validateAttributes(input.attributes);
  if (!validated.ok) {
    const [first] = validated.problems;
    throw new DomainError("INVALID_INPUT", validated.problems.map((p) => p.message).join("; "), {
      field: first!.field,
    });
  }
  return validated;
}

/** What a writer sent and was not applied, for whoever wonders why the title did not change. */
async function recordIgnoredWrites(tx: Tx, ctx: ServiceContext, input: ChangeAttributesInput, ignored: IgnoredWrite[]) {
  await recordAuditEvent(tx, ctx, {
    action: "identity.attribute_writes_ignored",
    subjectType: "identity",
    subjectId: input.identityId,
    after: Object.fromEntries(ignored.map((w) => [w.attribute, w.sent])),
    reason: input.reason ?? null,
    context: {
      source: input.source,
      ...(input.sourceKey ? { sourceKey: input.sourceKey } : {}),
      why: Object.fromEntries(ignored.map((w) => [w.attribute, w.reason])),
    },
  });
}

/** The manager's id; refuses an unknown email, the person themself, or a reporting loop. */
async function managerIdFor(db: DbOrTx, identityId: string, email: string): Promise<string> {
  const [row] = await db
    .select({ id: identities.id })
    .from(identities)
    .where(sql`lower(${identities.email}) = lower(${email})`)
    .limit(1);
  if (!row) throw new DomainError("INVALID_INPUT", `No identity has the manager email ${email}`, { field: "manager" });
  if (row.id === identityId)
    throw new DomainError("INVALID_INPUT", "A person cannot be their own manager", { field: "manager" });
  const loop = await db.execute<{ id: string }>(sql`
    with recursive chain(id, depth) as (
      select manager_id, 1 from identities where id = ${row.id}
      union all
      select i.manager_id, c.depth + 1 from identities i join chain c on i.id = c.id where c.depth < 100
    )
    select id from chain where id = ${identityId} limit 1`);
  if (loop.rows.length) {
    throw new DomainError("INVALID_INPUT", `${email} reports to this person, directly or not: that would make a loop`, {
      field: "manager",
    });
  }
  return row.id;
}
