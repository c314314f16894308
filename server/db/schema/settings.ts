import { sql } from "drizzle-orm";
import { check, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { identities } from "./identities";

/**
 * Organization-wide settings: a single row. The time zone decides where a day someone gives
 * ("expires 2025-01-06") begins and ends, and is the zone for anyone who has not set their own.
 */
export const organizationSettings = pgTable(
  "organization_settings",
  {
    id: integer().primaryKey().default(1),
    timeZone: text().notNull().default("UTC"),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("organization_settings_single_row", sql`${t.id} = 1`)],
);

/** A person's own preferences; a null time zone means "use my browser's". */
export const identityPreferences = pgTable("identity_preferences", {
  identityId: uuid()
    .primaryKey()
    .references(() => identities.id, { onDelete: "cascade" }),
  timeZone: text(),
  updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
});
