import type { CompiledPolicySet } from "./compile";
import { hireTime } from "./prepare";
import { isActiveStatus } from "../identity/status";
import type { PolicyIdentity } from "./types";

/**
 * A whole population prepared for evaluation at once, column by column: per attribute, each
 * person's value as a code; each value becomes a bitset of the people who hold it when a
 * condition asks (population-bits.ts), and grants are resolved resource by resource
 * (population-resolve.ts). Same semantics as evaluating people one by one (evaluate.ts);
 * proven equal by tests and the benchmark.
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
  /** slot → code → its number (scale position or numeric value), NaN when none */
  codeNumbers: number[][];
  /** slot → match key → people holding it in a list attribute (trainings), ascending */
  listed: Map<string, number[]>[];
  /** slot → people with a text or list value (what not_in reads; tenure_days, a number only, has none) */
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
 * 1 MB buffers rather than each getting an ArrayBuffer of its own, which the collector would
 * have to track and free one by one.
 */
const SLAB_BYTES = 1 << 20;

class BitsetSlab {
  private buffer: ArrayBuffer | null = null;
  private used = 0;
  constructor(readonly words: number) {}

  /** A zeroed bitset. */
  take(): Uint32Array {
    const bytes = this.words * 4;
    if (this.buffer === null || this.used + bytes > this.buffer.byteLength) {
      this.buffer = new ArrayBuffer(Math.max(bytes, SLAB_BYTES));
      this.used = 0;
    }
    const bits = new Uint32Array(this.buffer, this.used, this.words);
    this.used += bytes;
    return bits;
  }
}

export const setBit = (b: Uint32Array, i: number) => (b[i >>> 5]! |= 1 << (i & 31));

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
  const numbersOf = (slot: number) =>
    numbers[slot]!.length ? numbers[slot]! : (numbers[slot] = new Float64Array(n).fill(Number.NaN));
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
        codeNumbers[slot]!.push(
          ranks ? (ranks.get(key) ?? Number.NaN) : /^-?\d+(\.\d+)?$/.test(key) ? Number(key) : Number.NaN,
        );
      }
      codeOfRaw[slot]!.set(raw, c);
    }
    return c;
  };
  const tenureSlot = layout.slots.get("tenure_days") ?? -1;
  // hire_date feeds tenure_days; it is only read as text when a condition names it.
  const hireSlot = readsHireDate(set) ? -1 : (layout.slots.get("hire_date") ?? -1);
  const statusSeen = new Map<string, boolean>();
  const today = at.getTime();
  const people = identities.map((x) => x.attributes);
  for (let slot = 0; slot < slots; slot++) {
    if (slot === hireSlot) continue;
    const bits = present[slot]!;
    if (slot === tenureSlot) {
      for (let i = 0; i < n; i++) {
        const hired = people[i]!.hire_date;
        if (typeof hired !== "string" || !hired) continue;
        const t = hireTime(layout, hired);
        // Only a number: `present` (read by not_in) stays empty, as a person's tenure is no text.
        if (t === t) numbersOf(slot)[i] = Math.floor((today - t) / 86_400_000);
      }
      continue;
    }
    const name = layout.names[slot]!;
    const column = new Int32Array(n).fill(-1);
    const known = codeOfRaw[slot]!;
    const numberOf = codeNumbers[slot]!;
    let nums: Float64Array | null = null;
    let any = false;
    for (let i = 0; i < n; i++) {
      const raw = people[i]![name];
      if (raw === null || raw === undefined || raw === "") continue;
      if (typeof raw === "string") {
        let c = known.get(raw);
        if (c === undefined) c = code(slot, raw);
        column[i] = c;
        any = true;
        const x = numberOf[c]!;
        if (x === x) (nums ??= numbersOf(slot))[i] = x;
      } else if (Array.isArray(raw)) {
        for (const v of raw) {
          const key = values[slot]![code(slot, v)]!;
          let holders = listed[slot]!.get(key);
          if (!holders) listed[slot]!.set(key, (holders = []));
          if (holders[holders.length - 1] !== i) holders.push(i);
        }
      } else {
        const c = code(slot, String(raw));
        column[i] = c;
        any = true;
        const x = numberOf[c]!;
        if (x === x) (nums ??= numbersOf(slot))[i] = x;
      }
      bits[i >>> 5]! |= 1 << (i & 31);
    }
    if (any) codes[slot] = column;
  }
  for (let i = 0; i < n; i++) {
    const status = people[i]!.employment_status;
    if (typeof status !== "string") continue;
    let ok = statusSeen.get(status);
    if (ok === undefined) statusSeen.set(status, (ok = isActiveStatus(status)));
    if (ok) setBit(active, i);
  }
  return {
    n,
    words,
    active,
    codes,
    values,
    listed,
    present,
    numbers,
    codeNumbers,
    keyCodes: codeOfKey,
    columns: new Array(slots).fill(null),
    conditions: new Map(),
    slab,
  };
}

export const NONE = new Uint32Array(0);

/** The people holding a value (as text or in their list), as a bitset; NONE when nobody does. */
export function columnBits(pop: Population, slot: number, key: string): Uint32Array {
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
 * People per block in evaluatePopulation and previews. A block's bitsets are 2 KB and its
 * temporary structures a few MB, so evaluating 100,000 people never holds more than one block's
 * worth, and the sweep's rows (population-resolve.ts) stay in cache; measured faster than blocks
 * of 4,096, 8,192 or 32,768 people on the benchmark's workload.
 */
export const POPULATION_BLOCK = 16384;

/** Whether two compiled sets read people the same way, so one prepared population serves both. */
export function sameLayout(a: CompiledPolicySet, b: CompiledPolicySet): boolean {
  return (
    a.layout.names.join("\u0000") === b.layout.names.join("\u0000") &&
    readsHireDate(a) === readsHireDate(b) &&
    JSON.stringify(a.config.aliases) === JSON.stringify(b.config.aliases) &&
    JSON.stringify(a.config.scales) === JSON.stringify(b.config.scales)
  );
}

/** Whether a condition names hire_date itself (every layout has it, for tenure_days). */
const readsHireDate = (set: CompiledPolicySet) => set.conditionSlots.has(set.layout.slots.get("hire_date") ?? -1);
