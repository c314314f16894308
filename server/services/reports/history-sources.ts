import { and, asc, eq, gt, gte, ilike, inArray, lt, sql } from "drizzle-orm";
import { rangeOf, type ReportFilters } from "@/server/core/reports/filters";
import type { DbOrTx } from "@/server/db/client";
import { containsPattern } from "@/server/db/like";
import { accessExceptions, identities, identityAttributeChanges, policySetVersions } from "@/server/db/schema";
import { keysetBatches, type ReportSource } from "./report-source";

const hoursBetween = (a: Date, b: Date) => Math.round(((b.getTime() - a.getTime()) / 3_600_000) * 10) / 10;

/**
 * Leavers (issue 6, report 4): each termination, the temporary access the person held then,
 * how long until all of it was removed through the systems, and what is still open. Policy
 * access stops counting at the termination itself (invariant 3).
 */
export function leaversSource(db: DbOrTx, f: ReportFilters): ReportSource {
  const { from, to } = rangeOf(f);
  return {
    name: "leavers",
    columns: [
      "person",
      "department",
      "terminated_at",
      "exceptions_held",
      "removed",
      "still_open",
      "all_removed_at",
      "hours_to_remove_all",
    ],
    async *rows() {
      const terminations = await db
        .select({ change: identityAttributeChanges, email: identities.email, department: identities.department })
        .from(identityAttributeChanges)
        .innerJoin(identities, eq(identities.id, identityAttributeChanges.identityId))
        .where(
          and(
            eq(identityAttributeChanges.attribute, "employment_status"),
            sql`lower(trim(${identityAttributeChanges.newValue} #>> '{}')) = 'terminated'`,
            from ? gte(identityAttributeChanges.effectiveAt, from) : undefined,
            to ? lt(identityAttributeChanges.effectiveAt, to) : undefined,
            f.department ? eq(identities.department, f.department) : undefined,
            f.person ? ilike(identities.email, containsPattern(f.person)) : undefined,
          ),
        )
        .orderBy(asc(identityAttributeChanges.effectiveAt));
      // Every leaver's exceptions in one query, grouped by person.
      const ids = [...new Set(terminations.map((t) => t.change.identityId))];
      const exceptionsOf = new Map<string, (typeof accessExceptions.$inferSelect)[]>();
      for (const e of ids.length
        ? await db.select().from(accessExceptions).where(inArray(accessExceptions.identityId, ids))
        : []) {
        exceptionsOf.set(e.identityId, [...(exceptionsOf.get(e.identityId) ?? []), e]);
      }
      const out: unknown[][] = [];
      for (const t of terminations) {
        const at = t.change.effectiveAt;
        const held = (exceptionsOf.get(t.change.identityId) ?? []).filter(
          (e) =>
            e.startsAt <= at &&
            (e.endedAt === null || e.endedAt >= at) &&
            (!f.system || e.resourceKey.startsWith(`${f.system}:`)),
        );
        const removed = held.filter((e) => e.removalDeliveredAt);
        const open = held.length - removed.length;
        const last = removed.reduce<Date | null>(
          (m, e) => (m && m > e.removalDeliveredAt! ? m : e.removalDeliveredAt!),
          null,
        );
        out.push([
          t.email,
          t.department,
          at,
          held.length,
          removed.length,
          open,
          open ? null : last,
          open || !last ? null : hoursBetween(at, last),
        ]);
      }
      if (out.length) yield out;
    },
  };
}

/** Policy changes (issue 6, report 5): every version, who wrote it, who approved it, what it changed. */
export function policyChangesSource(db: DbOrTx, f: ReportFilters): ReportSource {
  const { from, to } = rangeOf(f);
  const where = and(
    from ? gte(policySetVersions.createdAt, from) : undefined,
    to ? lt(policySetVersions.createdAt, to) : undefined,
    f.person ? ilike(policySetVersions.authorLabel, containsPattern(f.person)) : undefined,
  );
  return {
    name: "policy-changes",
    pdfColumns: ["version", "status", "author", "message", "created_at", "activated_at", "decided_by", "files"],
    columns: [
      "version",
      "status",
      "author",
      "message",
      "created_at",
      "activated_at",
      "decided_by",
      "decision_note",
      "files",
      "impact",
    ],
    rows: (batchSize?: number) =>
      keysetBatches(
        (after: number | null, size) =>
          db
            .select()
            .from(policySetVersions)
            .where(and(where, after === null ? undefined : gt(policySetVersions.id, after)))
            .orderBy(asc(policySetVersions.id))
            .limit(size),
        (v) => v.id,
        (v) => {
          const summary = v.summary as { files?: { path: string; change: string }[]; impact?: unknown };
          return [
            v.id,
            v.status,
            v.authorLabel,
            v.message,
            v.createdAt,
            v.activatedAt,
            v.deciderLabel,
            v.decisionNote,
            (summary.files ?? []).map((x) => `${x.change} ${x.path}`).join("; "),
            summary.impact ?? null,
          ];
        },
        batchSize,
      ),
  };
}
