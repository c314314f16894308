import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * One row per rate-limit bucket (e.g. "sign-in:ip:203.0.113.5"): the hits counted in its current
 * fixed window. Shared by every instance on the database; rows of past windows are deleted by the
 * rate-limits-clean job. The table is UNLOGGED (custom migration): counters are not worth WAL.
 */
export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  bucket: text().primaryKey(),
  windowStart: timestamp({ withTimezone: true, mode: "date" }).notNull(),
  windowSeconds: integer().notNull(),
  hits: integer().notNull(),
});
