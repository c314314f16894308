import { bigserial, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Append-only record of every decision and change. Each row carries the hash of the row
 * before it, so any edit or deletion breaks the chain (see server/core/audit/chain.ts), and
 * the id of the audit key whose HMAC links it (docs/security/audit-chain.md).
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    occurredAt: timestamp({ withTimezone: true, mode: "date" }).notNull(),
    /** identity | system */
    actorType: text().notNull(),
    actorId: text(),
    actorLabel: text().notNull(),
    /** dotted verb, e.g. identity.attributes_changed, auth.signed_in */
    action: text().notNull(),
    subjectType: text().notNull(),
    subjectId: text(),
    before: jsonb(),
    after: jsonb(),
    reason: text(),
    /** where from (ip, user agent) and under which rules (policy version, ...) */
    context: jsonb().notNull().default({}),
    prevHash: text().notNull(),
    hash: text().notNull(),
    /** The audit key that signed this link; null for legacy events hashed with plain SHA-256 before keys existed. */
    keyId: text(),
  },
  (t) => [
    index("audit_events_subject_idx").on(t.subjectType, t.subjectId),
    index("audit_events_action_idx").on(t.action),
    index("audit_events_occurred_idx").on(t.occurredAt),
  ],
);
