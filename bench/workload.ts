import {
  AliasTable,
  affectedPolicyNames,
  compilePolicySet,
  defaultScales,
  diffGrants,
  clearEvaluationMemo,
  evaluateAll,
  evaluateIdentity,
  explainAccess,
  prepareIdentity,
  previewImpact,
  type CompiledPolicySet,
  type EvaluatedGrants,
  type Policy,
  type PolicyConfig,
  type PolicyIdentity,
} from "@/server/core/policy";
import { SYSTEM_LEVELS, editDraft, generatePolicyDrafts, parseDrafts, type PolicyDraft } from "./gen-policies";
import { heapMB, median, now, peakRssMB, percentile, settle, timed, type GrantLookup } from "./measure";
import { SENIORITY, buildOrg, generateIdentities, valueCounts, type Org } from "./org";
import { Rng } from "./rng";

/** One synthetic organization and its policy set, and the engine's figures on it. */

export interface Workload {
  seed: number;
  org: Org;
  identities: PolicyIdentity[];
  drafts: PolicyDraft[];
  policies: Policy[];
  config: PolicyConfig;
  at: Date;
  generateMs: number;
  parseMs: number;
}

export function buildWorkload(seed: number, identities: number, policies: number): Workload {
  const t0 = now();
  const org = buildOrg(new Rng(seed));
  const people = generateIdentities(org, identities, new Rng(seed + 1));
  const drafts = generatePolicyDrafts(org, policies, new Rng(seed + 2));
  const t1 = now();
  const parsed = parseDrafts(drafts);
  const config: PolicyConfig = { scales: { ...defaultScales }, aliases: org.aliases, systemLevels: SYSTEM_LEVELS };
  return {
    seed,
    org,
    identities: people,
    drafts,
    policies: parsed.policies,
    config,
    at: org.at,
    generateMs: t1 - t0,
    parseMs: now() - t1,
  };
}

/** How many identities hold each value: counted once per workload (the identities do not change between edits). */
const counted = new WeakMap<Workload, ReturnType<typeof valueCounts>>();
export const countsFor = (w: Workload) => {
  let counts = counted.get(w);
  if (!counts) {
    const aliases = new AliasTable(w.config.aliases);
    counted.set(w, (counts = valueCounts(w.identities, (a, v) => aliases.key(a, v))));
  }
  return counts;
};

export function compileTimed(w: Workload, policies = w.policies, runs = 5): { ms: number; set: CompiledPolicySet } {
  const counts = countsFor(w);
  let set = compilePolicySet(policies, w.config, { valueCounts: counts });
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = timed(() => compilePolicySet(policies, w.config, { valueCounts: counts }));
    times.push(r.ms);
    set = r.value;
  }
  return { ms: median(times), set };
}

export interface FullFigures {
  /** evaluateAll, every result kept: median of the runs */
  ms: number;
  runs: number[];
  results: EvaluatedGrants;
  /** evaluateIdentity for everyone, one at a time, with nothing kept (one run, before the others, from an empty memo) */
  streamingMs: number;
  /** peak RSS once the streaming pass is done, and once evaluateAll's results have been held */
  streamingPeakMB: number;
  retainedPeakMB: number;
  /** memory the kept results and the memo occupy (heap and typed arrays) */
  resultsMB: number;
}

/** The whole population: first one at a time (nothing kept), then through evaluateAll (results kept) `runs` times; after a warm-up. */
export function fullEvaluation(set: CompiledPolicySet, w: Workload, runs: number): FullFigures {
  const warm = w.identities.slice(0, Math.min(w.identities.length, 20_000));
  for (let i = 0; i < 3; i++) for (const person of warm) evaluateIdentity(set, person, w.at);
  settle();
  clearEvaluationMemo(set);
  const t0 = now();
  let grants = 0;
  for (const person of w.identities) grants += evaluateIdentity(set, person, w.at).length;
  const streamingMs = now() - t0;
  const streamingPeakMB = peakRssMB();
  if (grants < 0) throw new Error("unreachable");
  for (let i = 0; i < 3; i++) evaluateAll(set, warm, w.at);
  const times: number[] = [];
  let results: EvaluatedGrants | null = null;
  let resultsMB = 0;
  for (let i = 0; i < runs; i++) {
    // The last run's results go before the collection, so runs do not carry each other's garbage.
    results = null;
    settle();
    const before = heapMB();
    const r = timed(() => evaluateAll(set, w.identities, w.at));
    times.push(r.ms);
    results = r.value;
    // Only the first run: later ones still hold the previous run's results in a stale slot when `before` is read.
    if (i === 0) {
      settle();
      resultsMB = heapMB() - before;
    }
  }
  settle();
  return {
    ms: median(times),
    runs: times,
    results: results!,
    streamingMs,
    streamingPeakMB,
    retainedPeakMB: peakRssMB(),
    resultsMB,
  };
}

/** The person after one HR change: promotion, team or department move, relocation, a training, termination. */
export function changedIdentity(org: Org, identity: PolicyIdentity, rng: Rng): PolicyIdentity {
  const a = { ...identity.attributes };
  const dept = org.departments.find((d) => d.name === a.department) ?? rng.pick(org.departments);
  switch (rng.int(6)) {
    case 0: {
      const t = rng.pick(org.titlesByDepartment.get(dept.name)!.filter((x) => x.seniority > 0));
      a.job_title = t.name;
      a.job_level = SENIORITY[t.seniority]!.levels[0]!;
      break;
    }
    case 1:
      a.team = rng.pick(dept.teams);
      break;
    case 2: {
      const d = rng.pick(org.departments);
      a.department = d.name;
      a.team = rng.pick(d.teams);
      a.job_title = rng.pick(org.titlesByDepartment.get(d.name)!).name;
      break;
    }
    case 3:
      a.location = rng.pick(org.locations);
      break;
    case 4:
      a.trainings = [...((a.trainings as string[] | undefined) ?? []), rng.pick(org.trainings)];
      break;
    default:
      a.employment_status = "Terminated";
  }
  return { id: identity.id, attributes: a };
}

/** One person re-evaluated after an attribute change, and diffed against their stored grants. */
export function reevaluation(set: CompiledPolicySet, w: Workload, stored: GrantLookup, samples: number) {
  const rng = new Rng(w.seed + 11);
  const cases = Array.from({ length: samples + 1000 }, () => changedIdentity(w.org, rng.pick(w.identities), rng));
  const times: number[] = [];
  let changes = 0;
  settle();
  cases.forEach((person, i) => {
    const t0 = now();
    const delta = diffGrants(stored.get(person.id) ?? [], evaluateIdentity(set, person, w.at));
    const ms = now() - t0;
    if (i < 1000) return; // the first 1,000 warm up
    times.push(ms);
    changes += delta.added.length + delta.removed.length + delta.changed.length;
  });
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: percentile(times, 100), samples, changes };
}

/** explainAccess for random (person, resource) pairs: half a resource they have, half any resource. */
export function explanation(set: CompiledPolicySet, w: Workload, stored: GrantLookup, samples: number) {
  const rng = new Rng(w.seed + 12);
  const cases = Array.from({ length: samples + 1000 }, () => {
    const person = rng.pick(w.identities);
    const has = stored.get(person.id) ?? [];
    return { person, resource: has.length && rng.chance(0.5) ? rng.pick(has).resource : rng.pick(set.resources) };
  });
  const times: number[] = [];
  let granted = 0;
  settle();
  cases.forEach(({ person, resource }, i) => {
    const t0 = now();
    const e = explainAccess(set, person, resource, w.at);
    const ms = now() - t0;
    if (i < 1000) return;
    times.push(ms);
    if (e.granted) granted++;
  });
  return { p50: percentile(times, 50), p99: percentile(times, 99), max: percentile(times, 100), samples, granted };
}

export interface EditFigures {
  policy: string;
  kind: string;
  previewMs: number;
  evaluated: number;
  changedPeople: number;
  affected: number;
  reevaluateMs: number;
}

/**
 * A one-policy edit: previewImpact with changedPolicies over everyone (timed), then the
 * affected people alone re-evaluated against the new set (in one batch) and diffed with their
 * stored grants.
 */
export function edit(
  before: CompiledPolicySet,
  w: Workload,
  stored: EvaluatedGrants,
  draft: PolicyDraft,
  serial: number,
  rng: Rng,
): EditFigures {
  const { draft: edited, kind } = editDraft(draft, w.org, rng, serial);
  const [policy] = parseDrafts([edited]).policies;
  const policies = w.policies.map((p) => (p.name === policy!.name ? policy! : p));
  const after = compilePolicySet(policies, w.config, { valueCounts: countsFor(w) });
  settle();
  // Only the figures are kept: the product does not hold a preview while it re-evaluates.
  const preview = (() => {
    // As the policy editor asks: counts for everyone, the first 200 people with their changes.
    const r = timed(() =>
      previewImpact(before, after, w.identities, w.at, { changedPolicies: [policy!.name], limit: 200 }),
    );
    return { ms: r.ms, evaluated: r.value.evaluated, changedPeople: r.value.changedPeople };
  })();
  // Who the edit reaches, found outside the timing: the same rule previewImpact applies.
  const names = affectedPolicyNames(before, after, [policy!.name]);
  const reached = (set: CompiledPolicySet, person: PolicyIdentity) => {
    const p = prepareIdentity(set.layout, person, w.at);
    return p.active && [...names].some((n) => set.byName.get(n)?.match(p));
  };
  const affected = w.identities.filter((person) => reached(before, person) || reached(after, person));
  // The product evaluates a saved version with a set compiled afresh: nothing the preview resolved is reused.
  clearEvaluationMemo(after);
  settle();
  // As the product would: the affected people as one batch (evaluateAll), against the new set,
  // and compared with what they had.
  const t0 = now();
  const changed = evaluateAll(after, affected, w.at).changedFrom(stored);
  const reevaluateMs = now() - t0;
  if (changed.length !== preview.changedPeople)
    throw new Error(`the preview found ${preview.changedPeople} people changing, the re-evaluation ${changed.length}`);
  return {
    policy: draft.name,
    kind,
    previewMs: preview.ms,
    evaluated: preview.evaluated,
    changedPeople: preview.changedPeople,
    affected: affected.length,
    reevaluateMs,
  };
}

/** `count` edits of policies picked uniformly (the base policy excluded), and the worst case: the base policy everyone inherits. */
export function edits(before: CompiledPolicySet, w: Workload, stored: EvaluatedGrants, count: number) {
  const rng = new Rng(w.seed + 13);
  const candidates = w.drafts.filter((d) => d.category !== "base");
  // one untimed edit to warm up the paths
  edit(before, w, stored, rng.pick(candidates), 0, rng);
  const sample = Array.from({ length: count }, (_, i) => edit(before, w, stored, rng.pick(candidates), i + 1, rng));
  const base = w.drafts.find((d) => d.category === "base")!;
  const worst = edit(before, w, stored, base, count + 1, new Rng(1));
  return { sample, worst };
}
