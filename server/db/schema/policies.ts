import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { identities } from "./identities";

/**
 * The policy set is versioned as a whole, like commits: each save stores every file of the
 * set as it is after the save. Exactly one version is active (the latest with status active);
 * with second-admin approval on, a save waits as pending until another IT admin decides.
 */
export const policySetVersions = pgTable(
  "policy_set_versions",
  {
    id: serial().primaryKey(),
    /** active: applied; pending: waiting for a second IT admin; rejected: refused by one */
    status: text().notNull(),
    /** the active version this one was made from (null for the first) */
    baseVersionId: integer(),
    authorId: uuid().references(() => identities.id, { onDelete: "set null" }),
    authorLabel: text().notNull(),
    message: text().notNull(),
    createdAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** when it became active (straight away, or when approved) */
    activatedAt: timestamp({ withTimezone: true, mode: "date" }),
    deciderId: uuid().references(() => identities.id, { onDelete: "set null" }),
    deciderLabel: text(),
    decidedAt: timestamp({ withTimezone: true, mode: "date" }),
    decisionNote: text(),
    /** files added/changed/removed and the impact counts measured when it was saved */
    summary: jsonb().notNull().default({}),
  },
  (t) => [
    check("policy_set_versions_status", sql`${t.status} in ('active', 'pending', 'rejected')`),
    index("policy_set_versions_status_idx").on(t.status, t.id),
  ],
);

export const policyFiles = pgTable(
  "policy_files",
  {
    versionId: integer()
      .notNull()
      .references(() => policySetVersions.id, { onDelete: "cascade" }),
    path: text().notNull(),
    source: text().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.versionId, t.path] }),
    check("policy_files_path", sql`${t.path} ~ '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*\\.ya?ml$'`),
  ],
);

/** Ordered scales for min/max conditions (job_level: L1 < L2 < ...). */
export const attributeScales = pgTable("attribute_scales", {
  attribute: text().primaryKey(),
  values: text().array().notNull(),
  updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

/** Organization-wide policy settings: a single row. */
export const policySettings = pgTable(
  "policy_settings",
  {
    id: integer().primaryKey().default(1),
    requireSecondApproval: boolean().notNull().default(false),
    complexityThreshold: integer().notNull().default(12),
    updatedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (t) => [check("policy_settings_single_row", sql`${t.id} = 1`)],
);
