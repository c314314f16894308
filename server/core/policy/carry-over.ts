import type { CompiledPolicySet } from "./compile";
import { beats } from "./resolve";
import type { ExpectedGrant } from "./types";

/**
 * After an edit, most combinations of matched policies resolve as they did before. A set
 * compiled with `previous` (the set it replaces) reuses the previous set's resolved
 * combinations: a combination touching no changed policy is taken as it was; one touching a
 * changed policy keeps every grant except the resources that policy's grants name (before or
 * after the edit), which are resolved again. Only when both sets have the same policies in
 * the same order (an edit, not an addition or removal) is anything carried over.
 */
export interface CarryOver {
  previous: CompiledPolicySet;
  /** policy index → resources whose resolution its edit can move */
  changed: Map<number, Set<string>>;
}

export function carryOverFrom(previous: CompiledPolicySet | undefined, next: CompiledPolicySet): CarryOver | null {
  if (!previous || previous.policies.length !== next.policies.length) return null;
  const changed = new Map<number, Set<string>>();
  for (let i = 0; i < next.policies.length; i++) {
    const a = previous.policies[i]!;
    const b = next.policies[i]!;
    if (a.policy.name !== b.policy.name || a.policy.effect !== b.policy.effect) return null;
    const before = new Map(a.grants.map((g) => [previous.resources[g.resource]!, `${g.level}|${g.viaKey}`]));
    const after = new Map(b.grants.map((g) => [next.resources[g.resource]!, `${g.level}|${g.viaKey}`]));
    const moved = new Set<string>();
    const priorityMoved = a.policy.priority !== b.policy.priority;
    for (const [r, v] of before) if (priorityMoved || after.get(r) !== v) moved.add(r);
    for (const [r, v] of after) if (priorityMoved || before.get(r) !== v) moved.add(r);
    if (moved.size) changed.set(i, moved);
  }
  // Only one generation back is kept: the replaced set no longer needs its own predecessor.
  previous.carry = null;
  return { previous, changed };
}

/** The previous result for a combination, brought up to date; null when the previous set never resolved it. */
export function carriedResult(
  carry: CarryOver,
  set: CompiledPolicySet,
  allow: Int32Array,
  deny: Int32Array,
  lookup: (set: CompiledPolicySet, allow: Int32Array, deny: Int32Array) => readonly ExpectedGrant[] | null,
): ExpectedGrant[] | null {
  const old = lookup(carry.previous, allow, deny);
  if (!old) return null;
  let stale: Set<string> | null = null;
  for (const ids of [allow, deny]) {
    for (let i = 0; i < ids.length; i++) {
      const moved = carry.changed.get(ids[i]!);
      if (moved) for (const r of moved) (stale ??= new Set()).add(r);
    }
  }
  if (!stale) return old as ExpectedGrant[];
  const fresh: ExpectedGrant[] = old.filter((g) => !stale.has(g.resource));
  for (const resource of stale) {
    const r = set.resourceIds.get(resource);
    if (r === undefined) continue;
    if ([...deny].some((d) => set.policies[d]!.grants.some((g) => g.resource === r))) continue;
    let best: { g: (typeof set.policies)[number]["grants"][number]; cp: (typeof set.policies)[number] } | null = null;
    for (let i = 0; i < allow.length; i++) {
      const cp = set.policies[allow[i]!]!;
      const g = cp.grantOf.get(r);
      if (g && (!best || beats(g, cp, best.g, best.cp))) best = { g, cp };
    }
    if (best) fresh.push(best.g.out);
  }
  return fresh.sort((x, y) => (x.resource < y.resource ? -1 : x.resource > y.resource ? 1 : 0));
}
