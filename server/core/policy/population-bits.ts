import type { CompiledPolicy, CompiledPolicySet } from "./compile";
import { numericBound } from "./compile";
import { matchKey } from "./normalize";
import { columnBits, NONE, setBit, type Population } from "./population";
import type { Comparison, Condition } from "./types";

/**
 * Conditions over a prepared population, as bitsets of the people they hold for: each value's
 * column, each condition computed from columns, each policy the AND of its conditions. They are
 * kept on the population by the conditions' text, so two sets with one layout (a policy set and
 * its edit) share them.
 */

/** The people a policy matches: Active, and every condition (kept on the population, by the conditions' text). */
export function policyBits(set: CompiledPolicySet, pop: Population, cp: CompiledPolicy): Uint32Array {
  const key = whenKey(cp.policy.when);
  const hit = pop.conditions.get(key);
  if (hit) return hit;
  const bits = pop.slab.take();
  bits.set(pop.active);
  for (const c of cp.policy.when) and(bits, conditionBits(set, pop, c));
  pop.conditions.set(key, bits);
  return bits;
}

function and(into: Uint32Array, b: Uint32Array) {
  if (b.length === 0) into.fill(0);
  else for (let w = 0; w < into.length; w++) into[w]! &= b[w]!;
}
function or(into: Uint32Array, b: Uint32Array) {
  if (b.length !== 0) for (let w = 0; w < into.length; w++) into[w]! |= b[w]!;
}

/** A condition's bitset (read-only: it may be a column itself, or NONE). */
function conditionBits(set: CompiledPolicySet, pop: Population, c: Condition): Uint32Array {
  const key = conditionKey(c);
  const hit = pop.conditions.get(key);
  if (hit) return hit;
  let bits: Uint32Array;
  if (c.kind === "any") {
    bits = pop.slab.take();
    for (const x of c.conditions) or(bits, conditionBits(set, pop, x));
  } else if (c.kind === "all") {
    bits = pop.slab.take().fill(0xffffffff);
    for (const x of c.conditions) and(bits, conditionBits(set, pop, x));
  } else bits = comparisonBits(set, pop, c);
  pop.conditions.set(key, bits);
  return bits;
}

const whenKeys = new WeakMap<readonly Condition[], string>();
function whenKey(when: readonly Condition[]): string {
  let key = whenKeys.get(when);
  if (key === undefined) whenKeys.set(when, (key = `when(${when.map(conditionKey).join("|")})`));
  return key;
}

const conditionKeys = new WeakMap<Condition, string>();
function conditionKey(c: Condition): string {
  let key = conditionKeys.get(c);
  if (key === undefined) {
    key =
      c.kind === "compare"
        ? `${c.attribute}\u0000${c.op}\u0000${JSON.stringify(c.value)}`
        : `${c.kind}(${c.conditions.map(conditionKey).join("|")})`;
    conditionKeys.set(c, key);
  }
  return key;
}

function comparisonBits(set: CompiledPolicySet, pop: Population, c: Comparison): Uint32Array {
  const layout = set.layout;
  const slot = layout.slots.get(c.attribute)!;
  const col = (k: string) => columnBits(pop, slot, k);
  const values = Array.isArray(c.value) ? c.value : [c.value];
  const key = (v: string | number) => layout.aliases.key(c.attribute, String(v));
  switch (c.op) {
    case "equals":
      return col(key(values[0]!));
    case "in": {
      const bits = pop.slab.take();
      for (const v of values) or(bits, col(key(v)));
      return bits;
    }
    case "not_in": {
      const bits = pop.slab.take();
      for (const v of values) or(bits, col(key(v)));
      const present = pop.present[slot]!;
      for (let w = 0; w < bits.length; w++) bits[w] = present[w]! & ~bits[w]!;
      return bits;
    }
    case "contains": {
      const bits = pop.slab.take();
      const needle = matchKey(String(values[0]!));
      for (const k of pop.values[slot]!) if (k.includes(needle)) or(bits, col(k));
      return bits;
    }
    case "includes": {
      const bits = pop.slab.take().fill(0xffffffff);
      for (const v of values) {
        const b = col(key(v));
        if (b.length === 0) return NONE;
        and(bits, b);
      }
      return bits;
    }
    case "min":
    case "max": {
      const bits = pop.slab.take();
      const bound = numericBound(c, layout, slot);
      if (Number.isNaN(bound)) return bits;
      if (pop.codes[slot] && pop.listed[slot]!.size === 0) {
        // Values are few (a scale): OR the columns of the values within the bound.
        const numbers = pop.codeNumbers[slot]!;
        for (let code = 0; code < numbers.length; code++) {
          const x = numbers[code]!;
          if (c.op === "min" ? x >= bound : x <= bound) or(bits, columnBits(pop, slot, pop.values[slot]![code]!));
        }
        return bits;
      }
      const nums = pop.numbers[slot]!;
      if (nums.length === 0) return bits;
      if (c.op === "min") {
        for (let i = 0; i < pop.n; i++) if (nums[i]! >= bound) setBit(bits, i);
      } else {
        for (let i = 0; i < pop.n; i++) if (nums[i]! <= bound) setBit(bits, i);
      }
      return bits;
    }
  }
}
