import { and, asc, eq, ilike, isNull, or, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError } from "@/server/core/errors";
import { cursorInstant, decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageOf } from "@/server/core/lists/cursor";
import { countsAsAccess, daysRemaining, endReasonText, exceptionTimeline } from "@/server/core/exceptions";
import { evaluateAll } from "@/server/core/policy";
import type { DbOrTx } from "@/server/db/client";
import { filterShapes, statementCache } from "@/server/db/statements";
import { approver, exceptionHeadline, holder } from "./columns";
import { containsPattern, startsWithPattern } from "@/server/db/like";
import {
  accessExceptions,
  accessRequests,
  exceptionExtensions,
  identities,
  provisioningOperations,
  requestTemplates,
} from "@/server/db/schema";
import { cachedFigure } from "../cached-figures";
import type { ServiceContext } from "../context";
import { loadPolicyIdentities, policyEngine } from "../policies";

const proposer = alias(identities, "proposer");

export interface ExceptionFilters {
  /** rows per page, at most MAX_PAGE_SIZE */
  limit?: number;
  /** the previous page's nextCursor */
  cursor?: string;
  expiringWithinDays?: number;
  type?: string;
  system?: string;
  department?: string;
  status?: "open" | "revoke_failed" | "ended" | "all";
  search?: string;
}

/** The list's values, bound per call into a statement built once per shape (which filters are used). */
const bound = {
  soon: sql.placeholder("soon"),
  type: sql.placeholder("type"),
  systemPattern: sql.placeholder("systemPattern"),
  department: sql.placeholder("department"),
  pattern: sql.placeholder("pattern"),
  at: sql.placeholder("at"),
  number: sql.placeholder("number"),
  limit: sql.placeholder("limit"),
};
const STATUSES = ["open", "revoke_failed", "ended", "all"] as const;

/** A list query's shape: its status's index, then the key of the filters it uses (server/db/statements.ts). */
const shapes = filterShapes(["expiringWithinDays", "type", "system", "department", "search", "cursor"] as const);

function filtersOf(shape: string): SQL[] {
  const where: SQL[] = [];
  const status = STATUSES[Number(shape[0])]!;
  const used = (filter: Parameters<typeof shapes.uses>[1]) => shapes.uses(shape.slice(1), filter);
  if (status === "open") where.push(isNull(accessExceptions.endedAt));
  if (status === "revoke_failed") where.push(eq(accessExceptions.status, "revoke_failed"));
  if (status === "ended") where.push(sql`${accessExceptions.endedAt} is not null`);
  if (used("expiringWithinDays"))
    where.push(isNull(accessExceptions.endedAt), sql`${accessExceptions.expiresAt} <= ${bound.soon}::timestamptz`);
  if (used("type")) where.push(sql`${accessExceptions.type} = ${bound.type}`);
  if (used("system")) where.push(ilike(accessExceptions.resourceKey, bound.systemPattern));
  if (used("department")) where.push(sql`${holder.department} = ${bound.department}`);
  if (used("search"))
    where.push(
      or(
        ilike(holder.displayName, bound.pattern),
        ilike(holder.email, bound.pattern),
        ilike(accessExceptions.resourceKey, bound.pattern),
      )!,
    );
  if (used("cursor"))
    where.push(
      sql`(${accessExceptions.expiresAt}, ${accessExceptions.number}) > (${bound.at}::timestamptz, ${bound.number}::int)`,
    );
  return where;
}

const listStatement = statementCache((db, shape: string) =>
  db
    .select({
      ...exceptionHeadline,
      expiresAt: accessExceptions.expiresAt,
      endedAt: accessExceptions.endedAt,
      extensionsUsed: accessExceptions.extensionsUsed,
      approvalRule: accessExceptions.approvalRule,
      fallbackName: accessExceptions.fallbackName,
      holderName: holder.displayName,
      holderDepartment: holder.department,
      approverName: approver.displayName,
    })
    .from(accessExceptions)
    .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
    .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
    .where(and(...filtersOf(shape)))
    .orderBy(asc(accessExceptions.expiresAt), asc(accessExceptions.number))
    .limit(bound.limit)
    .prepare(""),
);

/**
 * Seed 000's "Active exceptions" view for IT: filters, soonest expiry first, a page at a time
 * (keyset on expiry and number), with the dashboard's counts (cached, see exceptionCounts). The
 * whole count is the cached open count when the list is every open exception, else not counted.
 */
export async function listExceptions({ ctx, input }: { ctx: ServiceContext; input: ExceptionFilters }) {
  const now = ctx.clock();
  const limit = Math.min(input.limit ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const after = input.cursor ? decodeCursor(input.cursor) : null;
  const number = after ? Number(after.id) : null;
  if (after && !Number.isInteger(number))
    throw new DomainError("INVALID_INPUT", "The cursor's exception is not a number", { field: "cursor" });
  const search = input.search?.trim();
  const values = {
    expiringWithinDays: input.expiringWithinDays
      ? new Date(now.getTime() + input.expiringWithinDays * 86_400_000)
      : null,
    type: input.type || null,
    system: input.system ? startsWithPattern(`${input.system}:`) : null,
    department: input.department || null,
    search: search ? containsPattern(search) : null,
    cursor: after ? cursorInstant(after) : null,
  };
  const status = STATUSES.indexOf(input.status ?? "open");
  const shape = `${status < 0 ? STATUSES.indexOf("all") : status}${shapes.keyOf(values)}`;
  const [rows, counts] = await Promise.all([
    listStatement(ctx.db, shape).execute({
      soon: values.expiringWithinDays,
      type: values.type,
      systemPattern: values.system,
      department: values.department,
      pattern: values.search,
      at: values.cursor,
      number,
      limit: limit + 1,
    }),
    exceptionCounts(ctx.db, now),
  ]);
  const page = pageOf(rows, limit, (r) => ({ value: r.expiresAt.toISOString(), id: String(r.number) }));
  const everyOpen =
    (input.status ?? "open") === "open" &&
    !input.expiringWithinDays &&
    !input.type &&
    !input.system &&
    !input.department &&
    !input.search?.trim();
  return {
    ...page,
    rows: page.rows.map((r) => ({
      ...r,
      msRemaining: r.endedAt ? null : r.expiresAt.getTime() - now.getTime(),
    })),
    total: everyOpen ? counts.open : null,
    counts,
  };
}

/** How long the dashboard's counts may be old: they are computed once per cluster at most this often. */
export const EXCEPTION_COUNTS_MAX_AGE_MS = 15_000;
/** Counting every grant policy gives evaluates the whole organization: at most once a minute per cluster. */
export const POLICY_GRANTS_MAX_AGE_MS = 60_000;

/**
 * Open exceptions, those expiring soon, failed revokes, and exceptions as a share of all access, as
 * of at most EXCEPTION_COUNTS_MAX_AGE_MS (policy grants: POLICY_GRANTS_MAX_AGE_MS) before `now`, from
 * `cached_figures`: one caller in the cluster recomputes a stale figure while the others read the last one.
 */
export async function exceptionCounts(db: DbOrTx, now: Date) {
  const [row, policyGrants] = await Promise.all([
    cachedFigure(db, now, {
      key: "exception-counts",
      maxAgeMs: EXCEPTION_COUNTS_MAX_AGE_MS,
      compute: (tx) => countExceptions(tx, now),
    }),
    cachedFigure(db, now, {
      key: "policy-grant-count",
      maxAgeMs: POLICY_GRANTS_MAX_AGE_MS,
      compute: (tx) => policyGrantCount(tx, now),
    }),
  ]);
  return withShare(row, policyGrants);
}

/** The same counts computed now, as of `at` (a past month's report), without the cache. */
export async function exceptionCountsAt(db: DbOrTx, at: Date) {
  return withShare(await countExceptions(db, at), await policyGrantCount(db, at));
}

type ExceptionCountRow = Awaited<ReturnType<typeof countExceptions>>;
function withShare(row: ExceptionCountRow, policyGrants: number) {
  const open = row.open;
  return { ...row, policyGrants, shareOfAccess: open + policyGrants === 0 ? 0 : open / (open + policyGrants) };
}

async function countExceptions(db: DbOrTx, now: Date) {
  const week = new Date(now.getTime() + 7 * 86_400_000);
  const month = new Date(now.getTime() + 30 * 86_400_000);
  const [row] = await db
    .select({
      open: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null)::int`,
      expiring7: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null and ${accessExceptions.expiresAt} <= ${week})::int`,
      expiring30: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null and ${accessExceptions.expiresAt} <= ${month})::int`,
      revokeFailed: sql<number>`count(*) filter (where ${accessExceptions.status} = 'revoke_failed')::int`,
      grantFailed: sql<number>`count(*) filter (where ${accessExceptions.status} = 'grant_failed')::int`,
      fallback: sql<number>`count(*) filter (where ${accessExceptions.endedAt} is null and ${accessExceptions.source} = 'fallback')::int`,
    })
    .from(accessExceptions);
  return row!;
}

// The population path (bitsets, one block at a time), not one person at a time; counted packed.
async function policyGrantCount(db: DbOrTx, now: Date): Promise<number> {
  const engine = await policyEngine(db);
  const people = await loadPolicyIdentities(db);
  return evaluateAll(engine.compiled, people, now).totalGrants();
}

/** One exception with its timeline (seed 000's audit trail), extensions and provisioning operations. */
export async function getException({ ctx, input }: { ctx: ServiceContext; input: { exceptionId: string } }) {
  const now = ctx.clock();
  const [row] = await ctx.db
    .select({
      e: accessExceptions,
      holderName: holder.displayName,
      holderEmail: holder.email,
      approverEmail: approver.email,
      approverName: approver.displayName,
      proposerName: proposer.displayName,
      proposerEmail: proposer.email,
      requestedAt: accessRequests.createdAt,
      requestNumber: accessRequests.number,
      templateKey: requestTemplates.key,
    })
    .from(accessExceptions)
    .innerJoin(holder, eq(holder.id, accessExceptions.identityId))
    .leftJoin(approver, eq(approver.id, accessExceptions.approverId))
    .leftJoin(accessRequests, eq(accessRequests.id, accessExceptions.requestId))
    .leftJoin(proposer, eq(proposer.id, accessRequests.proposedBy))
    .leftJoin(requestTemplates, eq(requestTemplates.id, accessExceptions.templateId))
    .where(eq(accessExceptions.id, input.exceptionId));
  if (!row) throw new DomainError("NOT_FOUND", "There is no such exception", { field: "exceptionId" });
  if (
    ctx.actor.type === "identity" &&
    row.e.identityId !== ctx.actor.identityId &&
    !ctx.actor.roles.some((r) => r === "it_admin" || r === "auditor")
  ) {
    throw new DomainError("FORBIDDEN", "Only the holder, IT and auditors see an exception", { field: "exceptionId" });
  }
  const [extensions, operations] = await Promise.all([
    ctx.db
      .select()
      .from(exceptionExtensions)
      .where(eq(exceptionExtensions.exceptionId, row.e.id))
      .orderBy(asc(exceptionExtensions.ordinal)),
    ctx.db
      .select()
      .from(provisioningOperations)
      .where(eq(provisioningOperations.exceptionId, row.e.id))
      .orderBy(asc(provisioningOperations.createdAt)),
  ]);
  const failedAt = operations.filter((o) => o.status === "failed").at(-1)?.nextAttemptAt ?? null;
  const timeline = exceptionTimeline(
    {
      requestedAt: row.requestedAt,
      proposedBy: row.proposerEmail,
      approvedAt: row.e.approvedAt,
      approvedBy: row.approverEmail ?? row.e.approvalRule ?? row.e.fallbackName ?? "rule",
      deliveredAt: row.e.deliveredAt,
      extensions,
      endedAt: row.e.endedAt,
      endReason: row.e.endReason,
      endedBy: row.e.endedBy,
      endNote: row.e.endNote,
      removalDeliveredAt: row.e.removalDeliveredAt,
      status: row.e.status,
      failedAt,
    },
    now,
  );
  const grant = operations.find((o) => o.action === "grant");
  return {
    ...row.e,
    holderName: row.holderName,
    holderEmail: row.holderEmail,
    approverName: row.approverName,
    approverEmail: row.approverEmail,
    /** who put it forward: the IT admin who proposed it, else the holder who asked, else who recorded it */
    proposedBy: row.proposerEmail
      ? `${row.proposerName} (${row.proposerEmail})`
      : row.e.source === "request" || row.e.source === "fallback"
        ? `${row.holderName} (asked)`
        : row.e.createdBy,
    requestNumber: row.requestNumber,
    templateKey: row.templateKey,
    counts: countsAsAccess(row.e, now),
    /** "revoked: <reason> by <who>", as the holder was told */
    endText: row.e.endedAt ? endReasonText(row.e) : null,
    daysRemaining: row.e.endedAt ? null : daysRemaining(row.e.expiresAt, now),
    decisionToDeliveryMs: row.e.deliveredAt ? row.e.deliveredAt.getTime() - row.e.approvedAt.getTime() : null,
    extensions,
    operations: operations.map((o) => ({
      id: o.id,
      action: o.action,
      status: o.status,
      attempts: o.attempts,
      lastError: o.lastError,
      cancelReason: o.cancelReason,
      createdAt: o.createdAt,
      completedAt: o.completedAt,
      systemKey: o.systemKey,
    })),
    grantStatus: grant?.status ?? null,
    timeline,
  };
}
