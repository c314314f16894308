import { min } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { defaultEvidencePeriod } from "@/server/core/reports/evidence-period";
import type { ReportFilters, ReportKind } from "@/server/core/reports/filters";
import { auditEvents } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import type { ReportSource } from "./report-source";
import { reportSource } from "./sources";

export interface EvidencePeriod {
  from: string;
  to: string;
}

/** The moments the access snapshots are taken: the period's first instant, and its last (or now, if sooner). */
export function snapshotMoments(period: EvidencePeriod, now: Date) {
  const startAt = new Date(`${period.from}T00:00:00Z`);
  const endOfPeriod = new Date(new Date(`${period.to}T00:00:00Z`).getTime() + 86_400_000 - 1);
  return { startAt, endAt: endOfPeriod > now ? now : endOfPeriod };
}

/** The pack's CSV files and the report each holds, for one period (the pack and its preview list the same). */
export function evidenceCsvFiles(
  period: EvidencePeriod,
  now: Date,
): { name: string; kind: ReportKind; filters: ReportFilters }[] {
  const { startAt, endAt } = snapshotMoments(period, now);
  return [
    { name: "access-as-of-start.csv", kind: "access-as-of", filters: { at: startAt.toISOString() } },
    { name: "access-as-of-end.csv", kind: "access-as-of", filters: { at: endAt.toISOString() } },
    { name: "exception-log.csv", kind: "exceptions", filters: period },
    { name: "approvals.csv", kind: "approvals", filters: period },
    { name: "requests.csv", kind: "requests", filters: period },
    { name: "leavers.csv", kind: "leavers", filters: period },
    { name: "policy-changes.csv", kind: "policy-changes", filters: period },
    { name: "audit-events.csv", kind: "audit-events", filters: period },
  ];
}

async function rowCount(source: ReportSource): Promise<number> {
  if (source.count) return source.count();
  let n = 0;
  for await (const batch of source.rows()) n += batch.length;
  return n;
}

/**
 * What an evidence pack for a period would hold, before it is downloaded: the rows in each file.
 * Without a period, the default one: the last 90 days, or since the first event on a new install.
 */
export async function evidencePackContents({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { from?: string; to?: string };
}) {
  const now = ctx.clock();
  let period: EvidencePeriod;
  if (input.from && input.to) period = { from: input.from, to: input.to };
  else {
    const [first] = await ctx.db.select({ at: min(auditEvents.occurredAt) }).from(auditEvents);
    period = defaultEvidencePeriod(first?.at ?? null, now);
  }
  if (period.to < period.from)
    throw new DomainError("INVALID_INPUT", "The period ends before it starts", { field: "to" });
  const files = await Promise.all(
    evidenceCsvFiles(period, now).map(async (f) => ({
      name: f.name,
      rows: await rowCount(reportSource(ctx.db, f.kind, f.filters)),
    })),
  );
  return { period, files };
}
