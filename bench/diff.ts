/**
 * `npm run bench:diff`: diffs pairs of policy files of 200,000 characters (the most the API takes
 * per file, ~8,000 lines) the way an auditor's "compare versions" does, and prints the time per
 * diff (wall clock, and the CPU time it used, which a busy machine inflates less), whether it found
 * the shortest diff, and the process's peak memory.
 * Target (issue 13): every diff of files this size in under 200 ms.
 */
import { diffLines, MAX_DIFF_EDITS } from "@/server/core/policy/diff";
import { closing, cpuMs, fmtInt, fmtMs, machine, median, peakRssMB as peakMB, settle, table } from "./measure";

const RUNS = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 5);
const TARGET_MS = 200;
const CHARS = 200_000;

/** Unique lines of policy-like YAML until the file reaches the API's limit. */
function file(line: (i: number) => string): string[] {
  const lines: string[] = [];
  for (let size = 0, i = 0; size + line(i).length + 1 <= CHARS; i++) {
    lines.push(line(i));
    size += line(i).length + 1;
  }
  return lines;
}
const base = file((i) => `  - attribute-${i}: value-${i * 7}`);
const changeEvery = (n: number) => base.map((l, i) => (i % n === 0 ? `${l} # changed` : l));

const moveBlock = (size: number) => [
  ...base.slice(0, 1000),
  ...base.slice(1000 + size),
  ...base.slice(1000, 1000 + size),
];
/** YAML with few distinct lines (indentation, `- true`), the hardest case for Myers. */
const repetitive = (seed: number) =>
  file((i) => ["  - true", "  - false", "    read: true", "  -"][((i * seed) % 7) % 4]!);

/** [files, before, after, the shortest diff's edits when known]. */
const pairs: [string, string[], string[], number | null][] = [
  ["identical", base, base, 0],
  ["1% of lines rewritten", base, changeEvery(100), 2 * Math.ceil(base.length / 100)],
  ["10% of lines rewritten", base, changeEvery(10), 2 * Math.ceil(base.length / 10)],
  ["every line rewritten", base, file((i) => `  - renamed-${i}: other-${i * 3}`), null],
  ["block of 200 lines moved", base, moveBlock(200), 400],
  ["block of 1,000 lines moved", base, moveBlock(1000), 2000],
  ["lines reversed", base, base.toReversed(), null],
  ["few distinct lines, reordered", repetitive(3), repetitive(5), null],
  ["added file (empty before)", [], base, base.length],
];

console.log(
  `Clearance policy diff benchmark — ${machine()}; ` +
    `files of ${fmtInt(CHARS)} characters (${fmtInt(base.length)} lines); exact up to ${fmtInt(MAX_DIFF_EDITS)} edits; ${RUNS} runs each`,
);
const rows: string[][] = [];
let worst = 0;
const source = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
for (const [name, before, after, shortest] of pairs) {
  const a = source(before);
  const b = source(after);
  const times: number[] = [];
  const cpu: number[] = [];
  let edits = 0;
  for (let r = 0; r < RUNS; r++) {
    settle();
    const c0 = cpuMs();
    const t0 = performance.now();
    const ops = diffLines(a, b);
    times.push(performance.now() - t0);
    cpu.push(cpuMs() - c0);
    edits = ops.filter((o) => o.op !== "same").length;
  }
  const slowest = Math.max(...times);
  worst = Math.max(worst, slowest);
  rows.push([
    name,
    fmtInt(edits),
    shortest === null ? "—" : edits === shortest ? "yes" : `no (${fmtInt(shortest)})`,
    fmtMs(median(times)),
    fmtMs(slowest),
    fmtMs(median(cpu)),
    slowest < TARGET_MS ? "met" : "MISSED",
    `${peakMB().toFixed(0)} MB`,
  ]);
}
console.log(
  table(
    ["files", "edits shown", "shortest?", "median", "slowest", "median CPU", `< ${TARGET_MS} ms`, "peak RSS so far"],
    rows,
  ),
);
console.log(
  `${closing()}; ` + `target < ${TARGET_MS} ms ${worst < TARGET_MS ? "met" : "MISSED"} (slowest ${fmtMs(worst)})`,
);
