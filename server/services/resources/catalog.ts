import { and, asc, count, eq, inArray, isNull, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import {
  changedFields,
  resourceInputSchema,
  resourceKeyOf,
  textsNaming,
  type NamedText,
  type ResourceInput,
} from "@/server/core/resources/catalog";
import type { DbOrTx, Tx } from "@/server/db/client";
import {
  accessExceptions,
  expectedAccess,
  identities,
  provisioningOperations,
  fallbackPolicies,
  requestTemplates,
  resourceOwners,
  resources,
  systems,
} from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { activeVersion, versionFiles } from "../policies/engine";
import { adapterOf } from "../provisioning/adapters";

/**
 * The resource catalog (issue 15, point 7): what each system offers, with its display name,
 * owners, sensitivity, whether people may ask for it, and the form a request opens with. Every
 * change is one audit event in the transaction that makes it.
 */

type Resource = typeof resources.$inferSelect;
export type SaveOutcome = "created" | "changed" | "unchanged";

/** A system IT may add resources to: it exists and is not retired. */
export async function activeSystem(db: DbOrTx, systemKey: string) {
  const [system] = await db.select().from(systems).where(eq(systems.key, systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${systemKey}"`, { field: "systemKey" });
  if (system.retiredAt)
    throw new DomainError("CONFLICT", `System "${systemKey}" is retired: it takes no new resources`, {
      field: "systemKey",
    });
  return system;
}

/** Owners' emails → their ids; an email nobody has is INVALID_INPUT naming it. */
async function ownerIds(db: DbOrTx, emails: string[]): Promise<string[]> {
  const wanted = [...new Set(emails.map((e) => e.toLowerCase()))];
  if (wanted.length === 0) return [];
  const rows = await db
    .select({ id: identities.id, email: sql<string>`lower(${identities.email})` })
    .from(identities)
    .where(inArray(sql`lower(${identities.email})`, wanted));
  const byEmail = new Map(rows.map((r) => [r.email, r.id]));
  const unknown = wanted.filter((e) => !byEmail.has(e));
  if (unknown.length)
    throw new DomainError("INVALID_INPUT", `Owners: nobody has the email ${unknown.join(", ")}`, {
      field: "ownerEmails",
    });
  return wanted.map((e) => byEmail.get(e)!);
}

/** A resource's default form must be a catalog form that grants that resource. */
async function checkTemplate(db: DbOrTx, templateKey: string | null, resourceKey: string) {
  if (!templateKey) return;
  const [t] = await db
    .select({ key: requestTemplates.key, definition: requestTemplates.definition })
    .from(requestTemplates)
    .where(and(eq(requestTemplates.key, templateKey), eq(requestTemplates.origin, "catalog")));
  if (!t)
    throw new DomainError("INVALID_INPUT", `Default request form: there is no form "${templateKey}"`, {
      field: "defaultTemplateKey",
    });
  const grants = (t.definition as { grants?: { resource: string }[] }).grants ?? [];
  if (!grants.some((g) => g.resource === resourceKey))
    throw new DomainError(
      "INVALID_INPUT",
      `Default request form: "${templateKey}" does not grant ${resourceKey}; choose a form that does`,
      { field: "defaultTemplateKey" },
    );
}

/** Owners' emails per resource id, sorted. */
export async function ownerEmailsOf(db: DbOrTx, resourceIds: string[]): Promise<Map<string, string[]>> {
  const owners = new Map<string, string[]>();
  if (resourceIds.length === 0) return owners;
  const rows = await db
    .select({ resourceId: resourceOwners.resourceId, email: sql<string>`lower(${identities.email})` })
    .from(resourceOwners)
    .innerJoin(identities, eq(identities.id, resourceOwners.identityId))
    .where(inArray(resourceOwners.resourceId, resourceIds))
    .orderBy(asc(sql`lower(${identities.email})`));
  for (const r of rows) owners.set(r.resourceId, [...(owners.get(r.resourceId) ?? []), r.email]);
  return owners;
}

const catalogFields = (r: Resource, ownerEmails: string[]) => ({
  displayName: r.displayName,
  description: r.description,
  sensitivity: r.sensitivity as ResourceInput["sensitivity"],
  requestable: r.requestable,
  defaultTemplateKey: r.defaultTemplateKey,
  ownerEmails,
});

/** A resource as the catalog has it now (owners by email), or null. */
export async function catalogEntry(db: DbOrTx, key: string): Promise<ResourceInput | null> {
  const [row] = await db.select().from(resources).where(eq(resources.key, key));
  if (!row) return null;
  const owners = (await ownerEmailsOf(db, [row.id])).get(row.id) ?? [];
  return { systemKey: row.systemKey, type: row.type, name: row.name, ...catalogFields(row, owners) };
}

/**
 * Creates or changes one resource inside the caller's transaction, with its audit event.
 * `mode` says what the caller expects: "create" refuses an existing key, "update" a missing one.
 */
export async function saveResourceIn(
  tx: Tx,
  ctx: ServiceContext,
  raw: ResourceInput,
  mode: "create" | "update" | "upsert",
  via?: string,
): Promise<{ key: string; outcome: SaveOutcome }> {
  const parsed = resourceInputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? "resource");
    throw new DomainError("INVALID_INPUT", `${field}: ${issue.message}`, { field });
  }
  const input = parsed.data;
  const key = resourceKeyOf(input);
  await activeSystem(tx, input.systemKey);
  const owners = await ownerIds(tx, input.ownerEmails);
  await checkTemplate(tx, input.defaultTemplateKey, key);
  const [existing] = await tx.select().from(resources).where(eq(resources.key, key)).for("update");
  if (existing && mode === "create")
    throw new DomainError("CONFLICT", `${key} is already in the catalog`, { field: "name" });
  if (!existing && mode === "update")
    throw new DomainError("NOT_FOUND", `There is no resource ${key}`, { field: "key" });
  const values = {
    displayName: input.displayName,
    description: input.description,
    sensitivity: input.sensitivity,
    requestable: input.requestable,
    defaultTemplateKey: input.defaultTemplateKey,
  };
  const after = { ...values, ownerEmails: [...new Set(input.ownerEmails.map((e) => e.toLowerCase()))].sort() };

  if (!existing) {
    const [created] = await tx
      .insert(resources)
      .values({ key, systemKey: input.systemKey, type: input.type, name: input.name, ...values })
      .onConflictDoNothing()
      .returning();
    if (!created) throw new DomainError("CONFLICT", `${key} is already in the catalog`, { field: "name" });
    if (owners.length)
      await tx.insert(resourceOwners).values(owners.map((identityId) => ({ resourceId: created.id, identityId })));
    await recordAuditEvent(tx, ctx, {
      action: "resource.created",
      subjectType: "resource",
      subjectId: key,
      after: via ? { ...after, via } : after,
    });
    return { key, outcome: "created" };
  }

  const before = catalogFields(existing, (await ownerEmailsOf(tx, [existing.id])).get(existing.id) ?? []);
  const changed = changedFields(before, after);
  if (changed.length === 0) return { key, outcome: "unchanged" };
  await tx.update(resources).set(values).where(eq(resources.id, existing.id));
  if (changed.includes("ownerEmails")) {
    await tx.delete(resourceOwners).where(eq(resourceOwners.resourceId, existing.id));
    if (owners.length)
      await tx.insert(resourceOwners).values(owners.map((identityId) => ({ resourceId: existing.id, identityId })));
  }
  const pick = (o: Record<string, unknown>) => Object.fromEntries(changed.map((f) => [f, o[f]]));
  await recordAuditEvent(tx, ctx, {
    action: "resource.changed",
    subjectType: "resource",
    subjectId: key,
    before: pick(before),
    after: via ? { ...pick(after), via } : pick(after),
  });
  return { key, outcome: "changed" };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
/** Policy files of the active version and fallbacks: texts that may name a resource. */
export async function textsNamingResources(db: DbOrTx): Promise<NamedText[]> {
  const version = await activeVersion(db);
  const files = await versionFiles(db, version?.id ?? null);
  const fallbacks = await db
    .select({ name: fallbackPolicies.name, source: fallbackPolicies.source })
    .from(fallbackPolicies);
  return [
    ...files.map((f) => ({ kind: "policy file" as const, name: f.path, source: f.source })),
    ...fallbacks.map((f) => ({ kind: "fallback" as const, ...f })),
  ];
}

/**
 * Why a resource cannot leave the catalog: whatever still uses it or has used it, or names it
 * (removing it would make those policies and fallbacks fail their lint). Queries run one after
 * another: `db` may be a transaction's single connection.
 */
export async function resourceInUse(db: DbOrTx, key: string, texts?: readonly NamedText[]): Promise<string[]> {
  const [exceptions] = await db
    .select({ n: count() })
    .from(accessExceptions)
    .where(eq(accessExceptions.resourceKey, key));
  const [held] = await db.select({ n: count() }).from(expectedAccess).where(eq(expectedAccess.resourceKey, key));
  const [operations] = await db
    .select({ n: count() })
    .from(provisioningOperations)
    .where(
      and(
        eq(provisioningOperations.resourceKey, key),
        inArray(provisioningOperations.status, ["pending", "waiting", "failed"]),
      ),
    );
  // Any form that grants it, active or not: a pending request on a retired form still needs it.
  const templates = await db
    .select({ key: requestTemplates.key })
    .from(requestTemplates)
    .where(
      sql`exists (select 1 from jsonb_array_elements(${requestTemplates.definition} -> 'grants') g where g ->> 'resource' = ${key})`,
    );
  const naming = textsNaming(texts ?? (await textsNamingResources(db)), key);
  const policies = naming.filter((t) => t.kind === "policy file").map((t) => t.name);
  const fallbacks = naming.filter((t) => t.kind === "fallback").map((t) => t.name);
  const left: string[] = [];
  if (exceptions!.n) left.push(`${plural(exceptions!.n, "exception", "exceptions")} in its history`);
  if (held!.n) left.push(`${plural(held!.n, "person holds", "people hold")} it by policy`);
  if (operations!.n) left.push(plural(operations!.n, "unfinished operation", "unfinished operations"));
  if (templates.length)
    left.push(`request form${templates.length === 1 ? "" : "s"} ${templates.map((t) => t.key).join(", ")}`);
  if (policies.length) left.push(`policy file${policies.length === 1 ? "" : "s"} ${policies.join(", ")}`);
  if (fallbacks.length) left.push(`fallback${fallbacks.length === 1 ? "" : "s"} ${fallbacks.join(", ")}`);
  return left;
}

/** Takes a resource out of the catalog; refused while anything uses it or its history needs it. */
export async function removeResourceIn(tx: Tx, ctx: ServiceContext, key: string, reason: string) {
  const [existing] = await tx.select().from(resources).where(eq(resources.key, key)).for("update");
  if (!existing) throw new DomainError("NOT_FOUND", `There is no resource ${key}`, { field: "key" });
  const left = await resourceInUse(tx, key);
  if (left.length)
    throw new DomainError(
      "CONFLICT",
      `${key} cannot leave the catalog: ${left.join("; ")}. Mark it not requestable instead`,
      { field: "key" },
    );
  const owners = (await ownerEmailsOf(tx, [existing.id])).get(existing.id) ?? [];
  await tx.delete(resources).where(eq(resources.id, existing.id));
  await recordAuditEvent(tx, ctx, {
    action: "resource.removed",
    subjectType: "resource",
    subjectId: key,
    before: catalogFields(existing, owners),
    reason,
  });
}

export async function addResource({ ctx, input }: { ctx: ServiceContext; input: ResourceInput }) {
  return ctx.db.transaction((tx) => saveResourceIn(tx, ctx, input, "create"));
}

export async function editResource({ ctx, input }: { ctx: ServiceContext; input: ResourceInput }) {
  return ctx.db.transaction((tx) => saveResourceIn(tx, ctx, input, "update"));
}

export async function removeResource({ ctx, input }: { ctx: ServiceContext; input: { key: string; reason: string } }) {
  await ctx.db.transaction((tx) => removeResourceIn(tx, ctx, input.key, input.reason.trim()));
  return { key: input.key };
}

/** Whether the system's adapter can list what the system has (LDAP groups, PostgreSQL roles). */
function canDiscover(system: typeof systems.$inferSelect) {
  try {
    return typeof adapterOf(system).listResources === "function";
  } catch {
    return false; // settings the adapter refuses: the system page says so
  }
}

/** One system's catalog for IT: each resource with its owners and open exceptions, and the forms to pick from. */
export async function listSystemResources({ ctx, input }: { ctx: ServiceContext; input: { systemKey: string } }) {
  const [system] = await ctx.db.select().from(systems).where(eq(systems.key, input.systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${input.systemKey}"`, { field: "systemKey" });
  const [rows, open, forms] = await Promise.all([
    ctx.db.select().from(resources).where(eq(resources.systemKey, system.key)).orderBy(asc(resources.key)),
    ctx.db
      .select({ key: accessExceptions.resourceKey, n: count() })
      .from(accessExceptions)
      .innerJoin(resources, eq(resources.key, accessExceptions.resourceKey))
      .where(and(eq(resources.systemKey, system.key), isNull(accessExceptions.endedAt)))
      .groupBy(accessExceptions.resourceKey),
    ctx.db
      .select({ key: requestTemplates.key, name: requestTemplates.name })
      .from(requestTemplates)
      .where(and(eq(requestTemplates.origin, "catalog"), eq(requestTemplates.active, true)))
      .orderBy(asc(requestTemplates.name)),
  ]);
  const owners = await ownerEmailsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  const openBy = new Map(open.map((o) => [o.key, o.n]));
  return {
    system: {
      key: system.key,
      name: system.name,
      retired: system.retiredAt !== null,
      canDiscover: canDiscover(system),
    },
    resources: rows.map((r) => ({
      key: r.key,
      type: r.type,
      name: r.name,
      ...catalogFields(r, owners.get(r.id) ?? []),
      openExceptions: openBy.get(r.key) ?? 0,
    })),
    forms,
  };
}
