import { pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
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
