import type { CompiledPolicySet } from "./compile";
import { matchedPolicies } from "./evaluate";
import { evaluateWithin, policyBits, preparePopulation, sameLayout } from "./population";
import { prepareIdentity } from "./prepare";
import type { ExpectedGrant, PolicyIdentity } from "./types";

export interface GrantDelta {
  added: ExpectedGrant[];
  removed: ExpectedGrant[];
  /** same resource, another level */
  changed: { resource: string; from: string | null; to: string | null; via: string[] }[];
}

/**
 * What changes between two lists of expected grants for one person. Both lists are in
 * alphabetical order of resource (as evaluation returns them), so one merge pass finds it; the
 * same list twice (a result shared through the memo) costs nothing.
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
  /** people whose expected access changes, with how */
  people: { identity: string; delta: GrantDelta }[];
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
  options: { changedPolicies?: readonly string[] } = {},
): ImpactPreview {
  const popBefore = preparePopulation(before, identities, at);
  const popAfter = sameLayout(before, after) ? popBefore : preparePopulation(after, identities, at);
  let only: Uint32Array | undefined;
  if (options.changedPolicies) {
    // Only people a changed policy (or one inheriting it) matches, before or after, can move.
    const reach = affectedPolicyNames(before, after, options.changedPolicies);
    only = new Uint32Array(popBefore.words);
    const cache = new Map<string, Uint32Array>();
    const cacheAfter = popAfter === popBefore ? cache : new Map<string, Uint32Array>();
    for (const name of reach) {
      const b = before.byName.get(name);
      if (b) orInto(only, policyBits(before, popBefore, b, cache));
      const a = after.byName.get(name);
      if (a) orInto(only, policyBits(after, popAfter, a, cacheAfter));
    }
  }
  const old = evaluateWithin(before, popBefore, only);
  const now = evaluateWithin(after, popAfter, only);
  const people: ImpactPreview["people"] = [];
  let evaluated = 0;
  for (let i = 0; i < identities.length; i++) {
    if (old[i] === undefined) continue;
    evaluated++;
    const delta = diffGrants(old[i]!, now[i]!);
    if (!isEmptyDelta(delta)) people.push({ identity: identities[i]!.id, delta });
  }
  return {
    people,
    evaluated,
    gains: people.reduce((n, p) => n + p.delta.added.length, 0),
    losses: people.reduce((n, p) => n + p.delta.removed.length, 0),
    levelChanges: people.reduce((n, p) => n + p.delta.changed.length, 0),
  };
}

function orInto(into: Uint32Array, bits: Uint32Array) {
  for (let w = 0; w < into.length; w++) into[w]! |= bits[w]!;
}

/** The edited policies and every policy that inherits one of them, in either version. */
export function affectedPolicyNames(before: CompiledPolicySet, after: CompiledPolicySet, changed: readonly string[]): Set<string> {
  const names = new Set(changed);
  for (const set of [before, after]) for (const c of changed) for (const n of set.inheritedBy.get(c) ?? []) names.add(n);
  return names;
}

/** The policies a person matches, by name (for "people matched" counts and what-if views). */
export function matchedPolicyNames(set: CompiledPolicySet, identity: PolicyIdentity, at: Date): string[] {
  const p = prepareIdentity(set.layout, identity, at);
  if (!p.active) return [];
  const { allowed, denied } = matchedPolicies(set, p);
  return [...allowed, ...denied].map((c) => c.policy.name).sort();
}
