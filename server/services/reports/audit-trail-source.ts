import { and, gt, gte, ilike, isNotNull, isNull, lt, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { rangeOf, type ReportFilters } from "@/server/core/reports/filters";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern, startsWithPattern } from "@/server/db/like";
import { auditEvents } from "@/server/db/schema";
import { keysetBatches, type ReportSource } from "./report-source";

/**
 * The audit trail itself, in chain order (seq), with each event's hashes so the chain can be checked
 * outside; events the sequencer has not linked yet (committed under a second ago) follow, in id
 * order, with empty seq and hashes. Read as text straight from PostgreSQL (timestamps formatted, jsonb as its text), so
 * a million rows stream without building a Date or parsing JSON per cell.
 */
export function auditTrailSource(db: DbOrTx, f: ReportFilters): ReportSource {
  const { from, to } = rangeOf(f);
  const where = and(
    from ? gte(auditEvents.occurredAt, from) : undefined,
    to ? lt(auditEvents.occurredAt, to) : undefined,
    f.person ? ilike(auditEvents.actorLabel, containsPattern(f.person)) : undefined,
    f.system
      ? or(
          ilike(auditEvents.subjectId, startsWithPattern(`${f.system}:`)),
          sql`${auditEvents.after}::text ilike ${`%"${f.system}:%`}`,
        )
      : undefined,
  );
  type Row = Record<
    | "id"
    | "seq"
    | "occurred_at"
    | "actor"
    | "action"
    | "subject_type"
    | "subject_id"
    | "before"
    | "after"
    | "reason"
    | "context"
    | "prev_hash"
    | "hash",
    string | null
  >;
  return {
    name: "audit-events",
    pdfColumns: ["id", "occurred_at", "actor", "action", "subject_type", "subject_id", "reason", "hash"],
    columns: [
      "id",
      "seq",
      "occurred_at",
      "actor",
      "action",
      "subject_type",
      "subject_id",
      "before",
      "after",
      "reason",
      "context",
      "prev_hash",
      "hash",
    ],
    jsonColumns: ["before", "after", "context"],
    // With atMost, counts no further than that (a preview only needs to know whether there are more than N).
    count: async (atMost?: number) => {
      const n = sql<number>`count(*)::int`;
      if (atMost === undefined) return (await db.select({ n }).from(auditEvents).where(where))[0]!.n;
      const matching = db
        .select({ one: sql`1`.as("one") })
        .from(auditEvents)
        .where(where)
        .limit(atMost);
      return (await db.select({ n }).from(matching.as("matching")))[0]!.n;
    },
    rows: (batchSize?: number) => {
      const batch = (next: SQL, orderBy: AnyColumn) => async (after: number | null, size: number) =>
        (
          await db.execute<Row>(sql`
            select ${auditEvents.id}::text as id, ${auditEvents.seq}::text as seq,
                   to_char(${auditEvents.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
                   ${auditEvents.actorLabel} as actor, ${auditEvents.action} as action,
                   ${auditEvents.subjectType} as subject_type, ${auditEvents.subjectId} as subject_id,
                   ${auditEvents.before}::text as before, ${auditEvents.after}::text as after,
                   ${auditEvents.reason} as reason, ${auditEvents.context}::text as context,
                   ${auditEvents.prevHash} as prev_hash, ${auditEvents.hash} as hash
            from ${auditEvents}
            where ${and(where, next, after === null ? undefined : gt(orderBy, after))}
            order by ${orderBy}
            limit ${size}`)
        ).rows;
      const cells = (e: Row) => [
        e.id,
        e.seq,
        e.occurred_at,
        e.actor,
        e.action,
        e.subject_type,
        e.subject_id,
        e.before,
        e.after,
        e.reason,
        e.context,
        e.prev_hash,
        e.hash,
      ];
      return concatBatches(
        keysetBatches(
          batch(isNotNull(auditEvents.seq), auditEvents.seq),
          (e) => Number(e.seq),
          cells,
          batchSize ?? 1000,
        ),
        keysetBatches(batch(isNull(auditEvents.seq), auditEvents.id), (e) => Number(e.id), cells, batchSize ?? 1000),
      );
    },
  };
}

async function* concatBatches<T>(...parts: AsyncGenerator<T>[]): AsyncGenerator<T> {
  for (const part of parts) yield* part;
}
