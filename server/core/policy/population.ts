import type { CompiledPolicy, CompiledPolicySet } from "./compile";
import { numericBound } from "./compile";
import { resolveMatched } from "./evaluate";
import { matchKey } from "./normalize";
import { isActiveStatus } from "../identity/status";
import { EvaluatedGrants, type GrantBlock } from "./results";
import type { Comparison, Condition, PolicyIdentity } from "./types";

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
  active: Uint32Array;
  /** slot → per person, the code of their (text) value: its index in values[slot]; -1 when none */
  codes: (Int32Array | null)[];
  /** slot → code → match key */
  values: string[][];
  /** slot → match key → code */
  keyCodes: Map<string, number>[];
  /** slot → match key → people holding it in a list attribute (trainings), ascending */
  listed: Map<string, number[]>[];
  /** slot → people with any value */
  present: Uint32Array[];
  /** slot → per person number (scale position, tenure, numeric value), NaN when none; empty when nobody has one */
  numbers: Float64Array[];
  /** slot → code → people holding that value, built for a slot when a condition first reads it */
  columns: (Uint32Array[] | null)[];
  /** bitsets of conditions and of policies' whole `when`, by their text: shared by every set with this layout */
  conditions: Map<string, Uint32Array>;
  slab: BitsetSlab;
}

/**
 * A population's bitsets (thousands: one per value, condition and policy) are carved out of
 * shared 1 MB buffers rather than each getting an ArrayBuffer of its own, which the collector
 * would have to track one by one.
 */
class BitsetSlab {
  private buffer = new ArrayBuffer(0);
  private used = 0;
  constructor(readonly words: number) {}

  /** A zeroed bitset. */
  take(): Uint32Array {
    const bytes = this.words * 4;
    if (this.used + bytes > this.buffer.byteLength) {
      this.buffer = new ArrayBuffer(Math.max(bytes, 1 << 20));
      this.used = 0;
    }
    const bits = new Uint32Array(this.buffer, this.used, this.words);
    this.used += bytes;
    return bits;
  }
}

const setBit = (b: Uint32Array, i: number) => (b[i >>> 5]! |= 1 << (i & 31));

/**
 * Reads everyone's attributes into columns: per attribute, one code per person (the layout's
 * aliases and scales apply once per distinct raw value), typed arrays throughout.
 */
export function preparePopulation(set: CompiledPolicySet, identities: readonly PolicyIdentity[], at: Date): Population {
  const layout = set.layout;
  const n = identities.length;
  const words = (n + 31) >>> 5;
  const slots = layout.names.length;
  const codes: (Int32Array | null)[] = new Array(slots).fill(null);
  const values: string[][] = Array.from({ length: slots }, () => []);
  const listed = Array.from({ length: slots }, () => new Map<string, number[]>());
  const slab = new BitsetSlab(words);
  const present = Array.from({ length: slots }, () => slab.take());
  const numbers: Float64Array[] = Array.from({ length: slots }, () => new Float64Array(0));
  const numbersOf = (slot: number) => (numbers[slot]!.length ? numbers[slot]! : (numbers[slot] = new Float64Array(n).fill(Number.NaN)));
  const active = slab.take();
  // HR values repeat: each raw value's code and number are worked out once per slot.
  const codeOfRaw = Array.from({ length: slots }, () => new Map<string, number>());
  const codeOfKey = Array.from({ length: slots }, () => new Map<string, number>());
  const codeNumbers = Array.from({ length: slots }, () => [] as number[]);
  const code = (slot: number, raw: string): number => {
    let c = codeOfRaw[slot]!.get(raw);
    if (c === undefined) {
      const key = layout.aliases.key(layout.names[slot]!, raw);
      c = codeOfKey[slot]!.get(key);
      if (c === undefined) {
        c = values[slot]!.length;
        values[slot]!.push(key);
        codeOfKey[slot]!.set(key, c);
        const ranks = layout.scaleRanks[slot];
        codeNumbers[slot]!.push(ranks ? (ranks.get(key) ?? Number.NaN) : /^-?\d+(\.\d+)?$/.test(key) ? Number(key) : Number.NaN);
      }
      codeOfRaw[slot]!.set(raw, c);
    }
    return c;
  };
  const tenureSlot = layout.slots.get("tenure_days") ?? -1;
  // hire_date feeds tenure_days; it is only read as text when a condition names it.
  const hireSlot = set.conditionSlots.has(layout.slots.get("hire_date") ?? -1) ? -1 : (layout.slots.get("hire_date") ?? -1);
  const hireDays = new Map<string, number>();
  const statusSeen = new Map<string, boolean>();
  const today = at.getTime();
  for (let slot = 0; slot < slots; slot++) {
    if (slot === hireSlot) continue;
    const bits = present[slot]!;
    if (slot === tenureSlot) {
      for (let i = 0; i < n; i++) {
        const hired = identities[i]!.attributes.hire_date;
        if (typeof hired !== "string" || !hired) continue;
        let t = hireDays.get(hired);
        if (t === undefined) hireDays.set(hired, (t = Date.parse(hired.length === 10 ? `${hired}T00:00:00Z` : hired)));
        if (t === t) {
          numbersOf(slot)[i] = Math.floor((today - t) / 86_400_000);
          setBit(bits, i);
        }
      }
      continue;
    }
    const name = layout.names[slot]!;
    const column = new Int32Array(n).fill(-1);
    let any = false;
    for (let i = 0; i < n; i++) {
      const raw = identities[i]!.attributes[name];
      if (raw === null || raw === undefined || raw === "") continue;
      if (Array.isArray(raw)) {
        for (const v of raw) {
          const key = values[slot]![code(slot, v)]!;
          let people = listed[slot]!.get(key);
          if (!people) listed[slot]!.set(key, (people = []));
          if (people[people.length - 1] !== i) people.push(i);
        }
      } else {
        const c = code(slot, typeof raw === "string" ? raw : String(raw));
        column[i] = c;
        any = true;
        const x = codeNumbers[slot]![c]!;
        if (x === x) numbersOf(slot)[i] = x;
      }
      setBit(bits, i);
    }
    if (any) codes[slot] = column;
  }
  for (let i = 0; i < n; i++) {
    const status = identities[i]!.attributes.employment_status;
    if (typeof status !== "string") continue;
    let ok = statusSeen.get(status);
    if (ok === undefined) statusSeen.set(status, (ok = isActiveStatus(status)));
    if (ok) setBit(active, i);
  }
  return { n, words, active, codes, values, listed, present, numbers, keyCodes: codeOfKey, columns: new Array(slots).fill(null), conditions: new Map(), slab };
}

const NONE = new Uint32Array(0);

/** The people holding a value (as text or in their list), as a bitset; NONE when nobody does. */
function columnBits(pop: Population, slot: number, key: string): Uint32Array {
  let cols = pop.columns[slot];
  if (!cols) {
    // Every value's column at once: one pass over the codes.
    cols = pop.columns[slot] = pop.values[slot]!.map(() => NONE);
    const codes = pop.codes[slot];
    if (codes) {
      for (let i = 0; i < pop.n; i++) {
        const c = codes[i]!;
        if (c < 0) continue;
        let b = cols[c]!;
        if (b === NONE) b = cols[c] = pop.slab.take();
        b[i >>> 5]! |= 1 << (i & 31);
      }
    }
    for (const [k, people] of pop.listed[slot]!) {
      const c = pop.keyCodes[slot]!.get(k)!;
      let b = cols[c]!;
      if (b === NONE) b = cols[c] = pop.slab.take();
      for (let j = 0; j < people.length; j++) setBit(b, people[j]!);
    }
  }
  const c = pop.keyCodes[slot]!.get(key);
  return c === undefined ? NONE : cols[c]!;
}

/**
 * People per block in evaluatePopulation. A block's bitsets are 1 KB (they stay in cache) and
 * its temporary structures a few MB, so evaluating 100,000 people never holds more than one
 * block's worth; the work per person is the same as for one big block.
 */
export const POPULATION_BLOCK = 32768;

/** Expected grants of everyone, in the order given, evaluated block by block. */
export function evaluatePopulation(set: CompiledPolicySet, identities: readonly PolicyIdentity[], at: Date): EvaluatedGrants {
  const blocks: GrantBlock[] = [];
  for (let from = 0; from < identities.length; from += POPULATION_BLOCK) {
    const people = from === 0 && identities.length <= POPULATION_BLOCK ? identities : identities.slice(from, from + POPULATION_BLOCK);
    blocks.push(evaluateWithin(set, preparePopulation(set, people, at)));
  }
  return new EvaluatedGrants(
    identities.map((x) => x.id),
    blocks,
    POPULATION_BLOCK,
    // Not the set itself: results outlive it without holding its memo.
    { resources: set.resources, table: set.table },
  );
}

/** Where a block's grants are gathered before being copied out at their exact size (reused: evaluation is synchronous). */
let blockBuffer = new Int32Array(0);

/**
 * Expected grants of a prepared population (which may have been prepared for another set with
 * the same layout): everyone, or only the people set in `only` (the others get none).
 */
export function evaluateWithin(set: CompiledPolicySet, pop: Population, only?: Uint32Array): GrantBlock {
  const allow = matchedLists(set, pop, set.allowPolicies);
  const deny = matchedLists(set, pop, set.denyPolicies);
  const start = new Int32Array(pop.n + 1);
  let grants = blockBuffer;
  let n = 0;
  const result = set.scratch.result;
  for (let i = 0; i < pop.n; i++) {
    start[i] = n;
    if (only && !((only[i >>> 5]! >>> (i & 31)) & 1)) continue;
    if (!((pop.active[i >>> 5]! >>> (i & 31)) & 1)) continue;
    const k = resolveMatched(set, allow.ids, allow.start[i]!, allow.start[i + 1]!, deny.ids, deny.start[i]!, deny.start[i + 1]!);
    if (n + k > grants.length) {
      const bigger = new Int32Array(Math.max(grants.length * 2, n + k, 1 << 16));
      bigger.set(grants.subarray(0, n));
      grants = blockBuffer = bigger;
    }
    for (let j = 0; j < k; j++) grants[n + j] = result[j]!;
    n += k;
  }
  start[pop.n] = n;
  return { start, grants: grants.slice(0, n) };
}

/** Whether two compiled sets read people the same way, so one prepared population serves both. */
export function sameLayout(a: CompiledPolicySet, b: CompiledPolicySet): boolean {
  return a.layout.names.join("\u0000") === b.layout.names.join("\u0000") && JSON.stringify(a.config.aliases) === JSON.stringify(b.config.aliases) && JSON.stringify(a.config.scales) === JSON.stringify(b.config.scales);
}

/** Per person, the (ascending) indices of the given policies they match, as one packed array. */
export function matchedLists(set: CompiledPolicySet, pop: Population, policies: readonly CompiledPolicy[]) {
  const matches = policies.map((cp) => ({ index: cp.index, bits: policyBits(set, pop, cp) })).sort((a, b) => a.index - b.index);
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
    key = c.kind === "compare" ? `${c.attribute}\u0000${c.op}\u0000${JSON.stringify(c.value)}` : `${c.kind}(${c.conditions.map(conditionKey).join("|")})`;
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
