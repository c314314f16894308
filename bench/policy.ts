import { parseArgs } from "node:util";
import type { CompiledPolicySet, EvaluatedGrants } from "@/server/core/policy";
import { Mismatch, type NaiveFigures, type RulesEngineFigures } from "./baselines";
import { baselinesInChild } from "./baselines-child";
import { CATEGORY_SHARES } from "./gen-policies";
import {
  atLeast,
  atMost,
  closing,
  fmtInt,
  fmtMs,
  fmtRatio,
  machine,
  median,
  noTarget,
  peakRssMB,
  percentile,
  rssMB,
  settle,
  table,
  verdict,
  type Target,
} from "./measure";
import {
  buildWorkload,
  compileTimed,
  edits,
  explanation,
  fullEvaluation,
  reevaluation,
  type Workload,
} from "./workload";

/**
 * npm run bench:policy [-- --identities N --policies M --seed S --quick]
 * The policy engine on a synthetic organization, against a naive evaluator and json-rules-engine.
 * Method and distributions: docs/benchmarks.md.
 */

const { values: args } = parseArgs({
  options: {
    identities: { type: "string" },
    policies: { type: "string" },
    seed: { type: "string" },
    quick: { type: "boolean", default: false },
  },
});
const int = (s: string | undefined, fallback: number, name: string) => {
  if (s === undefined) return fallback;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name} takes a positive whole number, not "${s}"`);
    process.exit(2);
  }
  return n;
};
const quick = args.quick ?? false;
const N = int(args.identities, quick ? 10_000 : 100_000, "identities");
const M = int(args.policies, quick ? 500 : 1_000, "policies");
const seed = int(args.seed, 42, "seed");
const samples = quick ? 2_000 : 10_000;
const editCount = quick ? 5 : 20;
const jreSize = Math.min(N, quick ? 50 : 200);
const runs = quick ? 3 : 5;
const secondary = !quick && args.identities === undefined && args.policies === undefined;

const log = (s: string) => process.stderr.write(`${s}\n`);
const ms = (x: number) => fmtMs(x);
const mb = (x: number) => `${x.toFixed(0)} MB`;
const fullTarget = (n: number, m: number, t: number): Target =>
  n === 100_000 && m === 1_000 ? atMost(t, 1000, ms) : n === 10_000 && m === 500 ? atMost(t, 100, ms) : noTarget;

function describe(w: Workload, set: CompiledPolicySet, results: EvaluatedGrants) {
  const active = w.identities.filter(
    (p) => String(p.attributes.employment_status).trim().toLowerCase() === "active",
  ).length;
  const grants = results.totalGrants();
  const byCategory = new Map<string, number>();
  for (const d of w.drafts) byCategory.set(d.category, (byCategory.get(d.category) ?? 0) + 1);
  const depth = Math.max(...w.drafts.map((d) => d.depth));
  const unindexed = set.allow.unindexed.length + set.deny.unindexed.length;
  return [
    `  identities ${fmtInt(w.identities.length)} (${fmtInt(active)} active), ` +
      `policies ${fmtInt(w.policies.length)}, resources ${fmtInt(set.resources.length)}, ` +
      `aliases ${w.config.aliases.length}`,
    `  policies by kind: ${[...byCategory].map(([c, n]) => `${c} ${n}`).join(", ")}`,
    `  unindexed (checked for everyone): ${unindexed}; deepest inheritance: ${depth} hops; ` +
      `grants per active person: ${(grants / Math.max(1, active)).toFixed(1)}`,
    `  generated in ${ms(w.generateMs)}, YAML parsed in ${ms(w.parseMs)}`,
  ].join("\n");
}

interface Comparison {
  label: string;
  engineMs: number;
  target: Target;
  naive: NaiveFigures;
  jre: RulesEngineFigures;
  /** the baselines' own process's peak RSS */
  peakMB: number;
}

/** The baselines run in a child process (the same workload from the seed), after the engine's figures are taken. */
async function compare(label: string, n: number, m: number, engineMs: number, target: Target): Promise<Comparison> {
  const { naive, jre, peakMB } = await baselinesInChild(seed, n, m, jreSize);
  return { label, engineMs, target, naive, jre, peakMB };
}

interface Report {
  summary: string;
  rows: [string, string, Target][];
  comparison: Comparison;
  editRows: string[][];
  notes: string[];
}

/** The main workload; returns figures only, so its data can be collected before the next one. */
async function primary(): Promise<Report> {
  log(`bench:policy — seed ${seed}, ${fmtInt(N)} identities × ${fmtInt(M)} policies${quick ? " (quick)" : ""}`);
  const w = buildWorkload(seed, N, M);
  settle();
  const loadedMB = rssMB();
  log("  compiling ...");
  const compiled = compileTimed(w);
  log("  full evaluation ...");
  const full = fullEvaluation(compiled.set, w, runs);
  const summary = describe(w, compiled.set, full.results);
  log(summary);
  log("  re-evaluation and explain ...");
  const re = reevaluation(compiled.set, w, full.results, samples);
  const ex = explanation(compiled.set, w, full.results, samples);
  log(`  ${editCount + 2} one-policy edits (one to warm up): impact preview and affected re-evaluation ...`);
  const ed = edits(compiled.set, w, full.results, editCount);
  settle();
  const enginePeak = peakRssMB();
  const engineRss = rssMB();
  const comparison = await compare(`${fmtInt(N)} × ${fmtInt(M)}`, N, M, full.ms, fullTarget(N, M, full.ms));

  const previews = ed.sample.map((e) => e.previewMs);
  const reevals = ed.sample.map((e) => e.reevaluateMs);
  const rows: [string, string, Target][] = [
    [`compile ${fmtInt(M)} policies (with valueCounts; median of 5)`, ms(compiled.ms), noTarget],
    [
      `full evaluation ${fmtInt(N)} × ${fmtInt(M)} (evaluateAll, results kept; median of ${runs})`,
      ms(full.ms),
      fullTarget(N, M, full.ms),
    ],
    ["  the same one person at a time (evaluateIdentity each, nothing kept)", ms(full.streamingMs), noTarget],
    [`re-evaluation after an attribute change, p50 (${fmtInt(samples)} samples)`, ms(re.p50), noTarget],
    ["re-evaluation after an attribute change, p99", ms(re.p99), atMost(re.p99, 1, ms)],
    [`explain, p50 (${fmtInt(samples)} samples)`, ms(ex.p50), noTarget],
    ["explain, p99", ms(ex.p99), atMost(ex.p99, 1, ms)],
    [`impact preview of one edit over everyone, p50 (${editCount} edits)`, ms(median(previews)), noTarget],
    ["impact preview of one edit over everyone, p99", ms(percentile(previews, 99)), noTarget],
    [
      `  identities it evaluated, median (of ${fmtInt(N)})`,
      fmtInt(median(ed.sample.map((e) => e.evaluated))),
      noTarget,
    ],
    ["affected identities re-evaluated after one edit, p50", ms(median(reevals)), noTarget],
    [
      "affected identities re-evaluated after one edit, p99",
      ms(percentile(reevals, 99)),
      atMost(percentile(reevals, 99), 500, ms),
    ],
    [`worst edit (base policy, inherited by all): preview`, ms(ed.worst.previewMs), noTarget],
    [
      `worst edit: ${fmtInt(ed.worst.affected)} affected re-evaluated`,
      ms(ed.worst.reevaluateMs),
      atMost(ed.worst.reevaluateMs, 500, ms),
    ],
    ["RSS with the workload loaded (identities, policies)", mb(loadedMB), noTarget],
    ["peak RSS after the one-at-a-time pass", mb(full.streamingPeakMB), atMost(full.streamingPeakMB, 300, mb)],
    [
      `peak RSS with evaluateAll's results kept (they hold ${mb(full.resultsMB)})`,
      mb(full.retainedPeakMB),
      atMost(full.retainedPeakMB, 300, mb),
    ],
    [
      `peak RSS after all the engine's phases (RSS then: ${mb(engineRss)})`,
      mb(enginePeak),
      atMost(enginePeak, 300, mb),
    ],
  ];
  const editRows = [...ed.sample, ed.worst].map((e) => [
    e.policy,
    e.kind,
    fmtInt(e.evaluated),
    fmtInt(e.affected),
    fmtInt(e.changedPeople),
    ms(e.previewMs),
    ms(e.reevaluateMs),
  ]);
  const notes = [
    `re-evaluation: ${fmtInt(re.changes)} grant changes over the samples, max ${ms(re.max)}; ` +
      `explain: ${fmtInt(ex.granted)} of ${fmtInt(samples)} granted, max ${ms(ex.max)}`,
    `full-evaluation runs (evaluateAll): ${full.runs.map(ms).join(", ")}`,
  ];
  return { summary, rows, comparison, editRows, notes };
}

/** 10,000 × 500: full evaluation against both baselines. */
async function secondaryRun(): Promise<{ rows: [string, string, Target][]; comparison: Comparison }> {
  log("bench:policy — secondary workload, 10,000 identities × 500 policies");
  const w = buildWorkload(seed, 10_000, 500);
  settle();
  const compiled = compileTimed(w);
  const full = fullEvaluation(compiled.set, w, 9);
  const rows: [string, string, Target][] = [
    ["compile 500 policies", ms(compiled.ms), noTarget],
    ["full evaluation 10,000 × 500 (evaluateAll; median of 9)", ms(full.ms), fullTarget(10_000, 500, full.ms)],
    ["  the same one person at a time", ms(full.streamingMs), noTarget],
  ];
  return {
    rows,
    comparison: await compare("10,000 × 500", 10_000, 500, full.ms, fullTarget(10_000, 500, full.ms)),
  };
}

const before = machine();

async function main() {
  const report = await primary();
  settle();
  const second = secondary ? await secondaryRun() : null;
  const rows = [...report.rows.slice(0, 3), ...(second?.rows ?? []), ...report.rows.slice(3)];
  const whole = peakRssMB();
  rows.push([
    "peak RSS of the benchmark's process (VmHWM; the baselines run in their own)",
    mb(whole),
    atMost(whole, 400, mb),
  ]);
  const comparisons = [report.comparison, ...(second ? [second.comparison] : [])];
  const cmpRows = comparisons.map((c) => {
    const rn = c.naive.ms / c.engineMs;
    const rj = c.jre.scaledMs / c.engineMs;
    return [
      c.label,
      ms(c.engineMs),
      ms(c.naive.ms),
      fmtRatio(rn),
      `≥ 5× ${verdict(atLeast(rn, 5))}`,
      ms(c.jre.scaledMs),
      fmtRatio(rj),
      `≥ 300× ${verdict(atLeast(rj, 300))}`,
    ];
  });

  const out: string[] = [];
  out.push(`Clearance policy engine benchmark — ${before}; one JS thread`);
  out.push(`seed ${seed}; workload:`, report.summary, "");
  out.push(
    table(
      ["measurement", "result", "target", ""],
      rows.map(([l, v, t]) => [l, v, t.text, verdict(t)]),
    ),
    "",
  );
  out.push("Same workload, other evaluators (json-rules-engine: time per person on the sample × population)");
  out.push(
    table(
      ["identities × policies", "engine", "naive", "ratio", "target", "json-rules-engine", "ratio", "target"],
      cmpRows,
    ),
    "",
  );
  for (const c of comparisons) {
    out.push(
      `${c.label}: naive agrees with the engine on all ${fmtInt(c.naive.checked)} people (paths differ for ${c.naive.viaDiffs}); ` +
        `json-rules-engine agrees on its ${c.jre.sample} (paths differ for ${c.jre.viaDiffs}); ` +
        `${ms(c.jre.perIdentityMs)} per person, rules built in ${ms(c.jre.buildMs)}; ` +
        `the baselines' process peaked at ${mb(c.peakMB)}`,
    );
  }
  out.push(
    "",
    "One-policy edits (preview: previewImpact with changedPolicies; re-evaluate: the affected people against the new set)",
  );
  out.push(
    table(["policy", "edit", "evaluated", "affected", "people changed", "preview", "re-evaluate"], report.editRows),
    "",
  );
  out.push(...report.notes);
  out.push(
    `categories (share of the policies after base + departments): ${CATEGORY_SHARES.map(([c, s]) => `${c} ${Math.round(s * 100)}%`).join(", ")}`,
  );
  out.push(closing());
  console.log(out.join("\n"));
}

main().catch((e: unknown) => {
  if (e instanceof Mismatch) console.error(`\nRESULTS DIFFER — ${e.message}`);
  else console.error(e);
  process.exit(1);
});
