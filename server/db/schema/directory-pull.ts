import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { hrSources } from "./hr";
import { identities } from "./identities";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * A source whose people are pulled from an identity provider (issue 16, point 5): Okta, Entra
 * ID or Google Workspace, read every `intervalMinutes` and on demand. The settings hold names
 * of environment variables (or files) with the secrets, never a secret. One instance runs a
 * pull at a time (`runningSince`, taken by an UPDATE; a lease that ends after 15 minutes).
 */
export const directoryPulls = pgTable(
  "directory_pulls",
  {
    sourceKey: text()
      .primaryKey()
      .references(() => hrSources.key),
    kind: text().notNull(),
    settings: jsonb().notNull(),
    intervalMinutes: integer().notNull().default(60),
    /** where the next read starts (a delta link, a timestamp); null: the next read is full */
    cursor: text(),
    nextRunAt: at().notNull(),
    runningSince: at(),
    lastRunAt: at(),
    /** ok | failed */
    lastStatus: text(),
    lastError: text(),
    /** what the last run did: users created, changed, left; groups; conflicts; requests, 429s */
    lastResult: jsonb(),
    createdAt: at().notNull(),
    createdBy: text().notNull(),
  },
  (t) => [
    check("directory_pulls_kind", sql`${t.kind} in ('okta', 'entra', 'google')`),
    check("directory_pulls_interval", sql`${t.intervalMinutes} between 5 and 10080`),
    check("directory_pulls_status", sql`${t.lastStatus} is null or ${t.lastStatus} in ('ok', 'failed')`),
  ],
);

/** Which person a pulled directory user is: the directory's id, kept across renames and new emails. */
export const directoryLinks = pgTable(
  "directory_links",
  {
    sourceKey: text()
      .notNull()
      .references(() => hrSources.key),
    remoteId: text().notNull(),
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    /** when the directory said the user was deleted (or a full read no longer had them) */
    goneAt: at(),
    /**
     * A hash of the user as the directory last sent them: an unchanged user is not written again
     * (values the source does not own are recorded once, when the directory changes them).
     */
    fingerprint: text(),
  },
  (t) => [
    primaryKey({ columns: [t.sourceKey, t.remoteId] }),
    uniqueIndex("directory_links_identity_key").on(t.sourceKey, t.identityId),
  ],
);
