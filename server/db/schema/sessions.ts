import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { identities } from "./identities";

/**
 * One row per sign-in. The session cookie (an Auth.js JWT) names its row; a session is only
 * accepted while its row has no ended_at, so signing out, termination or an admin can end it.
 */
export const portalSessions = pgTable(
  "portal_sessions",
  {
    id: uuid().primaryKey().defaultRandom(),
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    provider: text().notNull(),
    startedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    expiresAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    endedAt: timestamp({ withTimezone: true, mode: "date" }),
    /** signed_out | terminated | not_active | ended_by_admin */
    endReason: text(),
    ip: text(),
    userAgent: text(),
  },
  (t) => [index("portal_sessions_identity_idx").on(t.identityId)],
);
