import { sql } from "drizzle-orm";
import { check, jsonb, pgTable, serial, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { identities } from "./identities";

/**
 * A configuration import (docs/config-as-code.md) made while "a second IT admin approves policy
 * changes" is on: it waits, files and all, until another IT admin than the proposer approves it
 * (it is applied then, if the configuration is still what it was proposed against) or rejects it.
 */
export const configChangeProposals = pgTable(
  "config_change_proposals",
  {
    id: serial().primaryKey(),
    /** the directory's files, as given */
    files: jsonb().notNull(),
    message: text().notNull(),
    /** the planned changes, as shown to the approver */
    summary: jsonb().notNull(),
    /** a hash of the configuration the plan was made against */
    baseFingerprint: text().notNull(),
    proposedBy: uuid()
      .notNull()
      .references(() => identities.id),
    proposedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    status: text().notNull().default("pending"),
    decidedBy: uuid().references(() => identities.id),
    decidedAt: timestamp({ withTimezone: true, mode: "date" }),
    decisionNote: text(),
  },
  (t) => [check("config_change_proposals_status", sql`${t.status} in ('pending', 'approved', 'rejected')`)],
);
