import { sql } from "drizzle-orm";
import { check, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { identities } from "./identities";

/** Every signed-in person is an employee; these roles are granted on top. */
export const portalRole = pgEnum("portal_role", ["approver", "it_admin", "auditor"]);

export const portalRoleAssignments = pgTable(
  "portal_role_assignments",
  {
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    role: portalRole().notNull(),
    grantedAt: timestamp({ withTimezone: true, mode: "date" }).notNull().defaultNow(),
    grantedBy: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.identityId, t.role] })],
);

/**
 * A new IT admin proposed while "a second IT admin approves policy changes" is on: nobody becomes
 * IT admin on one IT admin's word. pending → approved (the role is granted) or rejected, decided
 * by another IT admin than the proposer (and not by the person proposed).
 */
export const portalRoleProposals = pgTable(
  "portal_role_proposals",
  {
    id: uuid().primaryKey().defaultRandom(),
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    role: portalRole().notNull(),
    reason: text().notNull(),
    proposedBy: uuid()
      .notNull()
      .references(() => identities.id),
    proposedAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    status: text().notNull().default("pending"),
    decidedBy: uuid().references(() => identities.id),
    decidedAt: timestamp({ withTimezone: true, mode: "date" }),
    decisionNote: text(),
  },
  (t) => [
    check("portal_role_proposals_status", sql`${t.status} in ('pending', 'approved', 'rejected')`),
    // One open proposal per person and role.
    uniqueIndex("portal_role_proposals_pending_idx")
      .on(t.identityId, t.role)
      .where(sql`${t.status} = 'pending'`),
  ],
);
