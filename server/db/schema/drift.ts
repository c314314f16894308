import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { accessExceptions } from "./exceptions";
import { identities } from "./identities";
import { provisioningOperations } from "./provisioning";
import { systems } from "./systems";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * What policy gives each person, kept current as people and policies change (written by the
 * lifecycle planner and by a full refresh after a policy version), so drift detection and
 * coverage compare sets in PostgreSQL instead of evaluating everyone again.
 */
export const expectedAccess = pgTable(
  "expected_access",
  {
    identityId: uuid()
      .notNull()
      .references(() => identities.id, { onDelete: "cascade" }),
    resourceKey: text().notNull(),
    systemKey: text().notNull(),
    /**
     * The person's account name (identities.username), kept here so drift detection joins a
     * system's list on it directly; a trigger follows email changes.
     */
    username: text().notNull(),
    level: text(),
    /** the policies that grant it (the first is the one whose level won) */
    policies: text().array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.identityId, t.resourceKey] }), index("expected_access_system_idx").on(t.systemKey)],
);

/** One drift check of one system: what was read, what was found, how long it took. */
export const driftRuns = pgTable(
  "drift_runs",
  {
    id: serial().primaryKey(),
    systemKey: text()
      .notNull()
      .references(() => systems.key),
    /** schedule | on_demand */
    trigger: text().notNull(),
    requestedBy: text().notNull(),
    status: text().notNull(),
    startedAt: at().notNull(),
    finishedAt: at(),
    actualCount: integer(),
    expectedCount: integer(),
    excessCount: integer(),
    missingCount: integer(),
    levelCount: integer(),
    remediatedCount: integer(),
    durationMs: integer(),
    error: text(),
  },
  (t) => [
    check("drift_runs_status", sql`${t.status} in ('running', 'done', 'failed')`),
    check("drift_runs_trigger", sql`${t.trigger} in ('schedule', 'on_demand')`),
    index("drift_runs_system_idx").on(t.systemKey, t.id),
  ],
);

/**
 * A difference between what should be (policy, active exceptions, removals in their grace
 * period) and what a system reports. Open while later runs still see it; resolved when a run no
 * longer does, or when IT acts on it (remove, grant, convert to an exception, dismiss).
 */
export const driftFindings = pgTable(
  "drift_findings",
  {
    id: uuid().primaryKey().defaultRandom(),
    systemKey: text()
      .notNull()
      .references(() => systems.key),
    firstRunId: integer()
      .notNull()
      .references(() => driftRuns.id),
    lastRunId: integer()
      .notNull()
      .references(() => driftRuns.id),
    identityId: uuid().references(() => identities.id),
    /** the account name on the system (an account no identity matches keeps only this) */
    username: text().notNull(),
    resourceKey: text().notNull(),
    /** excess | missing | level */
    kind: text().notNull(),
    expectedLevel: text(),
    actualLevel: text(),
    /** what policy says and what the system says, as found */
    explanation: jsonb().notNull(),
    status: text().notNull(),
    resolution: text(),
    resolvedBy: text(),
    resolvedAt: at(),
    operationId: uuid().references(() => provisioningOperations.id),
    exceptionId: uuid().references(() => accessExceptions.id),
    createdAt: at().notNull(),
  },
  (t) => [
    check("drift_findings_kind", sql`${t.kind} in ('excess', 'missing', 'level')`),
    check("drift_findings_status", sql`${t.status} in ('open', 'remediating', 'resolved', 'dismissed')`),
    uniqueIndex("drift_findings_open_key")
      .on(t.systemKey, t.username, t.resourceKey, t.kind)
      .where(sql`${t.status} in ('open', 'remediating')`),
    index("drift_findings_identity_idx").on(t.identityId),
  ],
);

/**
 * Current access imported from a system's export (migration, seed 001 phase 1): one row per
 * account and resource, replaced system by system on each import.
 */
export const accessSnapshots = pgTable(
  "access_snapshots",
  {
    systemKey: text()
      .notNull()
      .references(() => systems.key),
    username: text().notNull(),
    resourceKey: text().notNull(),
    level: text(),
    importedAt: at().notNull(),
    importedBy: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.systemKey, t.username, t.resourceKey] })],
);

/** Which policy set and configuration expected_access was last computed from (one row). */
export const expectedAccessState = pgTable("expected_access_state", {
  id: integer().primaryKey().default(1),
  fingerprint: text().notNull(),
  refreshedAt: at().notNull(),
  people: integer().notNull(),
  grants: integer().notNull(),
});
