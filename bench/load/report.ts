import { loadavg } from "node:os";
import { table } from "../measure";
import type { LoadResult } from "./cannon";
import type { DecisionResult } from "./decisions";
import { BASELINE, EXCEPTION_LOG, endpoints } from "./endpoints";
import type { ExpiryResult } from "./expiry";

/** The benchmark's tables and issue 14's goals, each met or MISSED, with the machine's load around the run. */

export interface Row {
  endpoint: string;
  instances: number;
  connections: number;
  result: LoadResult;
  /** requests/s of the no-database route at the same connections and instances, in this run */
  baselineRps: number;
  /** VmHWM of the Next.js server(s) and the launcher(s) (jobs), MB, after the row */
  rssNext: number[];
  rssLauncher: number[];
}

export const BUSY_LOAD = 1.0;

/**
 * A row's requests/s as a share of the no-database route's, measured in the same run at the same
 * connection count on the same number of instances; NaN when that baseline row is missing.
 */
export function shareOfBaseline(rows: readonly Row[], row: Row): number {
  const baseline = rows.find(
    (r) => r.endpoint === BASELINE && r.connections === row.connections && r.instances === row.instances,
  );
  return baseline && baseline.result.rps > 0 ? row.result.rps / baseline.result.rps : Number.NaN;
}
export const loadAverage = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const ms = (x: number) => (Number.isFinite(x) ? `${Math.round(x)} ms` : "—");
const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)} %` : "—");

export function loadTable(rows: Row[]): string {
  return table(
    [
      "endpoint",
      "inst",
      "conn",
      "req/s",
      "of no-db",
      "p50",
      "p95",
      "p99",
      "errors",
      "timeouts",
      "peak RSS next / jobs (MB)",
    ],
    rows.map((r) => [
      r.endpoint,
      String(r.instances),
      String(r.connections),
      r.result.rps.toFixed(1),
      pct(shareOfBaseline(rows, r)),
      ms(r.result.p50),
      ms(r.result.p95),
      ms(r.result.p99),
      `${r.result.errors + r.result.non2xx}${r.result.firstBadStatus ? ` (HTTP ${r.result.firstBadStatus})` : ""}`,
      String(r.result.timeouts),
      `${r.rssNext.map((x) => x.toFixed(0)).join("+")} / ${r.rssLauncher.map((x) => x.toFixed(0)).join("+")}`,
    ]),
  );
}

export function decisionTable(runs: { instances: number; result: DecisionResult }[]): string {
  return table(
    [
      "decision mix",
      "decisions",
      "all busy",
      "decisions/s",
      "errors",
      "active / idle in tx (avg)",
      "waiting on a lock avg / max",
      "top waits",
    ],
    runs.map(({ instances, result: r }) => [
      `16 approvers, ${instances} instance${instances === 1 ? "" : "s"}${r.ranOut ? " (ran out)" : ""}`,
      String(r.decisions),
      `${r.busySeconds.toFixed(1)} s`,
      r.perSecond.toFixed(1),
      `${r.errors}${r.firstError ? ` (${r.firstError.slice(0, 60)})` : ""}`,
      `${r.activeAvg.toFixed(1)} / ${r.idleInTxAvg.toFixed(1)}`,
      `${r.lockWaitAvg.toFixed(1)} / ${r.lockWaitMax}`,
      Object.entries(r.waitEvents)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 3)
        .map(([k, n]) => `${k} ${Math.round((n / Math.max(1, r.samples)) * 10) / 10}`)
        .join(", "),
    ]),
  );
}

export function expiryTable(e: ExpiryResult): string {
  // Exceptions not ended (removed) when the wait gave up count as the whole wait: a lower bound, marked ≥.
  const s = (ms: number, all: boolean) => `${all ? "" : "≥ "}${(ms / 1000).toFixed(1)} s`;
  const endedAll = e.ended === e.exceptions;
  const removedAll = e.removed === e.exceptions;
  return table(
    [
      "expiry, target 1.5 s/call",
      "exceptions",
      "ended",
      "removed",
      "ended−expiry p50 / p99",
      "removed−expiry p50 / p99",
      "revoke calls",
      "repeated",
    ],
    [
      [
        "200 at once, 2 instances",
        String(e.exceptions),
        String(e.ended),
        String(e.removed),
        `${s(e.endedP50, endedAll)} / ${s(e.endedP99, endedAll)}`,
        `${s(e.removedP50, removedAll)} / ${s(e.removedP99, removedAll)}`,
        String(e.revokeCalls),
        String(e.repeatedRevokes),
      ],
    ],
  );
}

interface Goal {
  goal: string;
  measured: string;
  met: boolean | null;
}

export function goals(
  rows: Row[],
  decisions: { instances: number; result: DecisionResult }[],
  expiry: ExpiryResult | null,
): string {
  const out: Goal[] = [];
  const listNames = new Set(endpoints.filter((e) => e.listRead).map((e) => e.name));
  for (const name of listNames) {
    const at10 = rows.filter((r) => r.endpoint === name && r.connections === 10 && r.instances === 1);
    for (const r of at10) {
      const share = shareOfBaseline(rows, r);
      out.push({
        goal: `${name}: ≥ 50 % of no-db req/s and p95 ≤ 100 ms at 10 connections`,
        measured: `${pct(share)}, p95 ${ms(r.result.p95)}`,
        met:
          Number.isFinite(share) &&
          share >= 0.5 &&
          r.result.p95 <= 100 &&
          r.result.errors + r.result.non2xx + r.result.timeouts === 0,
      });
    }
  }
  const log50 = rows.find((r) => r.endpoint === EXCEPTION_LOG && r.connections === 50 && r.instances === 1);
  if (log50)
    out.push({
      goal: "exception-log preview: p95 ≤ 300 ms at 50 connections, no timeouts",
      measured: `p95 ${ms(log50.result.p95)}, ${log50.result.timeouts} timeouts`,
      met: log50.result.p95 <= 300 && log50.result.timeouts === 0,
    });
  for (const d of decisions)
    out.push({
      goal: `decisions/s ≥ 100 with 16 approvers on ${d.instances} instance${d.instances === 1 ? "" : "s"}, none waiting on a lock`,
      measured: `${d.result.perSecond.toFixed(1)}/s, ${d.result.lockWaitAvg.toFixed(1)} waiting on a lock (avg), ${d.result.errors} errors`,
      met: d.result.perSecond >= 100 && d.result.lockWaitMax === 0 && d.result.errors === 0,
    });
  if (expiry)
    out.push({
      goal: "expiry with a 1.5 s target: p99 (ended − expiry) ≤ 5 s, each revoked once",
      measured: `p99 ${(expiry.endedP99 / 1000).toFixed(1)} s; removals p50 ${(expiry.removedP50 / 1000).toFixed(1)} s, p99 ${(expiry.removedP99 / 1000).toFixed(1)} s; ${expiry.repeatedRevokes} repeated`,
      met: expiry.endedP99 <= 5000 && expiry.ended === expiry.exceptions && expiry.repeatedRevokes === 0,
    });
  return table(
    ["goal (issue 14)", "measured", ""],
    out.map((g) => [g.goal, g.measured, g.met === null ? "n/a" : g.met ? "met" : "MISSED"]),
  );
}
