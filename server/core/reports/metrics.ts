/** Seed 000's exception metrics, computed from plain rows (the service loads them). */

export interface ExceptionFact {
  source: string;
  resourceKey: string;
  requesterDepartment: string | null;
  requesterEmail: string;
  startsAt: Date;
  expiresAt: Date;
  createdAt: Date;
  endedAt: Date | null;
  endReason: string | null;
  extensionsUsed: number;
}

export interface DecisionFact {
  createdAt: Date;
  decidedAt: Date;
  status: "approved" | "denied";
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

export function percentileOf(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const monthKey = (d: Date) => d.toISOString().slice(0, 7);

/** The last `count` months up to and including `now`'s, oldest first. */
export function lastMonths(now: Date, count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (count - 1 - i), 1))),
  );
}

export interface Recommendation {
  resource: string;
  department: string;
  requests: number;
  text: string;
  draftPolicy: string;
}

export interface ExceptionMetrics {
  volume: {
    active: number;
    sharePercent: number;
    target: string;
    met: boolean;
    trend: { month: string; created: number; ended: number }[];
  };
  duration: {
    averageDays: number | null;
    buckets: { label: string; count: number }[];
    under30Percent: number | null;
    over90: number;
    target: string;
    met: boolean | null;
  };
  approval: {
    p50Hours: number | null;
    p90Hours: number | null;
    approvalRatePercent: number | null;
    decided: number;
    target: string;
    met: boolean | null;
  };
  expiration: {
    ended: number;
    onTimePercent: number | null;
    extendedPercent: number | null;
    revokedPercent: number | null;
    target: string;
    met: boolean | null;
  };
  common: { resources: { resource: string; count: number }[]; requesters: { email: string; count: number }[] };
  recommendations: Recommendation[];
}

const pct = (n: number, of: number) => (of === 0 ? null : Math.round((n / of) * 1000) / 10);

function top<T extends string>(items: readonly T[], limit: number) {
  const counts = new Map<T, number>();
  for (const x of items) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, limit);
}

const policyName = (department: string, resource: string) =>
  `${department}-${resource.split(":").slice(2).join("-")}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .slice(0, 60);

/**
 * The five metrics with seed 000's targets, over exceptions and decisions, for the month of
 * `now` (trend: the last six months). `policyGrants` is how many grants policy gives everyone now.
 */
export function exceptionMetrics(
  exceptions: readonly ExceptionFact[],
  decisions: readonly DecisionFact[],
  policyGrants: number,
  now: Date,
): ExceptionMetrics {
  const month = monthKey(now);
  const active = exceptions.filter((e) => e.endedAt === null && e.startsAt <= now && now < e.expiresAt);
  const share = active.length + policyGrants === 0 ? 0 : (active.length / (active.length + policyGrants)) * 100;
  const trend = lastMonths(now, 6).map((m) => ({
    month: m,
    created: exceptions.filter((e) => monthKey(e.createdAt) === m).length,
    ended: exceptions.filter((e) => e.endedAt && monthKey(e.endedAt) === m).length,
  }));

  const durations = exceptions
    .filter((e) => e.source !== "fallback")
    .map((e) => ((e.endedAt ?? e.expiresAt).getTime() - e.startsAt.getTime()) / DAY);
  const buckets = [
    { label: "up to 1 week", count: durations.filter((d) => d <= 7).length },
    { label: "1–4 weeks", count: durations.filter((d) => d > 7 && d <= 30).length },
    { label: "1–3 months", count: durations.filter((d) => d > 30 && d <= 90).length },
    { label: "over 3 months", count: durations.filter((d) => d > 90).length },
  ];
  const under30 = pct(durations.filter((d) => d <= 30).length, durations.length);

  const hours = decisions.map((d) => (d.decidedAt.getTime() - d.createdAt.getTime()) / HOUR);
  const p50 = percentileOf(hours, 50);
  const p90 = percentileOf(hours, 90);
  const rate = pct(decisions.filter((d) => d.status === "approved").length, decisions.length);

  const ended = exceptions.filter((e) => e.endedAt !== null && e.source !== "fallback");
  const onTime = pct(ended.filter((e) => e.endReason === "expired").length, ended.length);
  // Of the same ended exceptions as the other two figures: an open one may still be extended.
  const extended = pct(ended.filter((e) => e.extensionsUsed > 0).length, ended.length);
  const revoked = pct(ended.filter((e) => e.endReason === "revoked").length, ended.length);

  const thisMonth = exceptions.filter((e) => monthKey(e.createdAt) === month && e.source === "request");
  const recommendations: Recommendation[] = top(
    thisMonth.filter((e) => e.requesterDepartment).map((e) => `${e.resourceKey}\u0000${e.requesterDepartment}`),
    10,
  )
    .filter(([, n]) => n >= 3)
    .map(([key, n]) => {
      const [resource, department] = key.split("\u0000") as [string, string];
      const name = policyName(department, resource);
      return {
        resource,
        department,
        requests: n,
        text: `${resource} requested ${n} times by ${department} this month: consider a policy`,
        draftPolicy:
          `name: ${name}\n` +
          `description: ${department} asked for ${resource} ${n} times in ${month}; access they ` +
          `need for good belongs in a policy\n` +
          `when:\n` +
          `  - department: ${department}\n` +
          `grants:\n` +
          `  - ${resource}\n`,
      };
    });

  return {
    volume: {
      active: active.length,
      sharePercent: Math.round(share * 100) / 100,
      target: "under 5% of all access",
      met: share < 5,
      trend,
    },
    duration: {
      averageDays: durations.length
        ? Math.round((durations.reduce((a, b) => a + b, 0) / durations.length) * 10) / 10
        : null,
      buckets,
      under30Percent: under30,
      over90: buckets[3]!.count,
      target: "most under 30 days",
      met: under30 === null ? null : under30 > 50,
    },
    approval: {
      p50Hours: p50 === null ? null : Math.round(p50 * 10) / 10,
      p90Hours: p90 === null ? null : Math.round(p90 * 10) / 10,
      approvalRatePercent: rate,
      decided: decisions.length,
      target: "under 24 hours; over 90% approved",
      met: p50 === null || rate === null ? null : p50 < 24 && rate > 90,
    },
    expiration: {
      ended: ended.length,
      onTimePercent: onTime,
      extendedPercent: extended,
      revokedPercent: revoked,
      target: "over 95% on time; under 20% extended; under 5% revoked",
      met: onTime === null ? null : onTime > 95 && (extended ?? 0) < 20 && (revoked ?? 0) < 5,
    },
    common: {
      resources: top(
        thisMonth.map((e) => e.resourceKey),
        5,
      ).map(([resource, count]) => ({ resource, count })),
      requesters: top(
        thisMonth.map((e) => e.requesterEmail),
        5,
      ).map(([email, count]) => ({ email, count })),
    },
    recommendations,
  };
}

/** Seed 000's monthly exception report, as text. */
export function monthlyReportText(
  m: ExceptionMetrics,
  month: string,
  expiredThisMonth: number,
  newThisMonth: number,
): string {
  const label = new Date(`${month}-01T00:00:00Z`).toLocaleString("en-US", {
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
  const lines = [
    `Exception Report - ${label}`,
    "",
    `Active Exceptions: ${m.volume.active}`,
    `New This Month: ${newThisMonth}`,
    `Expired This Month: ${expiredThisMonth}`,
    "",
    "Most Requested Resources:",
    ...(m.common.resources.length
      ? m.common.resources.map((r, i) => `${i + 1}. ${r.resource} (${r.count} request${r.count === 1 ? "" : "s"})`)
      : ["(none this month)"]),
    "",
    "Recommendation:",
    ...(m.recommendations.length
      ? m.recommendations.map((r) => `- ${r.text}.`)
      : ["- No resource was requested three times or more by one department."]),
    "",
    `Exceptions are ${m.volume.sharePercent}% of all access (target: ${m.volume.target}).`,
    m.approval.decided === 0
      ? "No request was decided in the last 90 days: approval time has no figures."
      : `Approval time p50 ${m.approval.p50Hours} h, p90 ${m.approval.p90Hours} h; approval rate ${m.approval.approvalRatePercent}%.`,
    m.expiration.ended === 0
      ? "No exception has ended yet: expiration compliance has no figures."
      : `Of ${m.expiration.ended} ended exception${m.expiration.ended === 1 ? "" : "s"}: ` +
        `expired on time ${m.expiration.onTimePercent}%, extended ${m.expiration.extendedPercent}%, ` +
        `revoked manually ${m.expiration.revokedPercent}%.`,
  ];
  return lines.join("\n");
}
