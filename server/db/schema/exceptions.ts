import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { identities } from "./identities";
import { accessRequests, approverGroups, requestTemplates } from "./requests";
import { resources } from "./systems";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * Per-type overrides of server/core/exceptions/types.ts defaults: longest duration, reminders
 * before expiry, whether it can be extended, and who approves extensions past the second.
 */
export const exceptionTypeSettings = pgTable(
  "exception_type_settings",
  {
    type: text().primaryKey(),
    maxDurationMinutes: integer().notNull(),
    reminderOffsetsMinutes: integer().array().notNull(),
    extensible: boolean().notNull(),
    escalatedApproverGroup: text().references(() => approverGroups.key, { onDelete: "set null" }),
    updatedAt: at().notNull(),
    updatedBy: text().notNull(),
  },
  (t) => [
    check(
      "exception_type_settings_type",
      sql`${t.type} in ('project', 'privilege_escalation', 'training', 'role_transition', 'vendor')`,
    ),
  ],
);

/**
 * Access outside policy (seed 000): always approved, always time-bound. Status follows the
 * grant through the adapter: granting → active (delivered) or grant_failed; at the end,
 * removing → removed, or revoke_failed (never shown as removed).
 */
export const accessExceptions = pgTable(
  "access_exceptions",
  {
    id: uuid().primaryKey().defaultRandom(),
    number: serial().notNull().unique(),
    identityId: uuid()
      .notNull()
      .references(() => identities.id),
    resourceKey: text()
      .notNull()
      .references(() => resources.key),
    level: text(),
    /** request (an approved request), admin (created by IT), fallback (an allow fallback), lifecycle (a transfer's grace period) */
    source: text().notNull(),
    type: text().notNull(),
    justification: text().notNull(),
    /** project, incident, ticket, contract, vendor: what the exception is tied to */
    references: jsonb().notNull().default({}),
    restrictions: jsonb().notNull().default({}),
    approverId: uuid().references(() => identities.id),
    approvalNote: text(),
    /** an auto-approval rule that approved it (seed 000 pattern 4), when no person did */
    approvalRule: text(),
    approvedAt: at().notNull(),
    fallbackName: text(),
    requestId: uuid().references(() => accessRequests.id),
    templateId: uuid().references(() => requestTemplates.id),
    createdBy: text().notNull(),
    createdAt: at().notNull(),
    startsAt: at().notNull(),
    expiresAt: at().notNull(),
    status: text().notNull(),
    deliveredAt: at(),
    extensionsUsed: integer().notNull().default(0),
    /** reminder offsets (minutes before expiry) already sent for the current expiry */
    remindersSent: integer().array().notNull().default([]),
    endedAt: at(),
    /** expired | revoked | given_back */
    endReason: text(),
    endedBy: text(),
    endNote: text(),
    removalDeliveredAt: at(),
  },
  (t) => [
    check(
      "access_exceptions_type",
      sql`${t.type} in ('project', 'privilege_escalation', 'training', 'role_transition', 'vendor', 'fallback')`,
    ),
    check("access_exceptions_source", sql`${t.source} in ('request', 'admin', 'fallback', 'lifecycle')`),
    check(
      "access_exceptions_status",
      sql`${t.status} in ('granting', 'active', 'grant_failed', 'removing', 'removed', 'revoke_failed')`,
    ),
    // Seed 000's anti-patterns, refused by the database whatever the code does:
    // an exception ends after it starts (and expires_at is NOT NULL),
    check("access_exceptions_expiry", sql`${t.expiresAt} > ${t.startsAt}`),
    // it has a named approver or approval rule (fallback access: the fallback policy that gave it),
    check(
      "access_exceptions_approved",
      sql`(${t.source} = 'fallback' and ${t.fallbackName} is not null and ${t.type} = 'fallback') or (${t.source} <> 'fallback' and (${t.approverId} is not null or ${t.approvalRule} is not null) and ${t.type} <> 'fallback')`,
    ),
    check("access_exceptions_justified", sql`length(trim(${t.justification})) > 0`),
    // and extensions are bounded.
    check("access_exceptions_extensions", sql`${t.extensionsUsed} between 0 and 4`),
    check("access_exceptions_ended", sql`(${t.endedAt} is null) = (${t.endReason} is null)`),
    index("access_exceptions_open_idx")
      .on(t.expiresAt)
      .where(sql`${t.endedAt} is null`),
    index("access_exceptions_identity_idx").on(t.identityId),
    uniqueIndex("access_exceptions_request_resource").on(t.requestId, t.resourceKey),
  ],
);

/** An approved extension: the expiry moved from previous to new. Denied ones leave no row here. */
export const exceptionExtensions = pgTable(
  "exception_extensions",
  {
    id: uuid().primaryKey().defaultRandom(),
    exceptionId: uuid()
      .notNull()
      .references(() => accessExceptions.id, { onDelete: "cascade" }),
    requestId: uuid().references(() => accessRequests.id),
    ordinal: integer().notNull(),
    escalated: boolean().notNull(),
    justification: text().notNull(),
    previousExpiresAt: at().notNull(),
    newExpiresAt: at().notNull(),
    approvedBy: text().notNull(),
    approvedAt: at().notNull(),
  },
  (t) => [
    // Invariant 9: two extensions with the ordinary approver, then only with escalated approval, four at most.
    check("exception_extensions_ordinal", sql`${t.ordinal} between 1 and 4 and (${t.ordinal} <= 2 or ${t.escalated})`),
    check("exception_extensions_later", sql`${t.newExpiresAt} > ${t.previousExpiresAt}`),
    uniqueIndex("exception_extensions_ordinal_idx").on(t.exceptionId, t.ordinal),
  ],
);
