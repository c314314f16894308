import type { CompiledPolicySet } from "./compile";
import { evaluateIdentity, matchedPolicies } from "./evaluate";
import { prepareIdentity } from "./prepare";
import type { ExpectedGrant, PolicyIdentity } from "./types";

export interface GrantDelta {
  added: ExpectedGrant[];
  removed: ExpectedGrant[];
  /** same resource, another level */
  changed: { resource: string; from: string | null; to: string | null; via: string[] }[];
}

/** What changes between two lists of expected grants for one person. */
export function diffGrants(before: readonly ExpectedGrant[], after: readonly ExpectedGrant[]): GrantDelta {
  const old = new Map(before.map((g) => [g.resource, g]));
  const now = new Map(after.map((g) => [g.resource, g]));
  const delta: GrantDelta = { added: [], removed: [], changed: [] };
  for (const g of after) {
    const o = old.get(g.resource);
    if (!o) delta.added.push(g);
    else if (o.level !== g.level) delta.changed.push({ resource: g.resource, from: o.level, to: g.level, via: g.via });
  }
  for (const g of before) if (!now.has(g.resource)) delta.removed.push(g);
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
  const reach = options.changedPolicies ? affectedPolicyNames(before, after, options.changedPolicies) : null;
  const people: ImpactPreview["people"] = [];
  let evaluated = 0;
  for (const identity of identities) {
    if (reach && !reachedBy(before, identity, at, reach) && !reachedBy(after, identity, at, reach)) continue;
    evaluated++;
    const delta = diffGrants(evaluateIdentity(before, identity, at), evaluateIdentity(after, identity, at));
    if (!isEmptyDelta(delta)) people.push({ identity: identity.id, delta });
  }
  return {
    people,
    evaluated,
    gains: people.reduce((n, p) => n + p.delta.added.length, 0),
    losses: people.reduce((n, p) => n + p.delta.removed.length, 0),
    levelChanges: people.reduce((n, p) => n + p.delta.changed.length, 0),
  };
}

/** The edited policies and every policy that inherits one of them, in either version. */
export function affectedPolicyNames(before: CompiledPolicySet, after: CompiledPolicySet, changed: readonly string[]): Set<string> {
  const names = new Set(changed);
  for (const set of [before, after]) for (const c of changed) for (const n of set.inheritedBy.get(c) ?? []) names.add(n);
  return names;
}

function reachedBy(set: CompiledPolicySet, identity: PolicyIdentity, at: Date, names: Set<string>): boolean {
  const p = prepareIdentity(set.layout, identity, at);
  if (!p.active) return false;
  for (const name of names) {
    const cp = set.byName.get(name);
    if (cp?.match(p)) return true;
  }
  return false;
}

/** The policies a person matches, by name (for "people matched" counts and what-if views). */
export function matchedPolicyNames(set: CompiledPolicySet, identity: PolicyIdentity, at: Date): string[] {
  const p = prepareIdentity(set.layout, identity, at);
  if (!p.active) return [];
  const { allowed, denied } = matchedPolicies(set, p);
  return [...allowed, ...denied].map((c) => c.policy.name).sort();
}
