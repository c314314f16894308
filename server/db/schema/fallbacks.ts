import { pgTable, text, timestamp, jsonb } from "drizzle-orm/pg-core";

/** Fallback policies (server/core/fallbacks): what happens when no policy grants what someone asks for. */
export const fallbackPolicies = pgTable("fallback_policies", {
  name: text().primaryKey(),
  /** the YAML as IT wrote it */
  source: text().notNull(),
  definition: jsonb().notNull(),
  updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  updatedBy: text().notNull(),
});
