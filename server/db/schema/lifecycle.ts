import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, serial, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accessExceptions } from "./exceptions";
import { identities } from "./identities";
import { provisioningOperations } from "./provisioning";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * What one HR change means for a person's access (seed 001, joiner / mover / leaver): the
 * policies before and after, and the steps that take their access from one to the other.
 * awaiting_review: a system in review-before-execution mode holds some steps for IT;
 * approved: every step is carried out or scheduled; rejected: IT stopped the held steps.
 */
export const accessPlans = pgTable(
  "access_plans",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: serial().notNull().unique(),
    identityId: uuid()
      .notNull()
      .references(() => identities.id),
    /** joiner | mover | leaver | change (an attribute change that moves no role) */
    kind: text().notNull(),
    /** where the change came from: hr_event, scim, csv, admin */
    source: text().notNull(),
    summary: text().notNull(),
    changes: jsonb().notNull().default({}),
    policiesBefore: text().array().notNull(),
    policiesAfter: text().array().notNull(),
    status: text().notNull(),
    createdAt: at().notNull(),
    reviewedBy: text(),
    reviewedAt: at(),
    reviewNote: text(),
  },
  (t) => [
    check("access_plans_kind", sql`${t.kind} in ('joiner', 'mover', 'leaver', 'change')`),
    check("access_plans_status", sql`${t.status} in ('awaiting_review', 'approved', 'rejected')`),
    index("access_plans_identity_idx").on(t.identityId, t.createdAt),
    index("access_plans_review_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'awaiting_review'`),
  ],
);

/**
 * One grant, revoke or level change of a plan. Additions run at once; a removal on a transfer
 * waits out its grace period, covered meanwhile by a role_transition exception (seed 000
 * pattern 4) whose expiry removes it. Once queued, the provisioning operation carries the status.
 */
export const accessPlanSteps = pgTable(
  "access_plan_steps",
  {
    id: uuid().primaryKey().defaultRandom(),
    planId: uuid()
      .notNull()
      .references(() => accessPlans.id, { onDelete: "cascade" }),
    identityId: uuid()
      .notNull()
      .references(() => identities.id),
    systemKey: text().notNull(),
    resourceKey: text().notNull(),
    /** grant | revoke | change_level */
    action: text().notNull(),
    level: text(),
    previousLevel: text(),
    /** why: the policy that grants it, or that no policy grants it any more */
    reason: text().notNull(),
    graceDays: integer().notNull().default(0),
    /** when it runs: at once, or at the end of the grace period */
    dueAt: at().notNull(),
    /** awaiting_review | queued (its operation carries on) | in_grace (until due_at) | cancelled */
    status: text().notNull(),
    operationId: uuid().references(() => provisioningOperations.id),
    exceptionId: uuid().references(() => accessExceptions.id),
    createdAt: at().notNull(),
    executedAt: at(),
  },
  (t) => [
    check("access_plan_steps_action", sql`${t.action} in ('grant', 'revoke', 'change_level')`),
    check("access_plan_steps_status", sql`${t.status} in ('awaiting_review', 'queued', 'in_grace', 'cancelled')`),
    check("access_plan_steps_grace", sql`${t.graceDays} >= 0`),
    index("access_plan_steps_plan_idx").on(t.planId),
    index("access_plan_steps_identity_idx").on(t.identityId),
  ],
);
