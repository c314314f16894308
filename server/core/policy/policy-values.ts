import { AliasTable } from "./normalize";
import type { Condition, Policy, PolicyConfig, PolicyIdentity } from "./types";

// Status values are judged by the Active rule itself, not by policies naming them.
const IGNORED = new Set(["employment_status"]);

/**
 * The values policies name for each attribute they match by value (equals, in, not_in): match
 * key (alias-resolved) → the canonical spelling. The vocabulary HR values are checked against.
 */
export function namedPolicyValues(policies: readonly Policy[], aliases: AliasTable): Map<string, Map<string, string>> {
  const named = new Map<string, Map<string, string>>();
  const visit = (c: Condition) => {
    if (c.kind !== "compare") return c.conditions.forEach(visit);
    if (c.op !== "equals" && c.op !== "in" && c.op !== "not_in") return;
    if (IGNORED.has(c.attribute)) return;
    let values = named.get(c.attribute);
    if (!values) named.set(c.attribute, (values = new Map()));
    for (const v of Array.isArray(c.value) ? c.value : [c.value])
      values.set(aliases.key(c.attribute, String(v)), aliases.canonical(c.attribute, String(v)));
  };
  policies.forEach((p) => p.when.forEach(visit));
  return named;
}

export interface PolicyValueUsage {
  attribute: string;
  value: string;
  /** how many identities carry it, directly or through an alias */
  people: number;
}

/** Every value policies name, with how many people have it; a value nobody has is a likely stale or misspelled condition. */
export function policyValueUsage(
  policies: readonly Policy[],
  identities: readonly PolicyIdentity[],
  config: PolicyConfig,
): PolicyValueUsage[] {
  const aliases = new AliasTable(config.aliases);
  const named = namedPolicyValues(policies, aliases);
  const counts = new Map<string, number>();
  for (const i of identities) {
    for (const [attribute, values] of named) {
      const raw = i.attributes[attribute];
      if (typeof raw !== "string" || raw.trim() === "") continue;
      const key = aliases.key(attribute, raw);
      if (values.has(key)) counts.set(`${attribute}\u0000${key}`, (counts.get(`${attribute}\u0000${key}`) ?? 0) + 1);
    }
  }
  return [...named]
    .flatMap(([attribute, values]) =>
      [...values].map(([key, value]) => ({ attribute, value, people: counts.get(`${attribute}\u0000${key}`) ?? 0 })),
    )
    .sort((a, b) => a.attribute.localeCompare(b.attribute) || a.value.localeCompare(b.value));
}
