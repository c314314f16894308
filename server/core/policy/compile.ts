import { AliasTable, matchKey } from "./normalize";
import { slotLayout, type PreparedIdentity, type SlotLayout } from "./prepare";
import type { Comparison, Condition, Policy, PolicyConfig } from "./types";

/**
 * A policy set compiled once for fast evaluation:
 * - conditions become closures over prepared identities (no string handling per person);
 * - inheritance is flattened into each policy's grants, each with its path (`via`);
 * - policies are indexed by their most selective equality condition, so a person is only
 *   checked against the policies that could match them, not every policy.
 * No value from a policy is ever turned into code: closures only compare against data.
 */

export type Matcher = (p: PreparedIdentity) => boolean;

export interface FlatGrant {
  resource: number;
  /** 0 = no level given; otherwise the position in the system's levels, from 1. */
  rank: number;
  level: string | null;
  /** The policy that matched first, then each inherited policy down to the one naming the grant. */
  via: string[];
}

/** A condition with its compiled test, kept so explain can say which one failed. */
export interface CheckNode {
  condition: Condition;
  match: Matcher;
  children: CheckNode[];
}

export interface CompiledPolicy {
  index: number;
  policy: Policy;
  match: Matcher;
  checks: CheckNode[];
  /** Allow: what it grants (inheritance included). Deny: what it takes away. */
  grants: FlatGrant[];
}

export interface PolicyIndex {
  /** slot → match key → policies whose indexed condition names that value */
  buckets: Map<number, Map<string, CompiledPolicy[]>>;
  /** policies with no equality condition to index by: checked for everyone */
  unindexed: CompiledPolicy[];
}

export interface CompiledPolicySet {
  config: PolicyConfig;
  layout: SlotLayout;
  policies: CompiledPolicy[];
  byName: Map<string, CompiledPolicy>;
  resources: string[];
  resourceIds: Map<string, number>;
  allow: PolicyIndex;
  deny: PolicyIndex;
  /** policy name → every policy that inherits it, directly or not */
  inheritedBy: Map<string, Set<string>>;
  /** scratch space reused by evaluation (evaluation is synchronous, so one at a time) */
  scratch: { policyStamp: Uint32Array; resourceStamp: Uint32Array; denyStamp: Uint32Array; generation: number };
}

/** Attributes in the order their equality best narrows down who a policy can match. */
const SELECTIVITY = ["job_title", "team", "cost_center", "manager", "department", "location", "job_level", "employment_type", "employment_status"];

export interface CompileOptions {
  /** attribute → match key → how many identities have it; sharpens the choice of index. */
  valueCounts?: Map<string, Map<string, number>>;
}

export function compilePolicySet(policies: readonly Policy[], config: PolicyConfig, options: CompileOptions = {}): CompiledPolicySet {
  const aliases = new AliasTable(config.aliases);
  const attributes = new Set<string>(["employment_status", "hire_date"]);
  const visit = (c: Condition) => (c.kind === "compare" ? attributes.add(c.attribute) : c.conditions.forEach(visit));
  policies.forEach((p) => p.when.forEach(visit));
  const layout = slotLayout(attributes, config.scales, aliases);

  const resourceIds = new Map<string, number>();
  const resources: string[] = [];
  const resourceId = (r: string) => {
    let id = resourceIds.get(r);
    if (id === undefined) {
      id = resources.length;
      resources.push(r);
      resourceIds.set(r, id);
    }
    return id;
  };

  const byPolicyName = new Map(policies.map((p) => [p.name, p]));
  const compiled: CompiledPolicy[] = policies.map((policy, index) => {
    const checks = policy.when.map((c) => compileCheck(c, layout));
    return { index, policy, checks, match: allOf(checks.map((c) => c.match)), grants: flattenGrants(policy, byPolicyName, config, resourceId) };
  });
  const byName = new Map(compiled.map((c) => [c.policy.name, c]));

  const inheritedBy = new Map<string, Set<string>>();
  for (const c of compiled) {
    for (const g of c.grants) {
      for (const ancestor of g.via.slice(1)) {
        let s = inheritedBy.get(ancestor);
        if (!s) inheritedBy.set(ancestor, (s = new Set()));
        s.add(c.policy.name);
      }
    }
    // Inherited policies that grant nothing themselves still have dependants.
    walkInherits(c.policy, byPolicyName, (name) => {
      let s = inheritedBy.get(name);
      if (!s) inheritedBy.set(name, (s = new Set()));
      s.add(c.policy.name);
    });
  }

  const indexOf = (effect: "allow" | "deny") => buildIndex(compiled.filter((c) => c.policy.effect === effect), layout, options);
  return {
    config,
    layout,
    policies: compiled,
    byName,
    resources,
    resourceIds,
    allow: indexOf("allow"),
    deny: indexOf("deny"),
    inheritedBy,
    scratch: {
      policyStamp: new Uint32Array(compiled.length),
      resourceStamp: new Uint32Array(resources.length),
      denyStamp: new Uint32Array(resources.length),
      generation: 0,
    },
  };
}

function walkInherits(policy: Policy, byName: Map<string, Policy>, visit: (name: string) => void, path = new Set<string>([policy.name])) {
  for (const name of policy.inherits) {
    const parent = byName.get(name);
    if (!parent || path.has(name)) continue;
    visit(name);
    path.add(name);
    walkInherits(parent, byName, visit, path);
    path.delete(name);
  }
}

function levelRank(config: PolicyConfig, resource: string, level: string | null): number {
  if (level === null) return 0;
  const levels = config.systemLevels[resource.slice(0, resource.indexOf(":"))];
  if (!levels) return 1;
  return levels.indexOf(level) + 1;
}

/** A policy's own grants plus those of everything it inherits, best path per resource; cycles are cut. */
function flattenGrants(policy: Policy, byName: Map<string, Policy>, config: PolicyConfig, resourceId: (r: string) => number): FlatGrant[] {
  const best = new Map<number, FlatGrant>();
  const visit = (p: Policy, via: string[]) => {
    for (const g of p.grants) {
      const id = resourceId(g.resource);
      const candidate: FlatGrant = { resource: id, rank: levelRank(config, g.resource, g.level), level: g.level, via };
      const current = best.get(id);
      if (!current || candidate.rank > current.rank || (candidate.rank === current.rank && candidate.via.length < current.via.length)) {
        best.set(id, candidate);
      }
    }
    for (const name of p.inherits) {
      const parent = byName.get(name);
      if (parent && !via.includes(name)) visit(parent, [...via, name]);
    }
  };
  visit(policy, [policy.name]);
  return [...best.values()];
}

function allOf(parts: Matcher[]): Matcher {
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0]!;
  return (p) => {
    for (let i = 0; i < parts.length; i++) if (!parts[i]!(p)) return false;
    return true;
  };
}

function anyOf(parts: Matcher[]): Matcher {
  return (p) => {
    for (let i = 0; i < parts.length; i++) if (parts[i]!(p)) return true;
    return false;
  };
}

function compileCheck(c: Condition, layout: SlotLayout): CheckNode {
  if (c.kind === "compare") return { condition: c, match: compileComparison(c, layout), children: [] };
  const children = c.conditions.map((x) => compileCheck(x, layout));
  const parts = children.map((x) => x.match);
  return { condition: c, match: c.kind === "all" ? allOf(parts) : anyOf(parts), children };
}

function compileComparison(c: Comparison, layout: SlotLayout): Matcher {
  const slot = layout.slots.get(c.attribute)!;
  const key = (v: string | number) => layout.aliases.key(c.attribute, String(v));
  const values = Array.isArray(c.value) ? c.value : [c.value];
  switch (c.op) {
    case "equals": {
      const k = key(values[0]!);
      return (p) => p.text[slot] === k || (p.lists[slot]?.has(k) ?? false);
    }
    case "in":
    case "not_in": {
      const set = new Set(values.map(key));
      const hit: Matcher = (p) => {
        const t = p.text[slot];
        if (t != null) return set.has(t);
        const l = p.lists[slot];
        if (l) for (const v of l) if (set.has(v)) return true;
        return false;
      };
      if (c.op === "in") return hit;
      // A missing value is unknown, not "something else": it fails not_in too (deny by default).
      return (p) => (p.text[slot] != null || p.lists[slot] != null) && !hit(p);
    }
    case "contains": {
      const needle = matchKey(String(values[0]!));
      return (p) => {
        const t = p.text[slot];
        if (t != null) return t.includes(needle);
        const l = p.lists[slot];
        if (l) for (const v of l) if (v.includes(needle)) return true;
        return false;
      };
    }
    case "includes": {
      const wanted = values.map(key);
      return (p) => {
        const l = p.lists[slot];
        const t = p.text[slot];
        for (const w of wanted) if (!(l ? l.has(w) : t === w)) return false;
        return true;
      };
    }
    case "min":
    case "max": {
      const bound = numericBound(c, layout, slot);
      if (Number.isNaN(bound)) return () => false;
      return c.op === "min" ? (p) => p.numbers[slot]! >= bound : (p) => p.numbers[slot]! <= bound;
    }
  }
}

/** A min/max bound: a position on the attribute's ordered scale, or a number. NaN when neither. */
export function numericBound(c: Comparison, layout: SlotLayout, slot = layout.slots.get(c.attribute)!): number {
  const raw = Array.isArray(c.value) ? c.value[0]! : c.value;
  const ranks = layout.scaleRanks[slot];
  if (ranks) return ranks.get(layout.aliases.key(c.attribute, String(raw))) ?? Number.NaN;
  return typeof raw === "number" ? raw : Number.isFinite(Number(raw)) ? Number(raw) : Number.NaN;
}

function buildIndex(policies: CompiledPolicy[], layout: SlotLayout, options: CompileOptions): PolicyIndex {
  const buckets = new Map<number, Map<string, CompiledPolicy[]>>();
  const unindexed: CompiledPolicy[] = [];
  for (const cp of policies) {
    const choice = indexCondition(cp.policy, layout, options);
    if (!choice) {
      unindexed.push(cp);
      continue;
    }
    const slot = layout.slots.get(choice.attribute)!;
    let bySlot = buckets.get(slot);
    if (!bySlot) buckets.set(slot, (bySlot = new Map()));
    const values = Array.isArray(choice.value) ? choice.value : [choice.value];
    for (const v of new Set(values.map((x) => layout.aliases.key(choice.attribute, String(x))))) {
      let list = bySlot.get(v);
      if (!list) bySlot.set(v, (list = []));
      list.push(cp);
    }
  }
  return { buckets, unindexed };
}

/** The top-level equals/in condition that narrows the policy down the most, if any. */
function indexCondition(policy: Policy, layout: SlotLayout, options: CompileOptions): Comparison | null {
  let best: Comparison | null = null;
  let bestCost = Infinity;
  for (const c of policy.when) {
    if (c.kind !== "compare" || (c.op !== "equals" && c.op !== "in") || c.attribute === "trainings" || c.attribute === "tenure_days") continue;
    const values = Array.isArray(c.value) ? c.value : [c.value];
    const counts = options.valueCounts?.get(c.attribute);
    const cost = counts
      ? values.reduce<number>((sum, v) => sum + (counts.get(layout.aliases.key(c.attribute, String(v))) ?? 0), 0)
      : values.length * (SELECTIVITY.indexOf(c.attribute) === -1 ? SELECTIVITY.length / 2 : SELECTIVITY.indexOf(c.attribute) + 1);
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}
