import { AliasTable } from "./normalize";
import { CombinationMemo } from "./memo";
import { buildIndex, type PolicyIndex } from "./policy-index";
import { slotLayout, type PreparedIdentity, type SlotLayout } from "./prepare";
import { allOf, compileCheck } from "./compile-conditions";
import type { Condition, ExpectedGrant, Policy, PolicyConfig } from "./types";

export { allOf, numericBound } from "./compile-conditions";

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
  /** via joined once, for tie-breaks */
  viaKey: string;
  /** the result object, built once and shared by everyone who gets this grant (frozen) */
  out: ExpectedGrant;
  /** index of the policy that names the grant (the last of via) */
  owner: number;
  /** position in the set's grant table (what evaluation results hold) */
  k: number;
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
  /**
   * What is left to check when the index found the person: the conditions without the one the
   * index already proved (an exact index key), or all of them.
   */
  residual: Matcher;
  /** the index proves every condition: found through it, the policy matches */
  sure: boolean;
  checks: CheckNode[];
  /** Allow: what it grants (inheritance included). Deny: what it takes away. */
  grants: FlatGrant[];
  /** `grants` by resource id */
  grantOf: Map<number, FlatGrant>;
  /** `grants` it names itself */
  own: FlatGrant[];
  /** `grants` it inherits, by the policy that names them: when that policy matches too, its own copy wins */
  inherited: { owner: number; grants: FlatGrant[] }[];
}

/**
 * Every policy's flattened grants in flat typed arrays, for the resolution loop (resolve.ts):
 * grant k of the table is resource[k] at level rank[k], reached by a path of viaLength[k]
 * policies; policy p's own grants are ownStart[p]..ownEnd[p], and its inherited ones come in
 * groups by the policy naming them (groupFrom[p]..groupTo[p] index the group arrays).
 */
export interface GrantTable {
  resource: Int32Array;
  rank: Int32Array;
  viaLength: Int32Array;
  /** the resource's position in alphabetical order */
  order: Int32Array;
  /** the path's place in the sorted order of every path in the table (ties between grants) */
  viaOrder: Int32Array;
  out: ExpectedGrant[];
  ownStart: Int32Array;
  ownEnd: Int32Array;
  groupFrom: Int32Array;
  groupTo: Int32Array;
  groupOwner: Int32Array;
  groupStart: Int32Array;
  groupEnd: Int32Array;
  priority: Float64Array;
}

export interface CompiledPolicySet {
  config: PolicyConfig;
  layout: SlotLayout;
  policies: CompiledPolicy[];
  /** the allow policies and the deny policies, each in index order */
  allowPolicies: CompiledPolicy[];
  denyPolicies: CompiledPolicy[];
  byName: Map<string, CompiledPolicy>;
  resources: string[];
  resourceIds: Map<string, number>;
  allow: PolicyIndex;
  deny: PolicyIndex;
  /** policy name → every policy that inherits it, directly or not */
  inheritedBy: Map<string, Set<string>>;
  /** slots some condition names (hire_date is laid out for tenure_days even when none does) */
  conditionSlots: Set<number>;
  /** scratch space reused by evaluation (evaluation is synchronous, so one at a time) */
  scratch: {
    /** the person being evaluated by evaluateIdentity (prepared into, not allocated, each time) */
    prepared: PreparedIdentity | undefined;
    policyStamp: Uint32Array;
    resourceStamp: Uint32Array;
    denyStamp: Uint32Array;
    generation: number;
    /** per resource: the winning grant (index into table) and its policy, while resolving */
    winner: Int32Array;
    winnerPolicy: Int32Array;
    allowIds: Int32Array;
    denyIds: Int32Array;
    /** which allow policies the combination being resolved matched */
    matchedStamp: Uint32Array;
    /** one bit per resource rank, clear between runs */
    rankBits: Uint32Array;
    /** the grants (table indices) of the combination just resolved */
    result: Int32Array;
  };
  /** resolved grants per combination of matched allow and deny policies (evaluate.ts) */
  memo: CombinationMemo;
  /** the flattened grants as typed arrays, for resolution */
  table: GrantTable;
  /** resource id → its position in alphabetical order */
  resourceOrder: Uint32Array;
  /** position in alphabetical order → resource id */
  resourceByRank: Uint32Array;
}

export interface CompileOptions {
  /** attribute → match key → how many identities have it; sharpens the choice of index. */
  valueCounts?: Map<string, Map<string, number>>;
}

export function compilePolicySet(
  policies: readonly Policy[],
  config: PolicyConfig,
  options: CompileOptions = {},
): CompiledPolicySet {
  const aliases = new AliasTable(config.aliases);
  const conditionAttributes = new Set<string>();
  const visit = (c: Condition) =>
    c.kind === "compare" ? conditionAttributes.add(c.attribute) : c.conditions.forEach(visit);
  policies.forEach((p) => p.when.forEach(visit));
  // Sorted, so two sets naming the same attributes share one layout (and prepared people).
  const layout = slotLayout(
    [...new Set(["employment_status", "hire_date", ...conditionAttributes])].sort(),
    config.scales,
    aliases,
  );

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
  const indexByName = new Map(policies.map((p, i) => [p.name, i]));
  const compiled: CompiledPolicy[] = policies.map((policy, index) => {
    const checks = policy.when.map((c) => compileCheck(c, layout));
    const match = allOf(checks.map((c) => c.match));
    const grants = flattenGrants(policy, index, byPolicyName, config, resourceId, indexByName);
    const inherited = new Map<number, FlatGrant[]>();
    for (const g of grants) if (g.owner !== index) inherited.set(g.owner, [...(inherited.get(g.owner) ?? []), g]);
    return {
      index,
      policy,
      checks,
      match,
      residual: match,
      sure: false,
      grants,
      grantOf: new Map(grants.map((g) => [g.resource, g])),
      own: grants.filter((g) => g.owner === index),
      inherited: [...inherited].map(([owner, list]) => ({ owner, grants: list })),
    };
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

  const indexOf = (effect: "allow" | "deny") =>
    buildIndex(
      compiled.filter((c) => c.policy.effect === effect),
      layout,
      options,
    );
  const set: CompiledPolicySet = {
    config,
    layout,
    policies: compiled,
    allowPolicies: compiled.filter((c) => c.policy.effect === "allow"),
    denyPolicies: compiled.filter((c) => c.policy.effect === "deny"),
    byName,
    resources,
    resourceIds,
    allow: indexOf("allow"),
    deny: indexOf("deny"),
    inheritedBy,
    conditionSlots: new Set([...conditionAttributes].map((a) => layout.slots.get(a)!)),
    scratch: {
      prepared: undefined,
      policyStamp: new Uint32Array(compiled.length),
      resourceStamp: new Uint32Array(resources.length),
      denyStamp: new Uint32Array(resources.length),
      generation: 0,
      winner: new Int32Array(resources.length),
      winnerPolicy: new Int32Array(resources.length),
      allowIds: new Int32Array(compiled.length),
      denyIds: new Int32Array(compiled.length),
      matchedStamp: new Uint32Array(compiled.length),
      rankBits: new Uint32Array((resources.length + 31) >>> 5),
      result: new Int32Array(resources.length),
    },
    memo: new CombinationMemo(),
    table: grantTable(compiled, orderOf(resources)),
    resourceOrder: orderOf(resources),
    resourceByRank: inverse(orderOf(resources)),
  };
  return set;
}

function grantTable(compiled: CompiledPolicy[], order: Uint32Array): GrantTable {
  const all: FlatGrant[] = [];
  const n = compiled.length;
  const t = {
    ownStart: new Int32Array(n),
    ownEnd: new Int32Array(n),
    groupFrom: new Int32Array(n),
    groupTo: new Int32Array(n),
    // Float64: priorities are whole numbers of any size, and must compare as beats() compares them.
    priority: Float64Array.from(compiled, (c) => c.policy.priority),
  };
  const groupOwner: number[] = [];
  const groupStart: number[] = [];
  const groupEnd: number[] = [];
  const place = (g: FlatGrant) => {
    g.k = all.length;
    all.push(g);
  };
  for (const cp of compiled) {
    t.ownStart[cp.index] = all.length;
    cp.own.forEach(place);
    t.ownEnd[cp.index] = all.length;
    t.groupFrom[cp.index] = groupOwner.length;
    for (const g of cp.inherited) {
      groupOwner.push(g.owner);
      groupStart.push(all.length);
      g.grants.forEach(place);
      groupEnd.push(all.length);
    }
    t.groupTo[cp.index] = groupOwner.length;
  }
  return {
    ...t,
    resource: Int32Array.from(all, (g) => g.resource),
    rank: Int32Array.from(all, (g) => g.rank),
    viaLength: Int32Array.from(all, (g) => g.via.length),
    order: Int32Array.from(all, (g) => order[g.resource]!),
    viaOrder: sortedPlaces(all.map((g) => g.viaKey)),
    out: all.map((g) => g.out),
    groupOwner: Int32Array.from(groupOwner),
    groupStart: Int32Array.from(groupStart),
    groupEnd: Int32Array.from(groupEnd),
  };
}

/** Each string's place in the sorted list of them all (equal strings share one). */
function sortedPlaces(keys: string[]): Int32Array {
  const sorted = [...new Set(keys)].sort();
  const place = new Map(sorted.map((k, i) => [k, i]));
  return Int32Array.from(keys, (k) => place.get(k)!);
}

function orderOf(resources: string[]): Uint32Array {
  const order = new Uint32Array(resources.length);
  resources
    .map((r, i) => [r, i] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .forEach(([, id], rank) => (order[id] = rank));
  return order;
}

function inverse(order: Uint32Array): Uint32Array {
  const byRank = new Uint32Array(order.length);
  order.forEach((rank, id) => (byRank[rank] = id));
  return byRank;
}

function walkInherits(
  policy: Policy,
  byName: Map<string, Policy>,
  visit: (name: string) => void,
  path = new Set<string>([policy.name]),
) {
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
function flattenGrants(
  policy: Policy,
  self: number,
  byName: Map<string, Policy>,
  config: PolicyConfig,
  resourceId: (r: string) => number,
  indexByName: Map<string, number>,
): FlatGrant[] {
  const best = new Map<number, FlatGrant>();
  const visit = (p: Policy, via: string[]) => {
    for (const g of p.grants) {
      const id = resourceId(g.resource);
      const out: ExpectedGrant = Object.freeze({
        resource: g.resource,
        level: g.level,
        via: Object.freeze(via) as string[],
      });
      // The policy's own grants are its own even when another policy has the same name (a lint
      // error, but drafts with it can still be previewed); inherited ones belong to the policy
      // the name resolves to, as `inherits` does.
      const owner = p === policy ? self : indexByName.get(p.name)!;
      const candidate: FlatGrant = {
        resource: id,
        rank: levelRank(config, g.resource, g.level),
        level: g.level,
        via,
        viaKey: via.join(),
        out,
        owner,
        k: -1,
      };
      const current = best.get(id);
      if (
        !current ||
        candidate.rank > current.rank ||
        (candidate.rank === current.rank && candidate.via.length < current.via.length)
      ) {
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
