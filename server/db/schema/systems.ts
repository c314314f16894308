import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { identities } from "./identities";
import { requestTemplates } from "./requests";

/** A target system where access lives; its access levels are ordered from lowest to highest. */
export const systems = pgTable(
  "systems",
  {
    key: text().primaryKey(),
    name: text().notNull(),
    description: text().notNull().default(""),
    /** Which adapter speaks to it (ldap, postgres, webhook, ...). */
    adapterKind: text().notNull(),
    /** the adapter's settings (server/adapters/registry.ts); secrets by environment variable name */
    adapterConfig: jsonb().notNull().default({}),
    accessLevels: text().array().notNull(),
    /** Review-before-execution (seed 001, phase 5): lifecycle steps on this system wait for IT. */
    reviewPlans: boolean().notNull().default(false),
    /** Days a transfer keeps access it no longer needs (null: the default, 30). */
    graceDays: integer(),
    /** Drift found on this system is corrected without asking. */
    driftAutoRemediate: boolean().notNull().default(false),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    /** Retired: no resources, no open access, no adapter calls; kept for the reports and the audit trail. */
    retiredAt: timestamp({ withTimezone: true, mode: "date" }),
    retiredReason: text(),
  },
  (t) => [
    check("systems_retired", sql`(${t.retiredAt} is null) = (${t.retiredReason} is null)`),
    check("systems_key_format", sql`${t.key} ~ '^[a-z][a-z0-9-]*$'`),
    check("systems_has_levels", sql`cardinality(${t.accessLevels}) > 0`),
    check("systems_grace_days", sql`${t.graceDays} is null or ${t.graceDays} between 0 and 365`),
  ],
);

/** A resource is `system:type:name`, e.g. google:group:finance-reports@company.com. */
export const resources = pgTable(
  "resources",
  {
    id: uuid().primaryKey().defaultRandom(),
    key: text().notNull().unique(),
    systemKey: text()
      .notNull()
      .references(() => systems.key),
    type: text().notNull(),
    name: text().notNull(),
    description: text().notNull().default(""),
    /** What people read in the catalog ("Finance reports"); the name when empty. */
    displayName: text().notNull().default(""),
    /** low, medium, high or critical: how much harm misuse could do (shown to requesters and approvers). */
    sensitivity: text().notNull().default("medium"),
    /** Whether people may ask for it in the portal (policy and IT may still grant it). */
    requestable: boolean().notNull().default(true),
    /** The form a request for it opens with. */
    defaultTemplateKey: text().references(() => requestTemplates.key, { onDelete: "set null", onUpdate: "cascade" }),
    /** Overrides the system's grace period for this resource (0: removed at once on a transfer). */
    graceDays: integer(),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    check("resources_key_matches_parts", sql`${t.key} = ${t.systemKey} || ':' || ${t.type} || ':' || ${t.name}`),
    index("resources_system_idx").on(t.systemKey),
    check("resources_grace_days", sql`${t.graceDays} is null or ${t.graceDays} between 0 and 365`),
    check("resources_sensitivity", sql`${t.sensitivity} in ('low', 'medium', 'high', 'critical')`),
  ],
);

/** The people who own a resource: they approve requests that ask for its owner and see its exceptions. */
export const resourceOwners = pgTable(
  "resource_owners",
  {
    resourceId: uuid()
      .notNull()
      .references(() => resources.id, { onDelete: "cascade" }),
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.resourceId, t.identityId] }),
    index("resource_owners_identity_idx").on(t.identityId),
  ],
);
