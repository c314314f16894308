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
    /** The HR attributes a CSV import may set (issue 16, point 3); null: all of them. */
    csvOwnedAttributes: text().array(),
    /** The HR attributes IT may give someone it adds by hand; null: all of them. */
    manualOwnedAttributes: text().array(),
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

/**
 * The setup checklist (issue 15, point 3): whether IT put it away. One row for the organization,
 * absent until someone first dismisses it; dismissing and showing it again are audited. What is
 * done is never stored: it is read from the state each item is about.
 */
export const setupChecklistState = pgTable(
  "setup_checklist_state",
  {
    id: integer().primaryKey().default(1),
    /** null: shown on IT's home (while anything is left to do) */
    dismissedAt: timestamp({ withTimezone: true, mode: "date" }),
    dismissedBy: uuid().references(() => identities.id, { onDelete: "set null" }),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  },
  (t) => [check("setup_checklist_state_single_row", sql`${t.id} = 1`)],
);
