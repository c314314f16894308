import type { CompiledPolicySet } from "./compile";
import { matchedPolicies, resolvePrepared } from "./evaluate";
import { POPULATION_BLOCK, preparePopulation, sameLayout, type Population } from "./population";
import { policyBits } from "./population-bits";
import { evaluateWithin } from "./population-resolve";
import { prepareIdentity, type PreparedIdentity } from "./prepare";
import { packedComparison, type GrantDelta } from "./results";
import type { ExpectedGrant, PolicyIdentity } from "./types";

export type { GrantDelta };

/**
 * What changes between two lists of expected grants for one person. Both lists are in
 * alphabetical order of resource (as evaluation returns them), so one merge pass finds it; the
 * same list twice costs nothing.
 */
export function diffGrants(before: readonly ExpectedGrant[], after: readonly ExpectedGrant[]): GrantDelta {
  const delta: GrantDelta = { added: [], removed: [], changed: [] };
  if (before === after) return delta;
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const b = before[i];
    const a = after[j];
    if (a === undefined || (b !== undefined && b.resource < a.resource)) {
      delta.removed.push(b!);
      i++;
    } else if (b === undefined || a.resource < b.resource) {
      delta.added.push(a);
      j++;
    } else {
      if (b.level !== a.level) delta.changed.push({ resource: a.resource, from: b.level, to: a.level, via: a.via });
      i++;
      j++;
    }
  }
  return delta;
}

export const isEmptyDelta = (d: GrantDelta) => d.added.length + d.removed.length + d.changed.length === 0;

export interface ImpactPreview {
  /** people whose expected access changes, with how (the first `limit` of them) */
  people: { identity: string; delta: GrantDelta }[];
  /** how many people's expected access changes (all of them, whatever the limit) */
  changedPeople: number;
  /** how many people were evaluated (all, or those an edited policy can reach) */
  evaluated: number;
  gains: number;
  losses: number;
  levelChanges: number;
}

/**
 * Who gains and who loses which grant if `after` replaces `before` (seed 002, "dry-run
 * preview"). With `changedPolicies`, only people that a changed policy (or a policy inheriting
 * it) matches before or after are evaluated: nobody else's access can move.
 */
export function previewImpact(
  before: CompiledPolicySet,
  after: CompiledPolicySet,
  identities: readonly PolicyIdentity[],
  at: Date,
  options: { changedPolicies?: readonly string[]; limit?: number } = {},
): ImpactPreview {
  const shared = sameLayout(before, after);
  const reach = options.changedPolicies ? affectedPolicyNames(before, after, options.changedPolicies) : null;
  const compare = packedComparison(before, after);
  const limit = options.limit ?? Infinity;
  const people: ImpactPreview["people"] = [];
  let evaluated = 0;
  const totals = { changedPeople: 0, gains: 0, losses: 0, levelChanges: 0 };
  const record = (identity: string, delta: GrantDelta) => {
    totals.changedPeople++;
    totals.gains += delta.added.length;
    totals.losses += delta.removed.length;
    totals.levelChanges += delta.changed.length;
    if (people.length < limit) people.push({ identity, delta });
  };
  // Block by block, so only one block's prepared people and results are alive at a time.
  for (let from = 0; from < identities.length; from += POPULATION_BLOCK) {
    const block = identities.length <= POPULATION_BLOCK ? identities : identities.slice(from, from + POPULATION_BLOCK);
    const popBefore = preparePopulation(before, block, at);
    const popAfter = shared ? popBefore : preparePopulation(after, block, at);
    const only = reach ? reachedBy(reach, before, popBefore, after, popAfter) : undefined;
    if (only && countBits(only) * 8 < block.length) {
      // A few people: one by one through the index costs less than the whole block's bitsets.
      let pb: PreparedIdentity | undefined;
      let pa: PreparedIdentity | undefined;
      for (let i = 0; i < block.length; i++) {
        if (!((only[i >>> 5]! >>> (i & 31)) & 1)) continue;
        evaluated++;
        pb = prepareIdentity(before.layout, block[i]!, at, pb);
        const nb = resolvePrepared(before, pb);
        pa = shared ? pb : prepareIdentity(after.layout, block[i]!, at, pa);
        const na = resolvePrepared(after, pa);
        const delta = compare(before.scratch.result, 0, nb, after.scratch.result, 0, na);
        if (delta) record(block[i]!.id, delta);
      }
    } else {
      const old = evaluateWithin(before, popBefore, only);
      const now = evaluateWithin(after, popAfter, only);
      for (let i = 0; i < block.length; i++) {
        if (only && !((only[i >>> 5]! >>> (i & 31)) & 1)) continue;
        evaluated++;
        const delta = compare(
          old.grants,
          old.start[i]!,
          old.start[i + 1]!,
          now.grants,
          now.start[i]!,
          now.start[i + 1]!,
        );
        if (delta) record(block[i]!.id, delta);
      }
    }
  }
  return { people, evaluated, ...totals };
}

/** Only people a changed policy (or one inheriting it) matches, before or after, can move. */
function reachedBy(
  reach: Set<string>,
  before: CompiledPolicySet,
  popBefore: Population,
  after: CompiledPolicySet,
  popAfter: Population,
): Uint32Array {
  const only = new Uint32Array(popBefore.words);
  for (const name of reach) {
    const b = before.byName.get(name);
    if (b) orInto(only, policyBits(before, popBefore, b));
    const a = after.byName.get(name);
    if (a) orInto(only, policyBits(after, popAfter, a));
  }
  return only;
}

function countBits(bits: Uint32Array): number {
  let n = 0;
  for (let w = 0; w < bits.length; w++) {
    let x = bits[w]!;
    while (x !== 0) {
      x &= x - 1;
      n++;
    }
  }
  return n;
}

function orInto(into: Uint32Array, bits: Uint32Array) {
  for (let w = 0; w < into.length; w++) into[w]! |= bits[w]!;
}

/** The edited policies and every policy that inherits one of them, in either version. */
export function affectedPolicyNames(
  before: CompiledPolicySet,
  after: CompiledPolicySet,
  changed: readonly string[],
): Set<string> {
  const names = new Set(changed);
  for (const set of [before, after])
    for (const c of changed) for (const n of set.inheritedBy.get(c) ?? []) names.add(n);
  return names;
}

/** The policies a person matches, by name (for "people matched" counts and what-if views). */
export function matchedPolicyNames(set: CompiledPolicySet, identity: PolicyIdentity, at: Date): string[] {
  const p = prepareIdentity(set.layout, identity, at);
  if (!p.active) return [];
  const { allowed, denied } = matchedPolicies(set, p);
  return [...allowed, ...denied].map((c) => c.policy.name).sort();
}
