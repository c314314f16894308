import { and, eq, gte, inArray, isNotNull, sql } from "drizzle-orm";
import {
  exceptionMetrics,
  monthKey,
  monthlyReportText,
  type DecisionFact,
  type ExceptionFact,
} from "@/server/core/reports/metrics";
import type { DbOrTx } from "@/server/db/client";
import { accessExceptions, accessRequests, auditEvents, identities, portalRoleAssignments } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { exceptionCounts, exceptionCountsAt } from "../exceptions/queries";
import { notifyPeople } from "../requests/notify";

const YEAR = 366 * 86_400_000;

async function facts(db: DbOrTx, now: Date): Promise<{ exceptions: ExceptionFact[]; decisions: DecisionFact[] }> {
  const since = new Date(now.getTime() - YEAR);
  const [exceptionRows, decisionRows] = await Promise.all([
    db
      .select({ e: accessExceptions, email: identities.email, department: identities.department })
      .from(accessExceptions)
      .innerJoin(identities, eq(identities.id, accessExceptions.identityId))
      .where(gte(accessExceptions.createdAt, since)),
    db
      .select({
        createdAt: accessRequests.createdAt,
        decidedAt: accessRequests.decidedAt,
        status: accessRequests.status,
      })
      .from(accessRequests)
      .where(
        and(
          inArray(accessRequests.status, ["approved", "denied"]),
          isNotNull(accessRequests.decidedAt),
          gte(accessRequests.decidedAt, new Date(now.getTime() - 90 * 86_400_000)),
        ),
      ),
  ]);
  return {
    exceptions: exceptionRows
      .filter(({ e }) => e.createdAt <= now)
      .map(({ e, email, department }) => ({
        source: e.source,
        resourceKey: e.resourceKey,
        requesterDepartment: department,
        requesterEmail: email,
        startsAt: e.startsAt,
        expiresAt: e.expiresAt,
        createdAt: e.createdAt,
        endedAt: e.endedAt && e.endedAt <= now ? e.endedAt : null,
        endReason: e.endedAt && e.endedAt <= now ? e.endReason : null,
        extensionsUsed: e.extensionsUsed,
      })),
    decisions: decisionRows
      .filter((d) => d.decidedAt! <= now)
      .map((d) => ({ createdAt: d.createdAt, decidedAt: d.decidedAt!, status: d.status as "approved" | "denied" })),
  };
}

/** Seed 000's five metrics, with targets, for the dashboard (now) or a past month (its last moment). */
export async function metricsFor({ ctx, input }: { ctx: ServiceContext; input: { month?: string } }) {
  const now = ctx.clock();
  const at =
    input.month && input.month < monthKey(now)
      ? new Date(Date.UTC(Number(input.month.slice(0, 4)), Number(input.month.slice(5, 7)), 1) - 1)
      : now;
  const [{ exceptions, decisions }, counts] = await Promise.all([
    facts(ctx.db, at),
    at === now ? exceptionCounts(ctx.db, now) : exceptionCountsAt(ctx.db, at),
  ]);
  return { at, month: monthKey(at), ...exceptionMetrics(exceptions, decisions, counts.policyGrants, at) };
}

/**
 * The monthly exception report (seed 000's example) for the month before `now`, emailed and
 * shown in-app to IT admins and auditors. Once per month: a second run finds it sent, and two
 * runs at once (two instances, or a slot's job while an earlier one still runs) take the month's
 * lock in turn, so the second finds it sent too (test/cluster/expiry-and-schedules.test.ts).
 */
export async function sendMonthlyReport({ ctx }: { ctx: ServiceContext }): Promise<number> {
  const now = ctx.clock();
  const lastMonthEnd = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1) - 1);
  const month = monthKey(lastMonthEnd);
  const sentAlready = async (db: DbOrTx) =>
    (
      await db
        .select({ id: auditEvents.id })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, "report.monthly_sent"), eq(auditEvents.subjectId, month)))
        .limit(1)
    ).length > 0;
  if (await sentAlready(ctx.db)) return 0;
  const metrics = await metricsFor({ ctx, input: { month } });
  const { exceptions } = await facts(ctx.db, lastMonthEnd);
  const created = exceptions.filter((e) => monthKey(e.createdAt) === month).length;
  const expired = exceptions.filter(
    (e) => e.endedAt && monthKey(e.endedAt) === month && e.endReason === "expired",
  ).length;
  const text = monthlyReportText(metrics, month, expired, created);
  const readers = await ctx.db
    .selectDistinct({ id: portalRoleAssignments.identityId })
    .from(portalRoleAssignments)
    .where(inArray(portalRoleAssignments.role, ["it_admin", "auditor"]));
  return ctx.db.transaction(async (tx) => {
    // The month's lock, then the check again: a run that got here first has sent it.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`report.monthly_sent:${month}`}))`);
    if (await sentAlready(tx)) return 0;
    const told = await notifyPeople(
      tx,
      readers.map((r) => r.id),
      { kind: "monthly_report", title: text.split("\n")[0]!, body: text, link: `/metrics?month=${month}` },
      now,
    );
    await recordAuditEvent(tx, ctx, {
      action: "report.monthly_sent",
      subjectType: "report",
      subjectId: month,
      after: {
        recipients: told.length,
        active: metrics.volume.active,
        newThisMonth: created,
        expiredThisMonth: expired,
      },
    });
    return told.length;
  });
}
