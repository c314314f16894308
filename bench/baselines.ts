import type { ExpectedGrant, PolicyIdentity } from "@/server/core/policy";
import { compareGrants, grantsText, now, settle, timed, type GrantLookup } from "./measure";
import { NaiveEvaluator } from "./naive";
import { Rng } from "./rng";
import { RulesEngineEvaluator } from "./rules-engine";
import type { Workload } from "./workload";

/** The same workload through the naive evaluator and json-rules-engine, checked against the engine's results. */

export class Mismatch extends Error {}

interface Check {
  checked: number;
  /** people whose grants agree but whose `via` paths differ */
  viaDiffs: number;
}

function verify(
  label: string,
  engine: GrantLookup,
  other: Map<string, ExpectedGrant[]>,
  people: readonly PolicyIdentity[],
): Check {
  const bad: string[] = [];
  let viaDiffs = 0;
  for (const person of people) {
    const a = engine.get(person.id) ?? [];
    const b = other.get(person.id) ?? [];
    const c = compareGrants(a, b);
    if (!c.grants)
      bad.push(
        `${person.id} ${JSON.stringify(person.attributes)}\n  engine:\n    ${grantsText(a)}\n  ${label}:\n    ${grantsText(b)}`,
      );
    else if (!c.via) viaDiffs++;
  }
  if (bad.length) {
    throw new Mismatch(
      `${label} and the engine disagree on ${bad.length} of ${people.length} people's grants; first ones:\n${bad.slice(0, 3).join("\n")}`,
    );
  }
  return { checked: people.length, viaDiffs };
}

export interface NaiveFigures extends Check {
  ms: number;
  loadMs: number;
}

/** Every identity through the naive evaluator (results kept, like evaluateAll), then all compared. */
export function naiveFull(w: Workload, stored: GrantLookup): NaiveFigures {
  const load = timed(() => new NaiveEvaluator(w.policies, w.config));
  const naive = load.value;
  for (const person of w.identities.slice(0, 2000)) naive.evaluate(person, w.at);
  settle();
  const t0 = now();
  const out = new Map<string, ExpectedGrant[]>();
  for (const person of w.identities) out.set(person.id, naive.evaluate(person, w.at));
  const ms = now() - t0;
  return { ms, loadMs: load.ms, ...verify("naive evaluator", stored, out, w.identities) };
}

export interface RulesEngineFigures extends Check {
  sample: number;
  sampleMs: number;
  perIdentityMs: number;
  /** the sample's time scaled to the whole population */
  scaledMs: number;
  buildMs: number;
}

/** A random sample through json-rules-engine, one person at a time, scaled to the population. */
export async function rulesEngineSample(w: Workload, stored: GrantLookup, size: number): Promise<RulesEngineFigures> {
  const build = timed(() => new RulesEngineEvaluator(w.policies, w.config));
  const jre = build.value;
  const rng = new Rng(w.seed + 21);
  const sample = rng.sample(w.identities, size);
  for (const person of rng.sample(w.identities, Math.min(20, w.identities.length))) await jre.evaluate(person, w.at);
  settle();
  const out = new Map<string, ExpectedGrant[]>();
  const t0 = now();
  for (const person of sample) out.set(person.id, await jre.evaluate(person, w.at));
  const sampleMs = now() - t0;
  const perIdentityMs = sampleMs / sample.length;
  return {
    sample: sample.length,
    sampleMs,
    perIdentityMs,
    scaledMs: perIdentityMs * w.identities.length,
    buildMs: build.ms,
    ...verify("json-rules-engine", stored, out, sample),
  };
}
