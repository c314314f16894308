import type { CompiledPolicy, CompiledPolicySet, MemoEntry } from "./compile";
import type { Bucket, PolicyIndex } from "./policy-index";
import { evaluatePopulation } from "./population";
import { prepareIdentity, type PreparedIdentity } from "./prepare";
import { carriedResult } from "./carry-over";
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
  return evaluatePrepared(set, prepareIdentity(set.layout, identity, at));
}

const NOTHING: readonly ExpectedGrant[] = Object.freeze([]);

/**
 * A person's expected access depends only on which allow and deny policies they match, and
 * many people match the same ones: the resolved grants are kept per combination (shared,
 * frozen arrays), so most people cost a match and a lookup.
 */
export function evaluatePrepared(set: CompiledPolicySet, p: PreparedIdentity): ExpectedGrant[] {
  if (!p.active) return NOTHING as ExpectedGrant[];
  const gen = nextGeneration(set);
  const s = set.scratch;
  const na = matchInto(set, set.allow, p, gen, s.allowIds);
  const nd = matchInto(set, set.deny, p, gen, s.denyIds);
  sortPrefix(s.allowIds, na);
  sortPrefix(s.denyIds, nd);
  return resolveMatched(set, s.allowIds, 0, na, s.denyIds, 0, nd);
}

/**
 * The grants for a combination of matched policies, given as sorted ranges of policy indices:
 * from the memo, or resolved and remembered.
 */
export function resolveMatched(
  set: CompiledPolicySet,
  allowIds: Int32Array,
  aFrom: number,
  aTo: number,
  denyIds: Int32Array,
  dFrom: number,
  dTo: number,
): ExpectedGrant[] {
  const h = comboHash(allowIds, aFrom, aTo, denyIds, dFrom, dTo);
  const memo = set.memo;
  const found = memo.byHash.get(h);
  if (found !== undefined) {
    if (Array.isArray(found)) {
      for (const e of found) if (sameKey(e.key, allowIds, aFrom, aTo, denyIds, dFrom, dTo)) return e.result as ExpectedGrant[];
    } else if (sameKey(found.key, allowIds, aFrom, aTo, denyIds, dFrom, dTo)) return found.result as ExpectedGrant[];
  }
  const allow = allowIds.slice(aFrom, aTo);
  const deny = denyIds.slice(dFrom, dTo);
  const carried = set.carry ? carriedResult(set.carry, set, allow, deny, memoLookup) : null;
  const result = Object.freeze(carried ?? resolveGrants(set, allow, deny)) as ExpectedGrant[];
  if (memo.size >= MEMO_LIMIT) clearEvaluationMemo(set);
  const key = new Int32Array(1 + allow.length + deny.length);
  key[0] = allow.length;
  key.set(allow, 1);
  key.set(deny, 1 + allow.length);
  const entry: MemoEntry = { key, result };
  const again = memo.byHash.get(h);
  if (again === undefined) memo.byHash.set(h, entry);
  else if (Array.isArray(again)) again.push(entry);
  else memo.byHash.set(h, [again, entry]);
  memo.size++;
  return result;
}

function comboHash(allowIds: Int32Array, aFrom: number, aTo: number, denyIds: Int32Array, dFrom: number, dTo: number): number {
  let h = 2166136261 ^ (aTo - aFrom);
  for (let i = aFrom; i < aTo; i++) h = Math.imul(h ^ allowIds[i]!, 16777619);
  h = Math.imul(h ^ 0x9e3779b9, 16777619);
  for (let i = dFrom; i < dTo; i++) h = Math.imul(h ^ denyIds[i]!, 16777619);
  return h;
}

function sameKey(key: Int32Array, allowIds: Int32Array, aFrom: number, aTo: number, denyIds: Int32Array, dFrom: number, dTo: number): boolean {
  const na = aTo - aFrom;
  if (key[0] !== na || key.length !== 1 + na + (dTo - dFrom)) return false;
  for (let i = 0; i < na; i++) if (key[1 + i] !== allowIds[aFrom + i]) return false;
  for (let i = 0; i < dTo - dFrom; i++) if (key[1 + na + i] !== denyIds[dFrom + i]) return false;
  return true;
}

const MEMO_LIMIT = 200_000;

/** A combination's result in a set's memo, if it was resolved there. */
function memoLookup(set: CompiledPolicySet, allow: Int32Array, deny: Int32Array): readonly ExpectedGrant[] | null {
  const found = set.memo.byHash.get(comboHash(allow, 0, allow.length, deny, 0, deny.length));
  for (const e of found === undefined ? [] : Array.isArray(found) ? found : [found]) {
    if (sameKey(e.key, allow, 0, allow.length, deny, 0, deny.length)) return e.result;
  }
  return null;
}

/** Forgets every resolved combination (benchmarks measure evaluation from cold with it). */
export function clearEvaluationMemo(set: CompiledPolicySet): void {
  set.memo.byHash.clear();
  set.memo.size = 0;
}


/** The allow and deny policies whose conditions the person meets, found through the index. */
export function matchedPolicies(set: CompiledPolicySet, p: PreparedIdentity): { allowed: CompiledPolicy[]; denied: CompiledPolicy[] } {
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
function matchInto(set: CompiledPolicySet, index: PolicyIndex, p: PreparedIdentity, gen: number, out: Int32Array): number {
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
      for (const x of ci.policies) if (stamp[x.cp.index] !== gen && x.cp.match(p)) {
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

function considerIndexed(bucket: Bucket, stamp: Uint32Array, gen: number, p: PreparedIdentity, out: Int32Array, n: number): number {
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

/** Every identity at once, through the population evaluator (population.ts): the fast path for many people. */
export function evaluateAll(set: CompiledPolicySet, identities: readonly PolicyIdentity[], at: Date): Map<string, ExpectedGrant[]> {
  const results = evaluatePopulation(set, identities, at);
  const out = new Map<string, ExpectedGrant[]>();
  for (let i = 0; i < identities.length; i++) out.set(identities[i]!.id, results[i]!);
  return out;
}
