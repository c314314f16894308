import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  check,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";

type LinkColumns = Record<"seq" | "prevHash" | "hash" | "keyId", AnyPgColumn>;
const unlinked = (t: LinkColumns) =>
  sql`(${t.seq} is null and ${t.prevHash} is null and ${t.hash} is null and ${t.keyId} is null)`;
const linked = (t: LinkColumns) => sql`(${t.seq} is not null and ${t.prevHash} is not null and ${t.hash} is not null)`;

/**
 * Append-only record of every decision and change. Each row carries the hash of the row
 * before it in the chain, so any edit or deletion breaks the chain (see server/core/audit/chain.ts),
 * and the id of the audit key whose HMAC links it (docs/security/audit-chain.md).
 *
 * Writers insert the content only, in their own transaction and without any lock; the link
 * (seq, prev_hash, hash, key_id) is empty until the sequencer (server/services/audit-sequencer.ts)
 * fills it, once, in commit order, within about a second. The chain's order is seq, not id.
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
    /** Position in the chain (1, 2, ...); null until the sequencer links the event. */
    seq: bigint({ mode: "number" }),
    /** The link: null until the sequencer fills it (with seq and key_id, once). */
    prevHash: text(),
    hash: text(),
    /** The audit key that signed this link; null for legacy events hashed with plain SHA-256 before keys existed. */
    keyId: text(),
  },
  (t) => [
    index("audit_events_subject_idx").on(t.subjectType, t.subjectId),
    // the audit log filtered by action or by one subject, newest first (keyset on the id)
    index("audit_events_action_idx").on(t.action, t.id),
    index("audit_events_subject_id_idx").on(t.subjectId, t.id),
    index("audit_events_occurred_idx").on(t.occurredAt),
    uniqueIndex("audit_events_seq_idx").on(t.seq),
    // The sequencer's queue: small, since events leave it within about a second.
    index("audit_events_unchained_idx")
      .on(t.id)
      .where(sql`${t.seq} is null`),
    // Unlinked (all empty) or linked (seq and both hashes; key_id is null only for legacy events).
    check("audit_events_link_check", sql`${unlinked(t)} or ${linked(t)}`),
  ],
);
