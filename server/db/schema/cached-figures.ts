import { jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Figures that are costly to compute and shown on busy pages (the exceptions dashboard's counts,
 * every grant policy gives): one row per figure, shared by every instance on the database. When a
 * row is older than its figure's freshness bound, one caller recomputes it (under a transaction-level
 * advisory lock) while the others read the last value (server/services/cached-figures.ts).
 */
export const cachedFigures = pgTable("cached_figures", {
  key: text().primaryKey(),
  value: jsonb().notNull(),
  /** the clock of the caller that computed it (the value is as of then) */
  computedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
});
