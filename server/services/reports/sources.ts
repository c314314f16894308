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
import { accessExceptions, accessRequests, identities, requestTemplates, requestVotes } from "@/server/db/schema";
import { accessAsOfSource } from "./access-as-of";
import { auditTrailSource } from "./audit-trail-source";
import { leaversSource, policyChangesSource } from "./history-sources";
import { keysetBatches, type ReportSource } from "./report-source";

const holder = alias(identities, "holder");
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
const proposedBy = (e: { source: string; created_by: string }, holderEmail: string, proposerEmail: string | null) =>
  proposerEmail ?? (e.source === "request" || e.source === "fallback" ? holderEmail : e.created_by);

/** A row of the exception log as PostgreSQL gives it: only the columns it shows, days already as text. */
type ExceptionLogRow = {
  number: number;
  holder_email: string;
  resource_key: string;
  level: string | null;
  type: string;
  granted: string;
  justification: string;
  source: string;
  created_by: string;
  proposer_email: string | null;
  approver_email: string | null;
  approval_rule: string | null;
  fallback_name: string | null;
  approval_note: string | null;
  expires: string;
  ended: string | null;
  end_reason: string | null;
  end_note: string | null;
  ended_by: string | null;
  extensions_used: number;
  references: unknown;
};

/** A day in UTC as text (YYYY-MM-DD), formatted by PostgreSQL: no Date per cell. */
const utcDay = (column: AnyColumn | SQL) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`;

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
  const e = accessExceptions;
  // Read as plain rows (no ORM mapping, no Date per timestamp): a preview's 100 rows and an export's
  // 20,000 alike pay only for the columns the log shows. The approver and proposer are scalar subqueries:
  // as joins, PostgreSQL planned five tables on every preview (more CPU than running it).
  const batch = async (after: number | null, size: number) =>
    (
      await db.execute<ExceptionLogRow>(sql`
        select ${e.number} as number, "holder"."email" as holder_email, ${e.resourceKey} as resource_key,
               ${e.level} as level, ${e.type} as type, ${utcDay(sql`coalesce(${e.deliveredAt}, ${e.startsAt})`)} as granted,
               ${e.justification} as justification, ${e.source} as source, ${e.createdBy} as created_by,
               (select "proposer"."email" from ${accessRequests}
                  join ${identities} "proposer" on "proposer"."id" = ${accessRequests.proposedBy}
                  where ${accessRequests.id} = ${e.requestId}) as proposer_email,
               (select "approver"."email" from ${identities} "approver"
                  where "approver"."id" = ${e.approverId}) as approver_email,
               ${e.approvalRule} as approval_rule, ${e.fallbackName} as fallback_name,
               ${e.approvalNote} as approval_note, ${utcDay(e.expiresAt)} as expires, ${utcDay(e.endedAt)} as ended,
               ${e.endReason} as end_reason, ${e.endNote} as end_note, ${e.endedBy} as ended_by,
               ${e.extensionsUsed} as extensions_used, ${e.references} as "references"
        from ${e}
        inner join ${identities} "holder" on "holder"."id" = ${e.identityId}
        where ${and(where, after === null ? undefined : gt(e.number, after)) ?? sql`true`}
        order by ${e.number}
        limit ${size}`)
    ).rows;
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
    rows: (batchSize?: number) =>
      keysetBatches(
        batch,
        (r) => r.number,
        (r) => [
          `EXC-${r.number}`,
          r.holder_email,
          r.resource_key,
          r.level,
          exceptionTypeLabels[r.type as ExceptionType] ?? r.type,
          r.granted,
          r.justification,
          proposedBy(r, r.holder_email, r.proposer_email),
          r.approver_email ?? r.approval_rule ?? (r.fallback_name ? `fallback ${r.fallback_name}` : null),
          r.approval_note,
          r.expires,
          r.ended ? (endReasonLabels[r.end_reason as EndReason] ?? "Revoked") : "Active",
          r.extensions_used,
          r.ended,
          // "revoked: <reason> by <who>", as the holder was told.
          r.ended ? endReasonText({ endReason: r.end_reason, endNote: r.end_note, endedBy: r.ended_by }) : null,
          referencesText(r.references),
          r.source,
        ],
        batchSize,
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
    rows: (batchSize?: number) =>
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
        batchSize,
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
    rows: (batchSize?: number) =>
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
        batchSize,
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
      return auditTrailSource(db, filters);
  }
}
