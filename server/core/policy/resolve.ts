import type { CompiledPolicySet } from "./compile";

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
export function beats(
  g: Ranked,
  gp: { policy: { priority: number } },
  h: Ranked,
  hp: { policy: { priority: number } },
): boolean {
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

/**
 * The grants for the given (sorted) allow and deny policies, allow[aFrom..aTo) and
 * deny[dFrom..dTo): one pass over flat typed arrays. Writes the winning grant-table indices into
 * `out` in alphabetical order of resource and returns how many. This is the hot loop of every
 * evaluation, so it is written flat: no calls, no allocation.
 */
export function resolveGrants(
  set: CompiledPolicySet,
  allow: Int32Array,
  aFrom: number,
  aTo: number,
  deny: Int32Array,
  dFrom: number,
  dTo: number,
  out: Int32Array,
): number {
  const s = set.scratch;
  const t = set.table;
  const gen = nextGeneration(set);
  const denied = s.denyStamp;
  for (let d = dFrom; d < dTo; d++) {
    const grants = set.policies[deny[d]!]!.grants;
    for (let i = 0; i < grants.length; i++) denied[grants[i]!.resource] = gen;
  }
  const matched = s.matchedStamp;
  for (let a = aFrom; a < aTo; a++) matched[allow[a]!] = gen;
  const taken = s.resourceStamp;
  const winner = s.winner;
  const winnerPolicy = s.winnerPolicy;
  const bits = s.rankBits;
  const resource = t.resource;
  const order = t.order;
  const rank = t.rank;
  const priority = t.priority;
  const viaLength = t.viaLength;
  const groupOwner = t.groupOwner;
  const groupStart = t.groupStart;
  const groupEnd = t.groupEnd;
  const ownStart = t.ownStart;
  const ownEnd = t.ownEnd;
  const groupFrom = t.groupFrom;
  const groupTo = t.groupTo;
  const viaOrder = t.viaOrder;
  for (let a = aFrom; a < aTo; a++) {
    const p = allow[a]!;
    const pp = priority[p]!;
    // Policy p's own grants, then each group it inherits, except groups whose named policy
    // matched as well: that policy's own copy (shorter path) wins unless p's priority is higher.
    let k = ownStart[p]!;
    let end = ownEnd[p]!;
    let g = groupFrom[p]!;
    const gTo = groupTo[p]!;
    for (;;) {
      for (; k < end; k++) {
        const r = resource[k]!;
        if (denied[r] === gen) continue;
        if (taken[r] !== gen) {
          taken[r] = gen;
          winner[r] = k;
          winnerPolicy[r] = p;
          const o = order[k]!;
          bits[o >>> 5]! |= 1 << (o & 31);
          continue;
        }
        // beats(): higher level, then priority, then shorter path, then the path sorting first
        const j = winner[r]!;
        const q = winnerPolicy[r]!;
        if (rank[k]! !== rank[j]!) {
          if (rank[k]! < rank[j]!) continue;
        } else if (pp !== priority[q]!) {
          if (pp < priority[q]!) continue;
        } else if (viaLength[k]! !== viaLength[j]!) {
          if (viaLength[k]! > viaLength[j]!) continue;
        } else if (viaOrder[k]! >= viaOrder[j]!) continue;
        winner[r] = k;
        winnerPolicy[r] = p;
      }
      while (g < gTo) {
        const owner = groupOwner[g]!;
        if (matched[owner] === gen && pp <= priority[owner]!) g++;
        else break;
      }
      if (g >= gTo) break;
      k = groupStart[g]!;
      end = groupEnd[g]!;
      g++;
    }
  }
  // Out in alphabetical order of resource: the winners' ranks were marked in a bitmap (one bit
  // per resource); read back word by word, leaving the bitmap clear for the next run.
  const byRank = set.resourceByRank;
  let n = 0;
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!;
    if (x === 0) continue;
    bits[w] = 0;
    while (x !== 0) {
      const low = x & -x;
      out[n++] = winner[byRank[(w << 5) + 31 - Math.clz32(low)]!]!;
      x ^= low;
    }
  }
  return n;
}
