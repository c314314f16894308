import { sql } from "drizzle-orm";
import { check, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { identities } from "./identities";

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
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    check("systems_key_format", sql`${t.key} ~ '^[a-z][a-z0-9-]*$'`),
    check("systems_has_levels", sql`cardinality(${t.accessLevels}) > 0`),
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
    ownerId: uuid().references(() => identities.id, { onDelete: "set null" }),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [
    check("resources_key_matches_parts", sql`${t.key} = ${t.systemKey} || ':' || ${t.type} || ':' || ${t.name}`),
    index("resources_system_idx").on(t.systemKey),
  ],
);
