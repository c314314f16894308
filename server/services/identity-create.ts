import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { hasValue } from "@/server/core/identity/attributes";
import { owns, type OwnedAttributes } from "@/server/core/identity/ownership";
import { isActiveStatus } from "@/server/core/identity/status";
import { validateAttributes } from "@/server/core/identity/validate";
import type { Tx } from "@/server/db/client";
import { insertRows } from "@/server/db/insert-rows";
import { columnsFor } from "@/server/db/identity-columns";
import { identities, identityAttributeChanges } from "@/server/db/schema";
import { ownershipFor, writerFor, type AttributeWriter } from "./attribute-ownership";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";
import { planAccessChanges } from "./lifecycle/plan";

const nameFrom = (externalId: string) =>
  externalId
    .split(/[._-]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join(" ");

export interface NewIdentityInput {
  externalId: string;
  /** defaults to <externalId>@CLEARANCE_EMAIL_DOMAIN (company.com) */
  email: string | null;
  /** defaults to the external id in words ("sarah.chen" → "Sarah Chen") */
  displayName: string | null;
  /** HR attributes; employment_status defaults to Active; manager is an email */
  attributes: Record<string, unknown>;
  source: "hr_event" | "csv" | "scim" | "admin" | "pull";
  /** the HR source whose token hires the person and so manages them; null or absent: none */
  managedBy?: string | null;
  effectiveAt: Date;
  reason: string;
}

/**
 * The attributes the writer owns (issue 16, point 3). A source's others are ignored and
 * recorded; IT adding someone by hand hears which field it may not fill in.
 */
function ownedPart(input: NewIdentityInput, writer: AttributeWriter | null, mine: OwnedAttributes) {
  if (!writer) return { owned: input.attributes, ignored: [] };
  const entries = Object.entries(input.attributes);
  // A new person the source says is not active is never created Active by default, owned or not.
  const keep = (attribute: string, value: unknown) =>
    owns(mine, attribute) || (attribute === "employment_status" && !isActiveStatus(String(value ?? "Active")));
  const ignored = entries
    .filter(([attribute, value]) => !keep(attribute, value) && hasValue(value))
    .map(([attribute, sent]) => ({ attribute, sent }));
  const refused = ignored[0];
  if (writer.kind === "manual" && refused)
    throw new DomainError(
      "INVALID_INPUT",
      `${refused.attribute}: people added by hand do not own this attribute; an HR source sets it (HR sources → Attribute ownership)`,
      { field: refused.attribute },
    );
  return { owned: Object.fromEntries(entries.filter(([attribute, value]) => keep(attribute, value))), ignored };
}

const invalid = (problems: { field: string; message: string }[]) =>
  new DomainError("INVALID_INPUT", problems.map((p) => p.message).join("; "), { field: problems[0]!.field });

/** One input checked and cut to what its writer owns: what will be stored, with its manager's email. */
async function prepare(input: NewIdentityInput, ownership: (writer: AttributeWriter) => Promise<OwnedAttributes>) {
  // Checked before ownership: a misspelt attribute is an error, not an ignored write.
  const { manager: _, ...sent } = input.attributes;
  const checked = validateAttributes(sent);
  if (!checked.ok) throw invalid(checked.problems);
  const writer = writerFor(input.source, input.managedBy);
  const { owned, ignored } = ownedPart(input, writer, writer ? await ownership(writer) : null);
  const { manager, ...rest } = owned as Record<string, unknown> & { manager?: string | null };
  const validated = validateAttributes({ employment_status: "Active", ...rest });
  if (!validated.ok) throw invalid(validated.problems);
  const email = (
    input.email ?? `${input.externalId}@${process.env.CLEARANCE_EMAIL_DOMAIN ?? "company.com"}`
  ).toLowerCase();
  return { input, email, manager: manager ? manager.toLowerCase() : null, values: validated.values, ignored };
}

/**
 * A joiner (HR event, SCIM, CSV): the row, the first history entries, the audit event and the
 * joiner plan, in the caller's transaction.
 */
export async function createIdentity(tx: Tx, ctx: ServiceContext, input: NewIdentityInput) {
  return (await createIdentities(tx, ctx, [input]))[0]!;
}

/** The HR columns of someone hired without them: every row gives them all, so they go in one statement. */
const unset = {
  department: null,
  jobTitle: null,
  team: null,
  location: null,
  employmentType: null,
  jobLevel: null,
  hireDate: null,
  costCenter: null,
  trainings: [],
  groups: [],
};

/** One person: their row back from the insert; many: inserted as JSON (insert-rows.ts), then read. */
async function insertIdentities(tx: Tx, values: (typeof identities.$inferInsert & { id: string })[]) {
  if (values.length === 1) return tx.insert(identities).values(values).returning();
  await insertRows(tx, identities, values);
  const rows = await tx
    .select()
    .from(identities)
    .where(sql`${identities.id} = any(${sql.param(values.map((v) => v.id))}::uuid[])`);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return values.map((v) => byId.get(v.id)!);
}

/**
 * createIdentity for many joiners at once (a directory pull's first read of 10,000 people): each
 * is checked as createIdentity checks one, and the first problem fails the whole call, naming the
 * field. Their rows, history, audit events and joiner plans are then written a statement for all
 * of them (planAccessChanges). A manager is someone already stored or an earlier person in
 * `inputs`, so a directory sends managers before their reports.
 */
export async function createIdentities(tx: Tx, ctx: ServiceContext, inputs: readonly NewIdentityInput[]) {
  if (inputs.length === 0) return [];
  const owned = new Map<string, Promise<OwnedAttributes>>();
  const ownership = (writer: AttributeWriter) => {
    const key = writer.kind === "source" ? `source:${writer.key}` : writer.kind;
    if (!owned.has(key))
      owned.set(
        key,
        ownershipFor(tx, writer, null).then((o) => o.writer),
      );
    return owned.get(key)!;
  };
  const people: Awaited<ReturnType<typeof prepare>>[] = [];
  for (const input of inputs) people.push(await prepare(input, ownership));

  const emails = people.map((p) => p.email);
  const wanted = [...new Set([...emails, ...people.flatMap((p) => (p.manager ? [p.manager] : []))])];
  const stored = new Map(
    (
      await tx
        .select({ id: identities.id, email: sql<string>`lower(${identities.email})` })
        .from(identities)
        .where(sql`lower(${identities.email}) = any(${sql.param(wanted)}::text[])`)
    ).map((r) => [r.email, r.id]),
  );
  const seen = new Map<string, number>();
  people.forEach((p, i) => {
    if (p.manager && !stored.has(p.manager) && !seen.has(p.manager))
      throw new DomainError("INVALID_INPUT", `No identity has the manager email ${p.manager}`, { field: "manager" });
    if (stored.has(p.email) || seen.has(p.email))
      throw new DomainError("CONFLICT", `Another identity already has the email ${p.email}`, { field: "email" });
    seen.set(p.email, i);
  });

  const now = ctx.clock();
  const ids = new Map(people.map((p) => [p.email, randomUUID()]));
  const values = people.map(({ input, email, manager, values }) => ({
    id: ids.get(email)!,
    externalId: input.externalId,
    email,
    displayName: input.displayName?.trim() || nameFrom(input.externalId),
    employmentStatus: "Active",
    ...unset,
    ...columnsFor(values),
    // a manager hired in this same call is a row of the same statement, checked at its end
    managerId: manager ? (stored.get(manager) ?? ids.get(manager)!) : null,
    managedBy: input.managedBy ?? null,
    // IT added them by hand: the first source that sends their email takes them over (identity-takeover.ts).
    awaitingSource: input.source === "admin",
    createdAt: now,
    updatedAt: now,
  }));
  const rows = await insertIdentities(tx, values);

  const stories = people.map((p) => ({ ...p, values: { ...p.values, ...(p.manager ? { manager: p.manager } : {}) } }));
  await insertRows(
    tx,
    identityAttributeChanges,
    stories.flatMap(({ input, values }, i) =>
      Object.entries(values).map(([attribute, value]) => ({
        identityId: rows[i]!.id,
        attribute,
        oldValue: null,
        newValue: value ?? null,
        source: input.source,
        effectiveAt: input.effectiveAt,
        recordedAt: now,
        actorLabel: actorLabel(ctx.actor),
        reason: input.reason,
      })),
    ),
  );
  for (const [i, { input, email, values, ignored }] of stories.entries())
    await recordAuditEvent(tx, ctx, {
      action: "identity.hired",
      subjectType: "identity",
      subjectId: rows[i]!.id,
      after: {
        externalId: input.externalId,
        email,
        ...values,
        ...(input.managedBy ? { managedBy: input.managedBy } : {}),
      },
      reason: input.reason,
      context: {
        source: input.source,
        // what the source sent for attributes it does not own (issue 16, point 3): not applied
        ...(ignored.length ? { ignored: Object.fromEntries(ignored.map((w) => [w.attribute, w.sent])) } : {}),
      },
    });
  await planAccessChanges(
    tx,
    ctx,
    stories.map(({ input, values }, i) => ({
      identityId: rows[i]!.id,
      before: null,
      source: input.source,
      changes: values,
      reason: input.reason,
    })),
  );
  return rows;
}
