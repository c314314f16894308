import type { CompiledPolicySet } from "./compile";

export interface Coverage {
  /** resources in the catalog that no allow policy grants, directly or by inheritance */
  resourcesWithoutPolicy: string[];
  /** held access (person, resource) that policy explains, out of all held access */
  explained: number;
  held: number;
  /** explained / held, 0..1; null when nothing is held */
  share: number | null;
}

/**
 * Policy coverage (seed 001, phase 4: "94% of access is defined by policy"): which resources
 * no policy hands out, and how much of the access people actually hold policy accounts for.
 */
export function policyCoverage(
  set: CompiledPolicySet,
  catalog: readonly string[],
  held: readonly { identity: string; resource: string }[] = [],
  expected: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
): Coverage {
  const granted = new Set<string>();
  for (const cp of set.policies)
    if (cp.policy.effect === "allow") for (const g of cp.grants) granted.add(set.resources[g.resource]!);
  const explained = held.filter((h) => expected.get(h.identity)?.has(h.resource)).length;
  return {
    resourcesWithoutPolicy: catalog.filter((r) => !granted.has(r)).sort(),
    explained,
    held: held.length,
    share: held.length ? explained / held.length : null,
  };
}
