/**
 * The baselines of `npm run bench:policy` in a process of their own (started by bench/policy.ts):
 * the same workload (rebuilt from the seed), the engine's results to check against, then the naive
 * evaluator over everyone and json-rules-engine over a sample. Prints one JSON line with their figures
 * and this process's own peak RSS, so the engine's process is not billed for the baselines' memory.
 * A disagreement exits with status 3 and the people it concerns on stderr.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { compilePolicySet, evaluateAll } from "@/server/core/policy";
import { Mismatch, naiveFull, rulesEngineSample, type NaiveFigures, type RulesEngineFigures } from "./baselines";
import { peakRssMB, settle } from "./measure";
import { buildWorkload, countsFor } from "./workload";

export interface BaselineFigures {
  naive: NaiveFigures;
  jre: RulesEngineFigures;
  peakMB: number;
}

/** Runs this file as a child of the benchmark and returns its figures. */
export function baselinesInChild(seed: number, identities: number, policies: number, jreSize: number) {
  const file = fileURLToPath(import.meta.url);
  const args = [...process.execArgv, file, String(seed), String(identities), String(policies), String(jreSize)];
  return new Promise<BaselineFigures>((resolve, reject) => {
    const child = execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (error, stdout) => {
      if (error)
        return reject(
          (error as { code?: number }).code === 3 ? new Mismatch("see the baselines' output above") : error,
        );
      resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as BaselineFigures);
    });
    child.stderr?.pipe(process.stderr);
  });
}

async function main(seed: number, identities: number, policies: number, jreSize: number) {
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const w = buildWorkload(seed, identities, policies);
  const set = compilePolicySet(w.policies, w.config, { valueCounts: countsFor(w) });
  const stored = evaluateAll(set, w.identities, w.at);
  settle();
  log(`  (baselines' own process) naive evaluator over all ${identities.toLocaleString("en-US")} identities ...`);
  const naive = naiveFull(w, stored);
  settle();
  log(`  (baselines' own process) json-rules-engine over a sample of ${jreSize} ...`);
  const jre = await rulesEngineSample(w, stored, jreSize);
  const figures: BaselineFigures = { naive, jre, peakMB: peakRssMB() };
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [seed, identities, policies, jreSize] = process.argv.slice(2).map(Number) as [number, number, number, number];
  main(seed, identities, policies, jreSize).catch((e: unknown) => {
    process.stderr.write(`${e instanceof Mismatch ? `RESULTS DIFFER — ${e.message}` : String(e)}\n`);
    process.exit(e instanceof Mismatch ? 3 : 1);
  });
}
