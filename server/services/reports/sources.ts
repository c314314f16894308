import { and, asc, eq, gt, gte, ilike, lt, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { endReasonText } from "@/server/core/exceptions/end-reason";
import {
  endReasonLabels,
  exceptionTypeLabels,
  referencesText,
  type EndReason,
  type ExceptionType,
} from "@/server/core/exceptions/types";
import { rangeOf, type ReportFilters, type ReportKind } from "@/server/core/reports/filters";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern, startsWithPattern } from "@/server/db/like";
import {
  accessExceptions,
  accessRequests,
  auditEvents,
  identities,
  requestTemplates,
  requestVotes,
} from "@/server/db/schema";
import { accessAsOfSource } from "./access-as-of";
import { leaversSource, policyChangesSource } from "./history-sources";
import { keysetBatches, type ReportSource } from "./report-source";

const holder = alias(identities, "holder");
const approver = alias(identities, "approver");
const requester = alias(identities, "requester");
const voter = alias(identities, "voter");
const principal = alias(identities, "principal");
const proposer = alias(identities, "proposer");

const personFilter = (
  p: { email: SQL.Aliased | AnyColumn; displayName: SQL.Aliased | AnyColumn },
  person: string | undefined,
) =>
  person
    ? or(
        ilike(p.email as AnyColumn, containsPattern(person)),
        ilike(p.displayName as AnyColumn, containsPattern(person)),
      )
    : undefined;
const systemFilter = (column: SQL | typeof accessExceptions.resourceKey, system: string | undefined) =>
  system ? ilike(column as typeof accessExceptions.resourceKey, startsWithPattern(`${system}:`)) : undefined;
const day = (d: Date | null) => (d ? d.toISOString().slice(0, 10) : null);
/** Requests for a system's resources: through their form, or a proposal's own resource. */
const systemOfRequest = (system: string | undefined) =>
  system
    ? or(
        and(
          sql`${accessRequests.proposal} is null`,
          sql`${requestTemplates.definition}::text ilike ${`%"${system}:%`}`,
        ),
        ilike(sql`${accessRequests.proposal} ->> 'resource'`, startsWithPattern(`${system}:`)),
      )
    : undefined;

/**
 * Who put an exception forward: the IT admin who proposed it, the holder who asked (a request or
 * a fallback), or whoever recorded it (lifecycle grace periods, exceptions from before proposals).
 */
const proposedBy = (e: typeof accessExceptions.$inferSelect, holderEmail: string, proposerEmail: string | null) =>
  proposerEmail ?? (e.source === "request" || e.source === "fallback" ? holderEmail : e.createdBy);

/** Seed 000's exception log: user, access, granted, justification, approved by, expires, status; plus the lifecycle facts. */
function exceptionLog(db: DbOrTx, f: ReportFilters): ReportSource {
  const { from, to } = rangeOf(f);
  const where = and(
    // Exceptions whose window overlaps the range.
    from ? or(gte(accessExceptions.expiresAt, from), sql`${accessExceptions.endedAt} >= ${from}`) : undefined,
    to ? lt(accessExceptions.startsAt, to) : undefined,
    systemFilter(accessExceptions.resourceKey, f.system),
    f.department ? eq(holder.department, f.department) : undefined,
    personFilter(holder, f.person),
  );
  return {
    name: "exception-log",
    pdfColumns: [
      "exception",
      "user",
      "access",
      "type",
      "granted",
      "justification",
      "proposed_by",
      "approved_by",
      "expires",
      "status",
      "extensions",
    ],
    columns: [
      "exception",
      "user",
      "access",
      "level",
      "type",
      "granted",
      "justification",
      "proposed_by",
      "approved_by",
      "approval_note",
      "expires",
      "status",
      "extensions",
      "ended",
      "end_reason",
      "references",
      "source",
    ],
    rows: () =>
      keysetBatches(
        (after: number | null, size) =>
          db
            .select({
              e: accessExceptions,
              holderEmail: holder.email,
              approverEmail: approver.email,
              proposerEmail: proposer.email,
            })
            .from(accessExceptions)
            .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
            .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
            .leftJoin(accessRequests, eq(accessRequests.id, accessExceptions.requestId))
            .leftJoin(proposer, eq(proposer.id, accessRequests.proposedBy))
            .where(and(where, after === null ? undefined : gt(accessExceptions.number, after)))
            .orderBy(asc(accessExceptions.number))
            .limit(size),
        (r) => r.e.number,
        (r) => [
          `EXC-${r.e.number}`,
          r.holderEmail,
          r.e.resourceKey,
          r.e.level,
          exceptionTypeLabels[r.e.type as ExceptionType] ?? r.e.type,
          day(r.e.deliveredAt ?? r.e.startsAt),
          r.e.justification,
          proposedBy(r.e, r.holderEmail, r.proposerEmail),
          r.approverEmail ?? r.e.approvalRule ?? (r.e.fallbackName ? `fallback ${r.e.fallbackName}` : null),
          r.e.approvalNote,
          day(r.e.expiresAt),
          r.e.endedAt ? (endReasonLabels[r.e.endReason as EndReason] ?? "Revoked") : "Active",
          r.e.extensionsUsed,
          day(r.e.endedAt),
          // "revoked: <reason> by <who>", as the holder was told.
          r.e.endedAt ? endReasonText(r.e) : null,
          referencesText(r.e.references),
          r.e.source,
        ],
      ),
  };
}

/**
 * Separation of duties for one vote: nobody approves what they asked for or proposed, in person
 * or through a delegate.
 */
function separationOfDuties(
  v: { identityId: string; principalId: string },
  r: { requesterId: string; proposedBy: string | null },
): string {
  const asking = [r.requesterId, r.proposedBy].filter(Boolean);
  if (v.identityId === r.requesterId) return "FAILED: approved own request";
  if (v.identityId === r.proposedBy) return "FAILED: approved own proposal";
  if (asking.includes(v.principalId)) return "FAILED: voted for the asker as their delegate";
  return "passed";
}

/** Every vote: who decided what, how long after the stage opened, and the separation-of-duties checks. */
function approvals(db: DbOrTx, f: ReportFilters): ReportSource {
  const { from, to } = rangeOf(f);
  const where = and(
    from ? gte(requestVotes.createdAt, from) : undefined,
    to ? lt(requestVotes.createdAt, to) : undefined,
    f.department ? eq(requester.department, f.department) : undefined,
    personFilter(requester, f.person),
    systemOfRequest(f.system),
  );
  return {
    name: "approvals",
    pdfColumns: [
      "request",
      "template",
      "requester",
      "proposed_by",
      "approver",
      "decision",
      "stage",
      "decided_at",
      "separation_of_duties",
    ],
    columns: [
      "request",
      "template",
      "requester",
      "proposed_by",
      "approver",
      "on_behalf_of",
      "decision",
      "stage",
      "decided_at",
      "hours_to_decide",
      "request_status",
      "separation_of_duties",
    ],
    rows: () =>
      keysetBatches(
        (after: string | null, size) =>
          db
            .select({
              v: requestVotes,
              number: accessRequests.number,
              status: accessRequests.status,
              createdAt: accessRequests.createdAt,
              proposedBy: accessRequests.proposedBy,
              template: requestTemplates.key,
              requesterEmail: requester.email,
              requesterId: requester.id,
              voterEmail: voter.email,
              principalEmail: principal.email,
              proposerEmail: proposer.email,
            })
            .from(requestVotes)
            .innerJoin(accessRequests, eq(accessRequests.id, requestVotes.requestId))
            .innerJoin(requestTemplates, eq(requestTemplates.id, accessRequests.templateId))
            .innerJoin(requester, eq(requester.id, accessRequests.requesterId))
            .innerJoin(voter, eq(voter.id, requestVotes.identityId))
            .innerJoin(principal, eq(principal.id, requestVotes.principalId))
            .leftJoin(proposer, eq(proposer.id, accessRequests.proposedBy))
            .where(
              and(
                where,
                after === null
                  ? undefined
                  : gt(
                      sql`(${requestVotes.createdAt}, ${requestVotes.requestId}::text, ${requestVotes.identityId}::text)`,
                      sql`(${after.split("|")[0]}::timestamptz, ${after.split("|")[1]}, ${after.split("|")[2]})`,
                    ),
              ),
            )
            .orderBy(
              asc(requestVotes.createdAt),
              asc(sql`${requestVotes.requestId}::text`),
              asc(sql`${requestVotes.identityId}::text`),
            )
            .limit(size),
        (r) => `${r.v.createdAt.toISOString()}|${r.v.requestId}|${r.v.identityId}`,
        (r) => [
          `REQ-${r.number}`,
          r.template,
          r.requesterEmail,
          r.proposerEmail ?? r.requesterEmail,
          r.voterEmail,
          r.v.principalId === r.v.identityId ? null : r.principalEmail,
          r.v.decision,
          r.v.stage + 1,
          r.v.createdAt,
          Math.round(((r.v.createdAt.getTime() - r.createdAt.getTime()) / 3_600_000) * 10) / 10,
          r.status,
          separationOfDuties(r.v, { requesterId: r.requesterId, proposedBy: r.proposedBy }),
        ],
      ),
  };
}

/** Every request, whatever became of it: stays queryable after the access expired. */
function requests(db: DbOrTx, f: ReportFilters): ReportSource {
  const { from, to } = rangeOf(f);
  const where = and(
    from ? gte(accessRequests.createdAt, from) : undefined,
    to ? lt(accessRequests.createdAt, to) : undefined,
    f.department ? eq(requester.department, f.department) : undefined,
    personFilter(requester, f.person),
    systemOfRequest(f.system),
  );
  return {
    name: "requests",
    pdfColumns: [
      "request",
      "kind",
      "template",
      "requester",
      "proposed_by",
      "status",
      "requested_at",
      "decided_by",
      "access_ends",
      "justification",
    ],
    columns: [
      "request",
      "kind",
      "template",
      "requester",
      "proposed_by",
      "department",
      "status",
      "requested_at",
      "decided_at",
      "decided_by",
      "decision_note",
      "duration_minutes",
      "access_starts",
      "access_ends",
      "justification",
      "auto_approved_because",
      "resource",
    ],
    rows: () =>
      keysetBatches(
        (after: number | null, size) =>
          db
            .select({
              r: accessRequests,
              template: requestTemplates.key,
              email: requester.email,
              department: requester.department,
              proposerEmail: proposer.email,
            })
            .from(accessRequests)
            .innerJoin(requestTemplates, eq(requestTemplates.id, accessRequests.templateId))
            .innerJoin(requester, eq(requester.id, accessRequests.requesterId))
            .leftJoin(proposer, eq(proposer.id, accessRequests.proposedBy))
            .where(and(where, after === null ? undefined : gt(accessRequests.number, after)))
            .orderBy(asc(accessRequests.number))
            .limit(size),
        (x) => x.r.number,
        ({ r, template, email, department, proposerEmail }) => [
          `REQ-${r.number}`,
          r.kind,
          template,
          email,
          proposerEmail ?? email,
          department,
          r.status,
          r.createdAt,
          r.decidedAt,
          r.decidedBy,
          r.decisionNote,
          r.durationMinutes,
          r.accessStartsAt,
          r.accessEndsAt,
          r.justification,
          r.autoApprovedBecause,
          (r.proposal as { resource?: string } | null)?.resource ?? null,
        ],
      ),
  };
}

/**
 * The audit trail itself, in chain order, with each event's hashes so the chain can be checked
 * outside. Read as text straight from PostgreSQL (timestamps formatted, jsonb as its text), so
 * a million rows stream without building a Date or parsing JSON per cell.
 */
function auditTrail(db: DbOrTx, f: ReportFilters): ReportSource {
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
    count: async () =>
      (
        await db
          .select({ n: sql<number>`count(*)::int` })
          .from(auditEvents)
          .where(where)
      )[0]!.n,
    rows: () =>
      keysetBatches(
        async (after: number | null, size) =>
          (
            await db.execute<Row>(sql`
              select ${auditEvents.id}::text as id, to_char(${auditEvents.occurredAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as occurred_at,
                     ${auditEvents.actorLabel} as actor, ${auditEvents.action} as action, ${auditEvents.subjectType} as subject_type, ${auditEvents.subjectId} as subject_id,
                     ${auditEvents.before}::text as before, ${auditEvents.after}::text as after, ${auditEvents.reason} as reason, ${auditEvents.context}::text as context,
                     ${auditEvents.prevHash} as prev_hash, ${auditEvents.hash} as hash
              from ${auditEvents}
              where ${and(where, after === null ? undefined : gt(auditEvents.id, after)) ?? sql`true`}
              order by ${auditEvents.id}
              limit ${size}`)
          ).rows,
        (e) => Number(e.id),
        (e) => [
          e.id,
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
        ],
        1000,
      ),
  };
}

export function reportSource(db: DbOrTx, kind: ReportKind, filters: ReportFilters): ReportSource {
  switch (kind) {
    case "access-as-of":
      return accessAsOfSource(db, filters);
    case "exceptions":
      return exceptionLog(db, filters);
    case "approvals":
      return approvals(db, filters);
    case "requests":
      return requests(db, filters);
    case "leavers":
      return leaversSource(db, filters);
    case "policy-changes":
      return policyChangesSource(db, filters);
    case "audit-events":
      return auditTrail(db, filters);
  }
}
