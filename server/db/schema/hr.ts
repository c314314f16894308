import { sql } from "drizzle-orm";
import { bigserial, check, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/** A system that sends HR events (Workday, BambooHR, ...), with the hash of its bearer token. */
export const hrSources = pgTable(
  "hr_sources",
  {
    key: text().primaryKey(),
    name: text().notNull(),
    tokenHash: text().notNull().unique(),
    createdAt: at().notNull(),
    createdBy: text().notNull(),
    revokedAt: at(),
    /**
     * Where a SCIM User's sign-in email comes from (issue 16): the primary email (else the work
     * one, else the first), or userName when the client sends an email there.
     */
    scimSignInEmail: text().notNull().default("primary_email"),
    /**
     * The HR attributes this source is authoritative for (issue 16, point 3); null: all of them.
     * Its writes to any other attribute are ignored and recorded, and IT's own channels (CSV
     * import, adding by hand) cannot change these attributes of the people it manages.
     */
    ownedAttributes: text().array(),
  },
  (t) => [
    check("hr_sources_key_format", sql`${t.key} ~ '^[a-z][a-z0-9-]*$'`),
    check("hr_sources_scim_sign_in_email", sql`${t.scimSignInEmail} in ('primary_email', 'user_name')`),
  ],
);

/**
 * Every HR event received, once per source and event id (a resent event is recognised). A
 * future-dated change waits until its effective time; then it is applied, or it failed.
 */
export const hrEvents = pgTable(
  "hr_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    sourceKey: text()
      .notNull()
      .references(() => hrSources.key),
    eventId: text().notNull(),
    type: text().notNull(),
    externalId: text().notNull(),
    payload: jsonb().notNull(),
    effectiveAt: at().notNull(),
    receivedAt: at().notNull(),
    status: text().notNull(),
    appliedAt: at(),
    error: text(),
  },
  (t) => [
    uniqueIndex("hr_events_source_event_idx").on(t.sourceKey, t.eventId),
    index("hr_events_waiting_idx")
      .on(t.effectiveAt)
      .where(sql`${t.status} = 'waiting'`),
    check("hr_events_status", sql`${t.status} in ('waiting', 'applied', 'failed')`),
  ],
);
