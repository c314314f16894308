import type { Comparison, Condition, ExpectedGrant, Policy, PolicyConfig, PolicyIdentity } from "@/server/core/policy";

/**
 * The baseline: scan every policy for every person and interpret its conditions directly, then
 * walk the inherits of each matched policy at evaluation time. Same semantics as the engine
 * (aliases, case-insensitive keys, deny beats allow, highest level, then priority, then the
 * shorter path), so results can be compared grant for grant. Written independently of the
 * engine's code; nothing is indexed, compiled to closures or flattened ahead of time. Policy
 * values are normalized once when the set is loaded, and a person's attributes once per evaluation.
 */

const DAY_MS = 86_400_000;
const NUMERIC = /^-?\d+(\.\d+)?$/;
const lower = (s: string) => s.trim().toLowerCase();

/** Raw HR value → the key values are compared by: alias table, then case and space ignored. */
export class Normalizer {
  private readonly table = new Map<string, Map<string, string>>();

  constructor(config: PolicyConfig) {
    for (const a of config.aliases) {
      let m = this.table.get(a.attribute);
      if (!m) this.table.set(a.attribute, (m = new Map()));
      m.set(lower(a.raw), a.canonical);
    }
  }

  key(attribute: string, raw: string): string {
    return lower(this.table.get(attribute)?.get(lower(raw)) ?? raw);
  }
}

/** A person's attributes as keys: text, a list (trainings), or a number (scales, tenure_days). */
export interface Facts {
  active: boolean;
  values: Map<string, string | string[]>;
  numbers: Map<string, number>;
}

export function personFacts(
  identity: PolicyIdentity,
  attributes: Iterable<string>,
  config: PolicyConfig,
  norm: Normalizer,
  at: Date,
): Facts {
  const values = new Map<string, string | string[]>();
  const numbers = new Map<string, number>();
  const a = identity.attributes;
  for (const name of attributes) {
    if (name === "tenure_days") {
      const hired = a.hire_date;
      const t =
        typeof hired === "string" && hired
          ? Date.parse(hired.length === 10 ? `${hired}T00:00:00Z` : hired)
          : Number.NaN;
      numbers.set(name, Number.isNaN(t) ? Number.NaN : Math.floor((at.getTime() - t) / DAY_MS));
      continue;
    }
    const raw = a[name];
    if (raw === null || raw === undefined || raw === "") continue;
    if (Array.isArray(raw)) {
      values.set(
        name,
        raw.map((v) => norm.key(name, v)),
      );
      continue;
    }
    const key = norm.key(name, String(raw));
    values.set(name, key);
    const scale = config.scales[name];
    if (scale) {
      const rank = scale.findIndex((s) => lower(s) === key);
      numbers.set(name, rank < 0 ? Number.NaN : rank);
    } else if (NUMERIC.test(key)) numbers.set(name, Number(key));
  }
  const status = a.employment_status;
  return { active: typeof status === "string" && lower(status) === "active", values, numbers };
}

/** A min/max bound: a position on the attribute's scale, or a number (NaN: never holds). */
export function boundOf(c: Comparison, config: PolicyConfig, norm: Normalizer): number {
  const raw = Array.isArray(c.value) ? c.value[0]! : c.value;
  const scale = config.scales[c.attribute];
  if (scale) {
    const rank = scale.findIndex((s) => lower(s) === norm.key(c.attribute, String(raw)));
    return rank < 0 ? Number.NaN : rank;
  }
  return typeof raw === "number" ? raw : Number.isFinite(Number(raw)) ? Number(raw) : Number.NaN;
}

type Loaded =
  | { kind: "compare"; attribute: string; op: Comparison["op"]; keys: string[]; bound: number }
  | { kind: "any" | "all"; conditions: Loaded[] };

function load(c: Condition, config: PolicyConfig, norm: Normalizer): Loaded {
  if (c.kind !== "compare") return { kind: c.kind, conditions: c.conditions.map((x) => load(x, config, norm)) };
  const values = (Array.isArray(c.value) ? c.value : [c.value]).map(String);
  const keys = c.op === "contains" ? values.map(lower) : values.map((v) => norm.key(c.attribute, v));
  const bound = c.op === "min" || c.op === "max" ? boundOf(c, config, norm) : Number.NaN;
  return { kind: "compare", attribute: c.attribute, op: c.op, keys, bound };
}

function holds(c: Loaded, f: Facts): boolean {
  if (c.kind !== "compare")
    return c.kind === "all" ? c.conditions.every((x) => holds(x, f)) : c.conditions.some((x) => holds(x, f));
  const v = f.values.get(c.attribute);
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  switch (c.op) {
    case "equals":
      return list.includes(c.keys[0]!);
    case "in":
      return list.some((x) => c.keys.includes(x));
    case "not_in":
      return v !== undefined && !list.some((x) => c.keys.includes(x));
    case "contains":
      return list.some((x) => x.includes(c.keys[0]!));
    case "includes":
      return c.keys.every((k) => (Array.isArray(v) ? v.includes(k) : v === k));
    case "min":
      return (f.numbers.get(c.attribute) ?? Number.NaN) >= c.bound;
    case "max":
      return (f.numbers.get(c.attribute) ?? Number.NaN) <= c.bound;
  }
}

interface Candidate {
  resource: string;
  rank: number;
  level: string | null;
  via: string[];
  priority: number;
}

/**
 * Matched policies → expected grants: each matched allow brings its grants and, transitively,
 * those of what it inherits (walked now, cycles cut); matched denies remove resources.
 */
export function resolveGrants(
  allow: readonly Policy[],
  deny: readonly Policy[],
  byName: Map<string, Policy>,
  config: PolicyConfig,
): ExpectedGrant[] {
  const rank = (resource: string, level: string | null) => {
    if (level === null) return 0;
    const levels = config.systemLevels[resource.slice(0, resource.indexOf(":"))];
    return levels ? levels.indexOf(level) + 1 : 1;
  };
  const reach = (policy: Policy) => {
    const best = new Map<string, Candidate>();
    const visit = (p: Policy, via: string[]) => {
      for (const g of p.grants) {
        const c: Candidate = {
          resource: g.resource,
          rank: rank(g.resource, g.level),
          level: g.level,
          via,
          priority: policy.priority,
        };
        const cur = best.get(g.resource);
        if (!cur || c.rank > cur.rank || (c.rank === cur.rank && c.via.length < cur.via.length))
          best.set(g.resource, c);
      }
      for (const name of p.inherits) {
        const parent = byName.get(name);
        if (parent && !via.includes(name)) visit(parent, [...via, name]);
      }
    };
    visit(policy, [policy.name]);
    return [...best.values()];
  };
  const denied = new Set<string>();
  for (const d of deny) for (const c of reach(d)) denied.add(c.resource);
  const winners = new Map<string, Candidate>();
  for (const a of allow) {
    for (const c of reach(a)) {
      if (denied.has(c.resource)) continue;
      const w = winners.get(c.resource);
      const better =
        !w ||
        (c.rank !== w.rank
          ? c.rank > w.rank
          : c.priority !== w.priority
            ? c.priority > w.priority
            : c.via.length !== w.via.length
              ? c.via.length < w.via.length
              : c.via.join() < w.via.join());
      if (better) winners.set(c.resource, c);
    }
  }
  return [...winners.values()]
    .map((c) => ({ resource: c.resource, level: c.level, via: c.via }))
    .sort((x, y) => (x.resource < y.resource ? -1 : x.resource > y.resource ? 1 : 0));
}

/** Every attribute a condition names, plus what activity and tenure need. */
export function attributesOf(policies: readonly Policy[]): string[] {
  const out = new Set<string>(["employment_status", "hire_date"]);
  const visit = (c: Condition) => (c.kind === "compare" ? out.add(c.attribute) : c.conditions.forEach(visit));
  policies.forEach((p) => p.when.forEach(visit));
  return [...out];
}

export class NaiveEvaluator {
  private readonly norm: Normalizer;
  private readonly loaded: { policy: Policy; when: Loaded[] }[];
  private readonly byName: Map<string, Policy>;
  private readonly attributes: string[];

  constructor(
    policies: readonly Policy[],
    private readonly config: PolicyConfig,
  ) {
    this.norm = new Normalizer(config);
    this.loaded = policies.map((policy) => ({ policy, when: policy.when.map((c) => load(c, config, this.norm)) }));
    this.byName = new Map(policies.map((p) => [p.name, p]));
    this.attributes = attributesOf(policies);
  }

  evaluate(identity: PolicyIdentity, at: Date): ExpectedGrant[] {
    const facts = personFacts(identity, this.attributes, this.config, this.norm, at);
    if (!facts.active) return [];
    const allow: Policy[] = [];
    const deny: Policy[] = [];
    for (const { policy, when } of this.loaded) {
      if (when.every((c) => holds(c, facts))) (policy.effect === "deny" ? deny : allow).push(policy);
    }
    return resolveGrants(allow, deny, this.byName, this.config);
  }
}
