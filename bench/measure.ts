import { readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { ExpectedGrant } from "@/server/core/policy";

/** Timing, percentiles, memory and plain-text tables for the benchmark. */

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as (() => void) | undefined;

/** A full collection between phases, so one phase's garbage is not billed to the next. */
export function settle(): void {
  collect?.();
  collect?.();
}

export const now = (): number => performance.now();

export function timed<T>(fn: () => T): { ms: number; value: T } {
  const t0 = now();
  const value = fn();
  return { ms: now() - t0, value };
}

export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** Nearest-rank percentile. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** Grants by identity id: the engine's EvaluatedGrants or a baseline's Map. */
export interface GrantLookup {
  get(id: string): ExpectedGrant[] | undefined;
}

export const rssMB = (): number => process.memoryUsage().rss / 1048576;
/**
 * Peak resident set size of the whole process so far (VmHWM in /proc/self/status: heap, buffers,
 * native code, everything), in MB; resourceUsage().maxRSS where there is no /proc.
 */
export function peakRssMB(): number {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS / 1024;
}
/** CPU time (user + system) this process has used so far, in ms: a busy machine inflates it less than wall time. */
export const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** The machine's load averages over 1, 5 and 15 minutes. */
export const loadAverage = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
/** "busy" when the 1-minute load average is above half the cores: other work then shares them. */
export const busy = (): string => (loadavg()[0]! > cpus().length / 2 ? " (BUSY machine: figures inflated)" : "");
/** One line naming node, the CPUs and the load average before a benchmark starts. */
export const machine = (): string =>
  `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}; load average before: ${loadAverage()}${busy()}`;
/** The closing line every benchmark prints: load after, and the whole process's peak RSS. */
export const closing = (): string =>
  `load average after: ${loadAverage()}${busy()}; peak RSS of the process (VmHWM) ${peakRssMB().toFixed(0)} MB`;
/** Live JS heap plus typed arrays' buffers (where packed results and the memo live). */
export const heapMB = (): number => {
  const m = process.memoryUsage();
  return (m.heapUsed + m.arrayBuffers) / 1048576;
};

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (ms < 1) return `${(ms * 1000).toFixed(ms < 0.01 ? 2 : 1)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

export const fmtInt = (n: number): string => n.toLocaleString("en-US");
export const fmtRatio = (r: number): string =>
  Number.isFinite(r) ? `${r >= 100 ? fmtInt(Math.round(r)) : r.toFixed(1)}×` : "—";

/** Left-aligned text, right-aligned numbers (anything starting with a digit or ≤/≥). */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = (s: string) => /^[\d≤≥<>~.-]/.test(s);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i > 0 && numeric(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [line(header), rule, ...rows.map(line)].join("\n");
}

export interface Target {
  text: string;
  met: boolean | null;
}

export const atMost = (value: number, limit: number, unit: (n: number) => string): Target => ({
  text: `≤ ${unit(limit)}`,
  met: value <= limit,
});
export const atLeast = (value: number, limit: number): Target => ({ text: `≥ ${limit}×`, met: value >= limit });
export const noTarget: Target = { text: "—", met: null };
export const verdict = (t: Target): string => (t.met === null ? "" : t.met ? "met" : "MISSED");

/** Grants that differ between two evaluators for one person (resources and levels; paths separately). */
export function compareGrants(
  a: readonly ExpectedGrant[],
  b: readonly ExpectedGrant[],
): { grants: boolean; via: boolean } {
  if (a.length !== b.length) return { grants: false, via: false };
  let via = true;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.resource !== b[i]!.resource || a[i]!.level !== b[i]!.level) return { grants: false, via: false };
    if (a[i]!.via.join(">") !== b[i]!.via.join(">")) via = false;
  }
  return { grants: true, via };
}

export const grantsText = (gs: readonly ExpectedGrant[]) =>
  gs.map((g) => `${g.resource}${g.level ? ` (${g.level})` : ""} via ${g.via.join(">")}`).join("\n    ");

/**
 * CPU time (ms) the PostgreSQL backends serving `database` have used so far, read from /proc/<pid>/stat:
 * only when the server runs on this machine (null otherwise). Keep the pool's connections open between
 * two readings (idleTimeoutMillis: 0), or a closed backend takes its time with it.
 */
export async function postgresCpuMs(
  query: (sql: string) => Promise<{ rows: { pid: number }[] }>,
): Promise<number | null> {
  const { rows } = await query("select pid from pg_stat_activity where datname = current_database()");
  let total = 0;
  const tick = 1000 / 100; // USER_HZ is 100 on Linux
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      total += (Number(fields[11]) + Number(fields[12])) * tick;
    } catch {
      return null;
    }
  }
  return total;
}
