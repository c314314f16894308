import { eq } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { DomainError } from "@/server/core/errors";
import { hasValue } from "@/server/core/identity/attributes";
import { owns } from "@/server/core/identity/ownership";
import { isActiveStatus } from "@/server/core/identity/status";
import { validateAttributes } from "@/server/core/identity/validate";
import type { Tx } from "@/server/db/client";
import { columnsFor } from "@/server/db/identity-columns";
import { identities, identityAttributeChanges } from "@/server/db/schema";
import { ownershipFor, writerFor } from "./attribute-ownership";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";
import { planAccessChange } from "./lifecycle/plan";

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
async function ownedPart(tx: Tx, input: NewIdentityInput) {
  const writer = writerFor(input.source, input.managedBy);
  if (!writer) return { owned: input.attributes, ignored: [] };
  const { writer: mine } = await ownershipFor(tx, writer, null);
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

/**
 * A joiner (HR event, SCIM, CSV): the row, the first history entries, the audit event and the
 * joiner plan, in the caller's transaction.
 */
export async function createIdentity(tx: Tx, ctx: ServiceContext, input: NewIdentityInput) {
  // Checked before ownership: a misspelt attribute is an error, not an ignored write.
  const { manager: _, ...sent } = input.attributes;
  const checked = validateAttributes(sent);
  if (!checked.ok)
    throw new DomainError("INVALID_INPUT", checked.problems.map((p) => p.message).join("; "), {
      field: checked.problems[0]!.field,
    });
  const { owned, ignored } = await ownedPart(tx, input);
  const { manager, ...rest } = owned as Record<string, unknown> & { manager?: string | null };
  const validated = validateAttributes({ employment_status: "Active", ...rest });
  if (!validated.ok)
    throw new DomainError("INVALID_INPUT", validated.problems.map((p) => p.message).join("; "), {
      field: validated.problems[0]!.field,
    });
  const managerRow = manager
    ? (await tx.select({ id: identities.id }).from(identities).where(eq(identities.email, manager.toLowerCase())))[0]
    : undefined;
  if (manager && !managerRow)
    throw new DomainError("INVALID_INPUT", `No identity has the manager email ${manager}`, { field: "manager" });
  const email = (
    input.email ?? `${input.externalId}@${process.env.CLEARANCE_EMAIL_DOMAIN ?? "company.com"}`
  ).toLowerCase();
  const [taken] = await tx.select({ id: identities.id }).from(identities).where(eq(identities.email, email));
  if (taken) throw new DomainError("CONFLICT", `Another identity already has the email ${email}`, { field: "email" });
  const now = ctx.clock();
  const [row] = await tx
    .insert(identities)
    .values({
      externalId: input.externalId,
      email,
      displayName: input.displayName?.trim() || nameFrom(input.externalId),
      employmentStatus: "Active",
      ...columnsFor(validated.values),
      managerId: managerRow?.id ?? null,
      managedBy: input.managedBy ?? null,
      // IT added them by hand: the first source that sends their email takes them over (identity-takeover.ts).
      awaitingSource: input.source === "admin",
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  const values = { ...validated.values, ...(manager ? { manager } : {}) };
  await tx.insert(identityAttributeChanges).values(
    Object.entries(values).map(([attribute, value]) => ({
      identityId: row!.id,
      attribute,
      oldValue: null,
      newValue: value ?? null,
      source: input.source,
      effectiveAt: input.effectiveAt,
      recordedAt: now,
      actorLabel: actorLabel(ctx.actor),
      reason: input.reason,
    })),
  );
  await recordAuditEvent(tx, ctx, {
    action: "identity.hired",
    subjectType: "identity",
    subjectId: row!.id,
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
  await planAccessChange(tx, ctx, {
    identityId: row!.id,
    before: null,
    source: input.source,
    changes: values,
    reason: input.reason,
  });
  return row!;
}
