import { sql } from "drizzle-orm";
import {
  boolean,
  bigserial,
  date,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";
import { hrSources } from "./hr";

/**
 * A person with HR attributes, as the HR system (or SCIM, or a CSV import) reports them.
 * Values are stored raw; the policy engine normalizes them through attribute_aliases.
 */
export const identities = pgTable(
  "identities",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** The HR system's own id for the person (e.g. "sarah.chen"). */
    externalId: text().notNull(),
    email: text().notNull(),
    /** The account name on target systems: the email's local part (sarah.chen). */
    username: text().generatedAlwaysAs(sql`split_part(lower(email), '@', 1)`),
    displayName: text().notNull(),
    department: text(),
    jobTitle: text(),
    team: text(),
    location: text(),
    employmentType: text(),
    employmentStatus: text().notNull(),
    jobLevel: text(),
    hireDate: date({ mode: "string" }),
    managerId: uuid().references((): AnyPgColumn => identities.id, { onDelete: "set null" }),
    costCenter: text(),
    trainings: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** The names of the directory groups the person is in (directory_group_members), for policies. */
    groups: text()
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * The HR source whose token may read and change this person (docs/security/source-scoping.md);
     * null when no token may: the demo seed, a CSV import, IT by hand.
     */
    managedBy: text().references(() => hrSources.key),
    /**
     * Added by IT by hand (or by CLEARANCE_ADMINS) before any source knew them: the first HR event
     * or SCIM request that names their email takes them over, once (issue 15, point 8).
     */
    awaitingSource: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("identities_external_id_key").on(t.externalId),
    uniqueIndex("identities_email_lower_key").on(sql`lower(${t.email})`),
    index("identities_display_name_idx").on(t.displayName),
    index("identities_department_idx").on(t.department),
    index("identities_manager_idx").on(t.managerId),
    index("identities_username_idx").on(t.username),
    index("identities_managed_by_idx").on(t.managedBy),
    // audit events name their subject by id as text: the audit log joins a page of them to people through this
    index("identities_id_text_idx").on(sql`(${t.id}::text)`),
  ],
);

/** One row per attribute that changed, so a person's history can be shown and audited. */
export const identityAttributeChanges = pgTable(
  "identity_attribute_changes",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    attribute: text().notNull(),
    oldValue: jsonb(),
    newValue: jsonb(),
    /** Where the change came from: seed, hr_event, csv, scim, admin. */
    source: text().notNull(),
    /** When the change takes effect in HR terms (may differ from when it was recorded). */
    effectiveAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    recordedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    actorLabel: text().notNull(),
    /** Why, as HR or the importer said it: "Promotion", "Transfer", "Termination". */
    reason: text(),
  },
  (t) => [index("identity_attribute_changes_identity_idx").on(t.identityId, t.effectiveAt)],
);

/** Messy HR spellings and their canonical value ("Eng" → "Engineering"). */
export const attributeAliases = pgTable(
  "attribute_aliases",
  {
    id: uuid().primaryKey().defaultRandom(),
    attribute: text().notNull(),
    rawValue: text().notNull(),
    canonicalValue: text().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("attribute_aliases_raw_key").on(t.attribute, sql`lower(${t.rawValue})`)],
);
