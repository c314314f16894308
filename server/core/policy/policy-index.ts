import { isListAttribute } from "../identity/attributes";
import { allOf, numericBound, type CompiledPolicy, type CompileOptions } from "./compile";
import { matchKey } from "./normalize";
import type { SlotLayout } from "./prepare";
import type { Comparison, Condition, Policy } from "./types";

/**
 * The index of a compiled set: each policy is filed under the values of its most selective
 * condition, so a person is only checked against the policies that could match them.
 */

/** Attributes in the order their equality best narrows down who a policy can match. */
const SELECTIVITY = [
  "job_title",
  "team",
  "cost_center",
  "manager",
  "department",
  "location",
  "job_level",
  "employment_type",
  "employment_status",
];

/** The policies filed under one index key. */
export interface Bucket {
  /** policies with nothing left to check once the key is held (indices): they match outright */
  sure: Int32Array;
  /** policies with residual conditions to check */
  check: CompiledPolicy[];
}

/**
 * Policies found by a `contains` condition on a text attribute (job_title contains DBA): for
 * each value met, which of them contain their text is worked out once and kept.
 */
export interface ContainsIndex {
  slot: number;
  policies: { cp: CompiledPolicy; needle: string }[];
  /** match key → indices into `policies` whose needle it contains */
  seen: Map<string, Int32Array>;
}

export interface PolicyIndex {
  /** slot → match key → policies whose indexed condition names that value */
  buckets: Map<number, Map<string, Bucket>>;
  /** policies filed by a contains condition, by slot */
  contains: ContainsIndex[];
  /** policies with no equality condition to index by: checked for everyone */
  unindexed: CompiledPolicy[];
  /** buckets as an array, for a closure-free walk */
  bucketList: [number, Map<string, Bucket>][];
}

/** Where a policy is filed in the index: it is a candidate for anyone holding one of these (slot, value) pairs. */
type IndexKeys = { slot: number; key: string }[];

export function buildIndex(policies: CompiledPolicy[], layout: SlotLayout, options: CompileOptions): PolicyIndex {
  const filed = new Map<number, Map<string, CompiledPolicy[]>>();
  const unindexed: CompiledPolicy[] = [];
  const contains = new Map<number, ContainsIndex>();
  for (const cp of policies) {
    const choice = indexKeys(cp.policy, layout, options);
    if (!choice) {
      const at = cp.policy.when.findIndex((c) => c.kind === "compare" && c.op === "contains");
      if (at === -1) {
        unindexed.push(cp);
        continue;
      }
      const c = cp.policy.when[at] as Comparison;
      const slot = layout.slots.get(c.attribute)!;
      let index = contains.get(slot);
      if (!index) contains.set(slot, (index = { slot, policies: [], seen: new Map() }));
      index.policies.push({ cp, needle: matchKey(String(c.value)) });
      cp.residual = allOf(cp.checks.filter((_, i) => i !== at).map((x) => x.match));
      continue;
    }
    if (choice.exact) {
      const rest = cp.checks.filter((_, i) => i !== choice.condition);
      cp.residual = allOf(rest.map((c) => c.match));
      cp.sure = rest.length === 0;
    }
    const seen = new Set<string>();
    for (const { slot, key } of choice.keys) {
      if (seen.has(`${slot}\u0000${key}`)) continue;
      seen.add(`${slot}\u0000${key}`);
      let bySlot = filed.get(slot);
      if (!bySlot) filed.set(slot, (bySlot = new Map()));
      let list = bySlot.get(key);
      if (!list) bySlot.set(key, (list = []));
      list.push(cp);
    }
  }
  const buckets = new Map(
    [...filed].map(([slot, byKey]) => [
      slot,
      new Map(
        [...byKey].map(([key, list]) => [
          key,
          {
            sure: Int32Array.from(
              list.filter((c) => c.sure),
              (c) => c.index,
            ),
            check: list.filter((c) => !c.sure),
          },
        ]),
      ),
    ]),
  );
  return { buckets, unindexed, bucketList: [...buckets], contains: [...contains.values()] };
}

/**
 * The top-level condition that narrows the policy down the most, as index keys: an equals or
 * in (its values), an includes on a list attribute (its rarest value), a min/max on an ordered
 * scale (the scale values it admits), or an any-group whose every alternative is one of these
 * (the union). A person must hold one of the keys for the policy to match at all. Null when
 * no condition qualifies (tenure only, contains, not_in): the policy is checked for everyone.
 */
function indexKeys(
  policy: Policy,
  layout: SlotLayout,
  options: CompileOptions,
): { keys: IndexKeys; exact: boolean; condition: number } | null {
  let best: { keys: IndexKeys; exact: boolean; condition: number } | null = null;
  let bestCost = Infinity;
  policy.when.forEach((c, condition) => {
    const found = keysFor(c, layout, options);
    if (!found) return;
    const cost = found.keys.reduce((sum, k) => sum + keyCost(layout.names[k.slot]!, k.key, options), 0);
    if (cost < bestCost) {
      bestCost = cost;
      best = { ...found, condition };
    }
  });
  return best;
}

/**
 * The keys a condition can be found by. `exact`: holding one of the keys is the condition
 * holding (equals, in, an any-group of those), so it need not be checked again.
 */
function keysFor(
  c: Condition,
  layout: SlotLayout,
  options: CompileOptions,
): { keys: IndexKeys; exact: boolean } | null {
  if (c.kind === "any") {
    const all: IndexKeys = [];
    let exact = true;
    for (const alt of c.conditions) {
      const found = keysFor(alt, layout, options);
      if (!found) return null;
      all.push(...found.keys);
      exact &&= found.exact;
    }
    return { keys: all, exact };
  }
  if (c.kind === "all") {
    // Every part must hold, so any one indexable part is enough; take the narrowest.
    const parts = c.conditions.map((x) => keysFor(x, layout, options)).filter((k) => k !== null);
    const narrowest = parts.sort((a, b) => a.keys.length - b.keys.length)[0];
    return narrowest ? { keys: narrowest.keys, exact: false } : null;
  }
  const slot = layout.slots.get(c.attribute)!;
  const key = (v: string | number) => layout.aliases.key(c.attribute, String(v));
  const values = Array.isArray(c.value) ? c.value : [c.value];
  switch (c.op) {
    case "equals":
    case "in":
      return c.attribute === "tenure_days" ? null : { keys: values.map((v) => ({ slot, key: key(v) })), exact: true };
    case "includes": {
      // Anyone matching holds every listed value; filing under the rarest one is enough.
      const rarest = values
        .map(key)
        .sort((a, b) => keyCost(c.attribute, a, options) - keyCost(c.attribute, b, options))[0]!;
      return { keys: [{ slot, key: rarest }], exact: values.length === 1 };
    }
    case "min":
    case "max": {
      const ranks = layout.scaleRanks[slot];
      const bound = numericBound(c, layout, slot);
      if (!ranks || Number.isNaN(bound)) return null;
      // Not exact: a list holding a scale value is found by the key, but the bound only holds
      // for a single value on the scale (the condition reads the person's number).
      return {
        keys: [...ranks].filter(([, r]) => (c.op === "min" ? r >= bound : r <= bound)).map(([k]) => ({ slot, key: k })),
        exact: false,
      };
    }
    default:
      return null;
  }
}

/** Roughly how many people one index key admits: counted when known, else by attribute. */
function keyCost(attribute: string, key: string, options: CompileOptions): number {
  const counts = options.valueCounts?.get(attribute);
  if (counts) return counts.get(key) ?? 0;
  const i = SELECTIVITY.indexOf(attribute);
  return isListAttribute(attribute) ? 4 : i === -1 ? SELECTIVITY.length / 2 : i + 1;
}
