import type { CompiledPolicy, CompiledPolicySet } from "./compile";
import type { Bucket, PolicyIndex } from "./policy-index";
import { evaluatePopulation } from "./population-resolve";
import type { EvaluatedGrants } from "./results";
import { prepareIdentity, type PreparedIdentity } from "./prepare";
import { comboHash } from "./memo";
import { nextGeneration, resolveGrants, sortPrefix } from "./resolve";

export { beats } from "./resolve";
import type { ExpectedGrant, PolicyIdentity } from "./types";

/**
 * Expected access from policy (DESIGN.md, seed 001's calculate_expected_access):
 * an identity that is not Active gets nothing; matched allow policies grant their own and
 * their inherited grants; matched deny policies take grants away whatever gave them; between
 * allows of one resource the higher level wins, then the higher priority, then the shorter path.
 */
export function evaluateIdentity(set: CompiledPolicySet, identity: PolicyIdentity, at: Date): ExpectedGrant[] {
  const p = (set.scratch.prepared = prepareIdentity(set.layout, identity, at, set.scratch.prepared));
  return evaluatePrepared(set, p);
}

/**
 * A person's expected access depends only on which allow and deny policies they match, and
 * people who match the same ones share one resolution (the set's memo, memo.ts).
 */
export function evaluatePrepared(set: CompiledPolicySet, p: PreparedIdentity): ExpectedGrant[] {
  return grantsFromTable(set, set.scratch.result, 0, resolvePrepared(set, p));
}

/** evaluatePrepared, packed: the grants are left in set.scratch.result (grant-table indices); returns how many. */
export function resolvePrepared(set: CompiledPolicySet, p: PreparedIdentity): number {
  if (!p.active) return 0;
  const gen = nextGeneration(set);
  const s = set.scratch;
  const na = matchInto(set, set.allow, p, gen, s.allowIds);
  const nd = matchInto(set, set.deny, p, gen, s.denyIds);
  sortPrefix(s.allowIds, na);
  sortPrefix(s.denyIds, nd);
  return resolveMatched(set, s.allowIds, 0, na, s.denyIds, 0, nd);
}

/** Grant-table indices as the grants they stand for (shared, frozen objects). */
function grantsFromTable(set: CompiledPolicySet, ks: Int32Array, from: number, to: number): ExpectedGrant[] {
  const out = set.table.out;
  const grants = new Array<ExpectedGrant>(to - from);
  for (let i = from; i < to; i++) grants[i - from] = out[ks[i]!]!;
  return grants;
}

/**
 * The grants for a combination of matched policies, given as sorted ranges of policy indices:
 * from the memo, or resolved and remembered.
 * They are left in set.scratch.result (grant-table indices, in resource order); returns how many.
 */
export function resolveMatched(
  set: CompiledPolicySet,
  allowIds: Int32Array,
  aFrom: number,
  aTo: number,
  denyIds: Int32Array,
  dFrom: number,
  dTo: number,
): number {
  const h = comboHash(allowIds, aFrom, aTo, denyIds, dFrom, dTo);
  const memo = set.memo;
  const result = set.scratch.result;
  const e = memo.find(h, allowIds, aFrom, aTo, denyIds, dFrom, dTo);
  if (e >= 0) return memo.copyResult(e, result);
  const n = resolveGrants(set, allowIds, aFrom, aTo, denyIds, dFrom, dTo, result);
  memo.add(h, allowIds, aFrom, aTo, denyIds, dFrom, dTo, result, n);
  return n;
}

/** Forgets every resolved combination (benchmarks measure evaluation from cold with it). */
export function clearEvaluationMemo(set: CompiledPolicySet): void {
  set.memo.clear();
}

/** The allow and deny policies whose conditions the person meets, found through the index. */
export function matchedPolicies(
  set: CompiledPolicySet,
  p: PreparedIdentity,
): { allowed: CompiledPolicy[]; denied: CompiledPolicy[] } {
  const gen = nextGeneration(set);
  const s = set.scratch;
  const na = matchInto(set, set.allow, p, gen, s.allowIds);
  const nd = matchInto(set, set.deny, p, gen, s.denyIds);
  return {
    allowed: Array.from(s.allowIds.subarray(0, na), (i) => set.policies[i]!),
    denied: Array.from(s.denyIds.subarray(0, nd), (i) => set.policies[i]!),
  };
}

/**
 * Writes the indices of the index's policies the person matches into `out` (from `n`);
 * returns the new count. Policies found through an index key only check what the key did
 * not already prove (their residual conditions). Plain loops: this is the hot path.
 */
function matchInto(
  set: CompiledPolicySet,
  index: PolicyIndex,
  p: PreparedIdentity,
  gen: number,
  out: Int32Array,
): number {
  const stamp = set.scratch.policyStamp;
  let n = 0;
  const buckets = index.bucketList;
  for (let b = 0; b < buckets.length; b++) {
    const entry = buckets[b]!;
    const slot = entry[0];
    const byKey = entry[1];
    const t = p.text[slot];
    if (t != null) {
      const list = byKey.get(t);
      if (list !== undefined) n = considerIndexed(list, stamp, gen, p, out, n);
    } else {
      const l = p.lists[slot];
      if (l !== null && l !== undefined) {
        for (const v of l) {
          const list = byKey.get(v);
          if (list !== undefined) n = considerIndexed(list, stamp, gen, p, out, n);
        }
      }
    }
  }
  const contains = index.contains;
  for (let c = 0; c < contains.length; c++) {
    const ci = contains[c]!;
    const t = p.text[ci.slot];
    if (t != null) {
      let hits = ci.seen.get(t);
      if (hits === undefined) {
        hits = Int32Array.from(ci.policies.flatMap((x, i) => (t.includes(x.needle) ? [i] : [])));
        if (ci.seen.size < 50_000) ci.seen.set(t, hits);
      }
      for (let i = 0; i < hits.length; i++) {
        const cp = ci.policies[hits[i]!]!.cp;
        if (stamp[cp.index] === gen) continue;
        stamp[cp.index] = gen;
        if (cp.residual(p)) out[n++] = cp.index;
      }
    } else if (p.lists[ci.slot] != null) {
      // A list where text was expected: check these policies in full.
      for (const x of ci.policies)
        if (stamp[x.cp.index] !== gen && x.cp.match(p)) {
          stamp[x.cp.index] = gen;
          out[n++] = x.cp.index;
        }
    }
  }
  const rest = index.unindexed;
  for (let i = 0; i < rest.length; i++) {
    const cp = rest[i]!;
    if (cp.match(p)) out[n++] = cp.index;
  }
  return n;
}

function considerIndexed(
  bucket: Bucket,
  stamp: Uint32Array,
  gen: number,
  p: PreparedIdentity,
  out: Int32Array,
  n: number,
): number {
  const sure = bucket.sure;
  for (let i = 0; i < sure.length; i++) {
    const id = sure[i]!;
    if (stamp[id] === gen) continue;
    stamp[id] = gen;
    out[n++] = id;
  }
  const list = bucket.check;
  for (let i = 0; i < list.length; i++) {
    const cp = list[i]!;
    if (stamp[cp.index] === gen) continue;
    stamp[cp.index] = gen;
    if (cp.residual(p)) out[n++] = cp.index;
  }
  return n;
}

/** Every identity at once, through the population evaluator (population-resolve.ts): the fast path for many people, results packed. */
export function evaluateAll(set: CompiledPolicySet, identities: readonly PolicyIdentity[], at: Date): EvaluatedGrants {
  return evaluatePopulation(set, identities, at);
}
