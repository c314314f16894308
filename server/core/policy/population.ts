import type { CompiledPolicy, CompiledPolicySet } from "./compile";
import { numericBound } from "./compile";
import { resolveMatched } from "./evaluate";
import { matchKey } from "./normalize";
import { isActiveStatus } from "../identity/status";
import type { Comparison, Condition, ExpectedGrant, PolicyIdentity } from "./types";

/**
 * Evaluation of a whole population at once, column by column: each attribute value becomes a
 * bitset of the people who hold it, each condition a bitset computed from those (shared by every
 * policy with the same condition), each policy the AND of its conditions. People's matched
 * policies are read off the bitsets, and grants resolved once per combination (evaluate.ts).
 * Same semantics as evaluating people one by one; proven equal by tests and the benchmark.
 */
export interface Population {
  n: number;
  words: number;
  ids: string[];
  active: Uint32Array;
  /** slot → match key → people holding it (text value, or in their list), in ascending order */
  postings: Map<string, number[]>[];
  /** bitsets built from postings when a condition first asks for them */
  columns: Map<string, Uint32Array>[];
  /** slot → people with any value */
  present: Uint32Array[];
  /** slot → per person number (scale position, tenure, numeric value), NaN when none; empty when nobody has one */
  numbers: Float64Array[];
}

const bitset = (words: number) => new Uint32Array(words);
const setBit = (b: Uint32Array, i: number) => (b[i >>> 5]! |= 1 << (i & 31));

/** Reads everyone's attributes into posting lists per value (the layout's aliases and scales apply). */
export function preparePopulation(set: CompiledPolicySet, identities: readonly PolicyIdentity[], at: Date): Population {
  const layout = set.layout;
  const n = identities.length;
  const words = (n + 31) >>> 5;
  const slots = layout.names.length;
  const postings = Array.from({ length: slots }, () => new Map<string, number[]>());
  const present = Array.from({ length: slots }, () => bitset(words));
  const numbers: Float64Array[] = Array.from({ length: slots }, () => new Float64Array(0));
  const numbersOf = (slot: number) => (numbers[slot]!.length ? numbers[slot]! : (numbers[slot] = new Float64Array(n).fill(Number.NaN)));
  const active = bitset(words);
  // HR values repeat: each raw value's posting list and number are worked out once per slot.
  const seen = Array.from({ length: slots }, () => new Map<string, { people: number[]; number: number }>());
  const entry = (slot: number, raw: string) => {
    const cache = seen[slot]!;
    let e = cache.get(raw);
    if (e === undefined) {
      const key = layout.aliases.key(layout.names[slot]!, raw);
      let people = postings[slot]!.get(key);
      if (!people) postings[slot]!.set(key, (people = []));
      const ranks = layout.scaleRanks[slot];
      const number = ranks ? (ranks.get(key) ?? Number.NaN) : /^-?\d+(\.\d+)?$/.test(key) ? Number(key) : Number.NaN;
      cache.set(raw, (e = { people, number }));
    }
    return e;
  };
  const tenureSlot = layout.slots.get("tenure_days") ?? -1;
  // hire_date feeds tenure_days; it is only read as text when a condition names it.
  const hireSlot = set.conditionSlots.has(layout.slots.get("hire_date") ?? -1) ? -1 : (layout.slots.get("hire_date") ?? -1);
  const hireDays = new Map<string, number>();
  const statusSeen = new Map<string, boolean>();
  for (let i = 0; i < n; i++) {
    const attrs = identities[i]!.attributes;
    const status = attrs.employment_status;
    if (typeof status === "string") {
      let ok = statusSeen.get(status);
      if (ok === undefined) statusSeen.set(status, (ok = isActiveStatus(status)));
      if (ok) setBit(active, i);
    }
    for (let slot = 0; slot < slots; slot++) {
      if (slot === hireSlot) continue;
      if (slot === tenureSlot) {
        const hired = attrs.hire_date;
        if (typeof hired !== "string" || !hired) continue;
        let t = hireDays.get(hired);
        if (t === undefined) hireDays.set(hired, (t = Date.parse(hired.length === 10 ? `${hired}T00:00:00Z` : hired)));
        if (t === t) {
          numbersOf(slot)[i] = Math.floor((at.getTime() - t) / 86_400_000);
          setBit(present[slot]!, i);
        }
        continue;
      }
      const raw = attrs[layout.names[slot]!];
      if (raw === null || raw === undefined || raw === "") continue;
      if (Array.isArray(raw)) {
        for (const v of raw) {
          const people = entry(slot, v).people;
          if (people[people.length - 1] !== i) people.push(i);
        }
      } else {
        const e = entry(slot, String(raw));
        e.people.push(i);
        if (e.number === e.number) numbersOf(slot)[i] = e.number;
      }
      setBit(present[slot]!, i);
    }
  }
  return { n, words, ids: identities.map((x) => x.id), active, postings, columns: postings.map(() => new Map()), present, numbers };
}

/** The people holding a value, as a bitset (built once from the posting list). */
function columnBits(pop: Population, slot: number, key: string): Uint32Array | undefined {
  const built = pop.columns[slot]!.get(key);
  if (built) return built;
  const people = pop.postings[slot]!.get(key);
  if (!people) return undefined;
  const bits = bitset(pop.words);
  for (let k = 0; k < people.length; k++) setBit(bits, people[k]!);
  pop.columns[slot]!.set(key, bits);
  return bits;
}

/**
 * People per block in evaluatePopulation. A block's bitsets are 1 KB (they stay in cache) and
 * its temporary structures a few MB, so evaluating 100,000 people never holds more than one
 * block's worth; the work per person is the same as for one big block.
 */
export const POPULATION_BLOCK = 32768;

/** Expected grants of everyone, in the order given, evaluated block by block. */
export function evaluatePopulation(set: CompiledPolicySet, identities: readonly PolicyIdentity[], at: Date): ExpectedGrant[][] {
  if (identities.length <= POPULATION_BLOCK) return evaluateWithin(set, preparePopulation(set, identities, at)) as ExpectedGrant[][];
  const out: ExpectedGrant[][] = new Array(identities.length);
  for (let from = 0; from < identities.length; from += POPULATION_BLOCK) {
    const block = evaluateWithin(set, preparePopulation(set, identities.slice(from, from + POPULATION_BLOCK), at));
    for (let i = 0; i < block.length; i++) out[from + i] = block[i]!;
  }
  return out;
}

/**
 * Expected grants of a prepared population (which may have been prepared for another set with
 * the same layout): everyone, or only the people set in `only` (the others are left undefined).
 */
export function evaluateWithin(set: CompiledPolicySet, pop: Population, only?: Uint32Array): (ExpectedGrant[] | undefined)[] {
  const allow = matchedLists(set, pop, set.policies.filter((c) => c.policy.effect === "allow"));
  const deny = matchedLists(set, pop, set.policies.filter((c) => c.policy.effect === "deny"));
  const out: (ExpectedGrant[] | undefined)[] = new Array(pop.n);
  const nothing: ExpectedGrant[] = [];
  for (let i = 0; i < pop.n; i++) {
    if (only && !((only[i >>> 5]! >>> (i & 31)) & 1)) continue;
    out[i] = (pop.active[i >>> 5]! >>> (i & 31)) & 1 ? resolveMatched(set, allow.ids, allow.start[i]!, allow.start[i + 1]!, deny.ids, deny.start[i]!, deny.start[i + 1]!) : nothing;
  }
  return out;
}

/** Whether two compiled sets read people the same way, so one prepared population serves both. */
export function sameLayout(a: CompiledPolicySet, b: CompiledPolicySet): boolean {
  return a.layout.names.join("\u0000") === b.layout.names.join("\u0000") && JSON.stringify(a.config.aliases) === JSON.stringify(b.config.aliases) && JSON.stringify(a.config.scales) === JSON.stringify(b.config.scales);
}

/** Per person, the (ascending) indices of the given policies they match, as one packed array. */
export function matchedLists(set: CompiledPolicySet, pop: Population, policies: readonly CompiledPolicy[]) {
  const cache = new Map<string, Uint32Array>();
  const matches = policies.map((cp) => ({ index: cp.index, bits: policyBits(set, pop, cp, cache) })).sort((a, b) => a.index - b.index);
  const count = new Int32Array(pop.n + 1);
  for (const m of matches) {
    const b = m.bits;
    for (let w = 0; w < b.length; w++) {
      let x = b[w]!;
      while (x !== 0) {
        const low = x & -x;
        count[(w << 5) + 32 - Math.clz32(low)]!++;
        x ^= low;
      }
    }
  }
  for (let i = 0; i < pop.n; i++) count[i + 1]! += count[i]!;
  const ids = new Int32Array(count[pop.n]!);
  const fill = count.slice(0, pop.n);
  for (const m of matches) {
    const b = m.bits;
    const index = m.index;
    for (let w = 0; w < b.length; w++) {
      let x = b[w]!;
      while (x !== 0) {
        const low = x & -x;
        ids[fill[(w << 5) + 31 - Math.clz32(low)]!++] = index;
        x ^= low;
      }
    }
  }
  return { start: count, ids };
}

/** The people a policy matches: Active, and every condition. */
export function policyBits(set: CompiledPolicySet, pop: Population, cp: CompiledPolicy, cache: Map<string, Uint32Array>): Uint32Array {
  const bits = pop.active.slice();
  for (const c of cp.policy.when) and(bits, conditionBits(set, pop, c, cache));
  return bits;
}

function and(into: Uint32Array, b: Uint32Array) {
  for (let w = 0; w < into.length; w++) into[w]! &= b[w]!;
}
function or(into: Uint32Array, b: Uint32Array | undefined) {
  if (b) for (let w = 0; w < into.length; w++) into[w]! |= b[w]!;
}

function conditionBits(set: CompiledPolicySet, pop: Population, c: Condition, cache: Map<string, Uint32Array>): Uint32Array {
  const key = conditionKey(c);
  const hit = cache.get(key);
  if (hit) return hit;
  let bits: Uint32Array;
  if (c.kind === "any") {
    bits = bitset(pop.words);
    for (const x of c.conditions) or(bits, conditionBits(set, pop, x, cache));
  } else if (c.kind === "all") {
    bits = bitset(pop.words).fill(0xffffffff);
    for (const x of c.conditions) and(bits, conditionBits(set, pop, x, cache));
  } else bits = comparisonBits(set, pop, c);
  cache.set(key, bits);
  return bits;
}

const conditionKey = (c: Condition): string =>
  c.kind === "compare" ? `${c.attribute}\u0000${c.op}\u0000${JSON.stringify(c.value)}` : `${c.kind}(${c.conditions.map(conditionKey).join("|")})`;

function comparisonBits(set: CompiledPolicySet, pop: Population, c: Comparison): Uint32Array {
  const layout = set.layout;
  const slot = layout.slots.get(c.attribute)!;
  const col = (k: string) => columnBits(pop, slot, k);
  const values = Array.isArray(c.value) ? c.value : [c.value];
  const key = (v: string | number) => layout.aliases.key(c.attribute, String(v));
  const bits = bitset(pop.words);
  switch (c.op) {
    case "equals":
      or(bits, col(key(values[0]!)));
      return bits;
    case "in":
      for (const v of values) or(bits, col(key(v)));
      return bits;
    case "not_in": {
      for (const v of values) or(bits, col(key(v)));
      const present = pop.present[slot]!;
      for (let w = 0; w < bits.length; w++) bits[w] = present[w]! & ~bits[w]!;
      return bits;
    }
    case "contains": {
      const needle = matchKey(String(values[0]!));
      for (const k of pop.postings[slot]!.keys()) if (k.includes(needle)) or(bits, col(k));
      return bits;
    }
    case "includes": {
      bits.fill(0xffffffff);
      for (const v of values) {
        const b = col(key(v));
        if (!b) return bitset(pop.words);
        and(bits, b);
      }
      return bits;
    }
    case "min":
    case "max": {
      const bound = numericBound(c, layout, slot);
      if (Number.isNaN(bound)) return bits;
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
