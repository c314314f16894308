import type { CompiledPolicySet } from "./compile";
import { policyBits } from "./population-bits";
import { POPULATION_BLOCK, preparePopulation, type Population } from "./population";
import { EvaluatedGrants, type GrantBlock } from "./results";
import type { PolicyIdentity } from "./types";

/**
 * Resolution for a whole population at once, resource by resource. Which grant of a resource
 * wins (beats(): higher level, then priority, then shorter path, then the path sorting first)
 * depends only on the grants themselves, never on the person, so each resource's grants are
 * put in that order once per set. A person then gets the first grant, in that order, whose
 * policy they match, unless a deny policy they match names the resource: per grant, that is an
 * AND of the policy's bitset with the people still without the resource. Same results as
 * resolving people one by one (resolve.ts); the tests and the benchmark check it.
 */
interface ResolutionOrder {
  /** resources in alphabetical order: the grants of the ρ-th are entries[start[ρ]..start[ρ + 1]), best first */
  start: Int32Array;
  /** grant-table indices */
  entries: Int32Array;
  /** the allow policy each entry belongs to */
  policyOf: Int32Array;
  /** deny policies naming the ρ-th resource: deny[denyStart[ρ]..denyStart[ρ + 1]) */
  denyStart: Int32Array;
  deny: Int32Array;
}

const orders = new WeakMap<CompiledPolicySet, ResolutionOrder>();

function resolutionOrder(set: CompiledPolicySet): ResolutionOrder {
  const known = orders.get(set);
  if (known) return known;
  const t = set.table;
  const byRank = set.resourceOrder;
  const all: { k: number; p: number; r: number }[] = [];
  for (const cp of set.allowPolicies)
    for (const g of cp.grants) all.push({ k: g.k, p: cp.index, r: byRank[g.resource]! });
  all.sort(
    (a, b) =>
      a.r - b.r ||
      t.rank[b.k]! - t.rank[a.k]! ||
      t.priority[b.p]! - t.priority[a.p]! ||
      t.viaLength[a.k]! - t.viaLength[b.k]! ||
      t.viaOrder[a.k]! - t.viaOrder[b.k]!,
  );
  const resources = set.resources.length;
  const start = new Int32Array(resources + 1);
  for (const e of all) start[e.r + 1]!++;
  for (let i = 0; i < resources; i++) start[i + 1]! += start[i]!;
  const denied: { r: number; p: number }[] = [];
  for (const cp of set.denyPolicies)
    for (const r of new Set(cp.grants.map((g) => byRank[g.resource]!))) denied.push({ r, p: cp.index });
  denied.sort((a, b) => a.r - b.r || a.p - b.p);
  const denyStart = new Int32Array(resources + 1);
  for (const d of denied) denyStart[d.r + 1]!++;
  for (let i = 0; i < resources; i++) denyStart[i + 1]! += denyStart[i]!;
  const order: ResolutionOrder = {
    start,
    entries: Int32Array.from(all, (e) => e.k),
    policyOf: Int32Array.from(all, (e) => e.p),
    denyStart,
    deny: Int32Array.from(denied, (d) => d.p),
  };
  orders.set(set, order);
  return order;
}

/** Expected grants of everyone, in the order given, evaluated block by block. */
export function evaluatePopulation(
  set: CompiledPolicySet,
  identities: readonly PolicyIdentity[],
  at: Date,
): EvaluatedGrants {
  const blocks: GrantBlock[] = [];
  for (let from = 0; from < identities.length; from += POPULATION_BLOCK) {
    const people = identities.length <= POPULATION_BLOCK ? identities : identities.slice(from, from + POPULATION_BLOCK);
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

/** Per policy, the words of its bitset that are not zero (reused between calls: evaluation is synchronous). */
let nonZero = new Int32Array(0);

/**
 * Expected grants of a prepared population (which may have been prepared for another set with
 * the same layout): everyone, or only the people set in `only` (the others get none).
 */
export function evaluateWithin(set: CompiledPolicySet, pop: Population, only?: Uint32Array): GrantBlock {
  const order = resolutionOrder(set);
  const words = pop.words;
  const policies = set.policies.length;
  const bits: Uint32Array[] = new Array(policies);
  // Most policies match few people: the sweeps only visit the words where they match anyone.
  if (nonZero.length < policies * words) nonZero = new Int32Array(policies * words);
  const nzStart = new Int32Array(policies + 1);
  let nz = 0;
  for (const cp of set.policies) {
    const b = (bits[cp.index] = policyBits(set, pop, cp));
    nzStart[cp.index] = nz;
    for (let w = 0; w < words; w++)
      if (b[w] !== 0 && (only === undefined || (b[w]! & only[w]!) !== 0)) nonZero[nz++] = w;
    nzStart[cp.index + 1] = nz;
  }
  const sparse = { bits, nzStart, nonZero, only: only ?? null };
  // One sweep: each person's grants go into a row of SLOTS places; the rare grants beyond
  // that wait in an overflow list, in order. Then the rows are packed.
  const n = pop.n;
  if (rows.length < n * SLOTS) rows = new Int32Array(n * SLOTS);
  const count = new Int32Array(n + 1);
  const overflow: number[] = [];
  sweep(order, sparse, words, count, rows, overflow);
  const start = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) start[i + 1] = start[i]! + count[i]!;
  const grants = new Int32Array(start[n]!);
  for (let i = 0; i < n; i++) {
    const to = start[i]! + Math.min(count[i]!, SLOTS);
    for (let g = start[i]!, from = i * SLOTS; g < to; g++, from++) grants[g] = rows[from]!;
  }
  if (overflow.length) {
    const more = new Int32Array(n);
    for (let o = 0; o < overflow.length; o += 2) {
      const i = overflow[o]!;
      grants[start[i]! + SLOTS + more[i]!++] = overflow[o + 1]!;
    }
  }
  return { start, grants };
}

/** Places per person in the sweep's rows: more than almost anyone's grant count. */
const SLOTS = 64;
/** The sweep's rows, reused between calls (evaluation is synchronous). */
let rows = new Int32Array(0);

interface SparseBits {
  bits: Uint32Array[];
  /** the non-zero words of policy p's bitset are nonZero[nzStart[p]..nzStart[p + 1]) */
  nzStart: Int32Array;
  nonZero: Int32Array;
  only: Uint32Array | null;
}

/**
 * Every resource in alphabetical order, its grants best first: each person not yet given the
 * resource (nor denied it) who matches the grant's policy gets it, written into their row (or
 * the overflow, as person, grant pairs). `taken` is cleared after each resource through the same
 * non-zero words, so no pass over the whole bitset is needed.
 */
function sweep(
  order: ResolutionOrder,
  sparse: SparseBits,
  words: number,
  count: Int32Array,
  rows: Int32Array,
  overflow: number[],
) {
  const { start, entries, policyOf, denyStart, deny } = order;
  const { bits, nzStart, nonZero, only } = sparse;
  const taken = new Uint32Array(words);
  const resources = start.length - 1;
  for (let r = 0; r < resources; r++) {
    const from = start[r]!;
    const to = start[r + 1]!;
    if (from === to) continue;
    for (let d = denyStart[r]!; d < denyStart[r + 1]!; d++) {
      const p = deny[d]!;
      const b = bits[p]!;
      for (let z = nzStart[p]!; z < nzStart[p + 1]!; z++) taken[nonZero[z]!]! |= b[nonZero[z]!]!;
    }
    for (let e = from; e < to; e++) {
      const p = policyOf[e]!;
      const b = bits[p]!;
      const k = entries[e]!;
      for (let z = nzStart[p]!; z < nzStart[p + 1]!; z++) {
        const w = nonZero[z]!;
        let x = b[w]! & ~taken[w]!;
        if (only !== null) x &= only[w]!;
        if (x === 0) continue;
        taken[w]! |= x;
        const base = w << 5;
        while (x !== 0) {
          const low = x & -x;
          const i = base + 31 - Math.clz32(low);
          const c = count[i]!++;
          if (c < SLOTS) rows[i * SLOTS + c] = k;
          else overflow.push(i, k);
          x ^= low;
        }
      }
    }
    for (let d = denyStart[r]!; d < denyStart[r + 1]!; d++) {
      const p = deny[d]!;
      for (let z = nzStart[p]!; z < nzStart[p + 1]!; z++) taken[nonZero[z]!] = 0;
    }
    for (let e = from; e < to; e++) {
      const p = policyOf[e]!;
      for (let z = nzStart[p]!; z < nzStart[p + 1]!; z++) taken[nonZero[z]!] = 0;
    }
  }
}
