import { sql } from "drizzle-orm";
import { bigint, bigserial, check, index, integer, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { accessExceptions } from "./exceptions";
import { identities } from "./identities";
import { systems } from "./systems";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * One grant or revoke to carry out through a system's adapter. pending → done, or waiting (a
 * manual task) → done, or failed after its attempts. Retries back off (next_attempt_at). A grant
 * whose reason ended before it reached the system is cancelled, saying why (never run late).
 * While a runner calls the adapter the operation stays pending, claimed (claim_token, lease_until).
 */
export const provisioningOperations = pgTable(
  "provisioning_operations",
  {
    id: uuid().primaryKey().defaultRandom(),
    /** Queue order: "queued after" between operations for the same person and resource. */
    seq: bigint({ mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    systemKey: text()
      .notNull()
      .references(() => systems.key),
    identityId: uuid()
      .notNull()
      .references(() => identities.id),
    resourceKey: text().notNull(),
    level: text(),
    action: text().notNull(),
    exceptionId: uuid().references(() => accessExceptions.id),
    /** ignore | retry | block (the template's trigger-task failure mode, seed 003) */
    failureMode: text().notNull(),
    status: text().notNull(),
    attempts: integer().notNull().default(0),
    maxAttempts: integer().notNull(),
    nextAttemptAt: at().notNull(),
    lastError: text(),
    /** Why a cancelled operation will not run (its exception ended, a later removal supersedes it). */
    cancelReason: text(),
    createdAt: at().notNull(),
    completedAt: at(),
    /**
     * A runner's claim while it calls the adapter (server/services/provisioning/runner.ts): no
     * transaction is open during the call. The outcome is written only under the same token; a
     * lease that ran out (the runner stopped mid-call) lets another runner try again, with the
     * same idempotency key (the operation's id).
     */
    claimToken: uuid(),
    leaseUntil: at(),
  },
  (t) => [
    check("provisioning_operations_action", sql`${t.action} in ('grant', 'revoke')`),
    check("provisioning_operations_status", sql`${t.status} in ('pending', 'waiting', 'done', 'failed', 'cancelled')`),
    check("provisioning_operations_failure_mode", sql`${t.failureMode} in ('ignore', 'retry', 'block')`),
    index("provisioning_operations_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index("provisioning_operations_system_idx").on(t.systemKey, t.createdAt),
    // IT's work queue: the failed operations, oldest first.
    index("provisioning_operations_failed_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'failed'`),
    index("provisioning_operations_exception_idx").on(t.exceptionId),
    // The ordering checks (ordering.ts): one person and resource's operations in queue order.
    index("provisioning_operations_key_seq_idx").on(t.identityId, t.resourceKey, t.seq),
  ],
);

/** Every call made to an adapter, with its outcome and how long it took. */
export const adapterCalls = pgTable(
  "adapter_calls",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    systemKey: text().notNull(),
    operationId: uuid().references(() => provisioningOperations.id, { onDelete: "cascade" }),
    call: text().notNull(),
    outcome: text().notNull(),
    detail: text().notNull().default(""),
    durationMs: integer().notNull(),
    at: at().notNull(),
  },
  (t) => [
    index("adapter_calls_system_idx").on(t.systemKey, t.id),
    check("adapter_calls_outcome", sql`${t.outcome} in ('done', 'waiting', 'error')`),
  ],
);

/**
 * The manual adapter's work for IT, for systems with no API, tracked until done. A grant task
 * still open when its exception ends is cancelled ("do not grant"); done_at/done_by then say
 * when and by whom.
 */
export const manualTasks = pgTable(
  "manual_tasks",
  {
    id: uuid().primaryKey().defaultRandom(),
    operationId: uuid()
      .notNull()
      .unique()
      .references(() => provisioningOperations.id, { onDelete: "cascade" }),
    systemKey: text().notNull(),
    description: text().notNull(),
    status: text().notNull().default("open"),
    createdAt: at().notNull(),
    doneAt: at(),
    doneBy: text(),
  },
  (t) => [
    check("manual_tasks_status", sql`${t.status} in ('open', 'done', 'cancelled')`),
    // IT's work queue: the open tasks, oldest first, without reading the done ones.
    index("manual_tasks_open_idx")
      .on(t.createdAt)
      .where(sql`${t.status} = 'open'`),
  ],
);
