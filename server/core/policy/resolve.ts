import type { CompiledPolicySet, GrantTable } from "./compile";
import type { ExpectedGrant } from "./types";

/**
 * Resolution: from the policies a person matches to their grants. Each resource goes to the
 * best grant among the matched allow policies (beats), unless a matched deny policy names it;
 * the result is in alphabetical order of resource. evaluate.ts keeps results per combination.
 */

/**
 * Whether grant g (from policy gp) wins over grant h (from hp) for the same resource: higher
 * level, then higher priority, then shorter path, then the path that sorts first. Explain uses
 * the same rule, so both always name the same winner.
 */
type Ranked = { rank: number; via: string[]; viaKey?: string };
export function beats(g: Ranked, gp: { policy: { priority: number } }, h: Ranked, hp: { policy: { priority: number } }): boolean {
  if (g.rank !== h.rank) return g.rank > h.rank;
  if (gp.policy.priority !== hp.policy.priority) return gp.policy.priority > hp.policy.priority;
  if (g.via.length !== h.via.length) return g.via.length < h.via.length;
  return (g.viaKey ?? g.via.join()) < (h.viaKey ?? h.via.join());
}

/** A fresh stamp value for the scratch arrays (stamps, not clearing, mark what a run touched). */
export function nextGeneration(set: CompiledPolicySet): number {
  const s = set.scratch;
  s.generation = (s.generation + 1) >>> 0;
  if (s.generation === 0) {
    s.policyStamp.fill(0);
    s.resourceStamp.fill(0);
    s.denyStamp.fill(0);
    s.matchedStamp.fill(0);
    s.generation = 1;
  }
  return s.generation;
}

/** Insertion sort of the first n entries: n is a few dozen, and nothing is allocated. */
export function sortPrefix(a: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/** The grants for the given (sorted) allow and deny policies: one pass over flat typed arrays. */
export function resolveGrants(set: CompiledPolicySet, allow: Int32Array, deny: Int32Array): ExpectedGrant[] {
  const s = set.scratch;
  const t = set.table;
  const gen = nextGeneration(set);
  const denied = s.denyStamp;
  for (let d = 0; d < deny.length; d++) {
    const grants = set.policies[deny[d]!]!.grants;
    for (let i = 0; i < grants.length; i++) denied[grants[i]!.resource] = gen;
  }
  const matched = s.matchedStamp;
  for (let a = 0; a < allow.length; a++) matched[allow[a]!] = gen;
  let n = 0;
  for (let a = 0; a < allow.length; a++) {
    const p = allow[a]!;
    n = take(t, s, p, t.ownStart[p]!, t.ownEnd[p]!, gen, n);
    const priority = t.priority[p]!;
    for (let k = t.groupFrom[p]!; k < t.groupTo[p]!; k++) {
      const owner = t.groupOwner[k]!;
      // The named policy matched as well: its own copy of these grants (shorter path) wins
      // unless this policy's priority is higher, so they need not be looked at.
      if (matched[owner] === gen && priority <= t.priority[owner]!) continue;
      n = take(t, s, p, t.groupStart[k]!, t.groupEnd[k]!, gen, n);
    }
  }
  // Out in alphabetical order of resource: the winners' ranks are marked in a bitmap (one bit
  // per resource), read back word by word, and the bitmap left clear for the next run.
  const ranks = s.ranks;
  const bits = s.rankBits;
  for (let i = 0; i < n; i++) bits[ranks[i]! >>> 5]! |= 1 << (ranks[i]! & 31);
  const byRank = set.resourceByRank;
  const out: ExpectedGrant[] = [];
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!;
    if (x === 0) continue;
    bits[w] = 0;
    while (x !== 0) {
      const low = x & -x;
      out.push(t.out[s.winner[byRank[(w << 5) + 31 - Math.clz32(low)]!]!]!);
      x ^= low;
    }
  }
  return out;
}

/** Offers grants from..to of policy p for the winner of each resource; returns how many resources are taken. */
function take(t: GrantTable, s: CompiledPolicySet["scratch"], p: number, from: number, to: number, gen: number, n: number): number {
  const { resourceStamp, denyStamp, winner, winnerPolicy, ranks } = s;
  for (let k = from; k < to; k++) {
    const r = t.resource[k]!;
    if (denyStamp[r] === gen) continue;
    if (resourceStamp[r] !== gen) {
      resourceStamp[r] = gen;
      winner[r] = k;
      winnerPolicy[r] = p;
      ranks[n++] = t.order[k]!;
    } else if (wins(t, k, p, winner[r]!, winnerPolicy[r]!)) {
      winner[r] = k;
      winnerPolicy[r] = p;
    }
  }
  return n;
}

/** beats(), on the table: higher level, then priority, then shorter path, then the path sorting first. */
function wins(t: GrantTable, k: number, p: number, j: number, q: number): boolean {
  if (t.rank[k] !== t.rank[j]) return t.rank[k]! > t.rank[j]!;
  if (t.priority[p] !== t.priority[q]) return t.priority[p]! > t.priority[q]!;
  if (t.viaLength[k] !== t.viaLength[j]) return t.viaLength[k]! < t.viaLength[j]!;
  return t.viaKey[k]! < t.viaKey[j]!;
}
