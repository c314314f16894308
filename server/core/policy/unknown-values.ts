import { AliasTable, matchKey } from "./normalize";
import type { Condition, Policy, PolicyConfig, PolicyIdentity } from "./types";

export interface UnknownValue {
  attribute: string;
  value: string;
  /** how many identities carry it */
  people: number;
}

/**
 * HR values that neither a policy names nor an alias maps, for the attributes policies match
 * on ("Product Eng" while policies say "Engineering"): the people behind them are likely to
 * miss access they should have. Fix by adding an alias or correcting the HR record.
 */
export function unknownValues(policies: readonly Policy[], identities: readonly PolicyIdentity[], config: PolicyConfig): UnknownValue[] {
  const aliases = new AliasTable(config.aliases);
  const named = new Map<string, Set<string>>();
  const visit = (c: Condition) => {
    if (c.kind !== "compare") return c.conditions.forEach(visit);
    if (c.op !== "equals" && c.op !== "in" && c.op !== "not_in") return;
    let set = named.get(c.attribute);
    if (!set) named.set(c.attribute, (set = new Set()));
    for (const v of Array.isArray(c.value) ? c.value : [c.value]) set.add(aliases.key(c.attribute, String(v)));
  };
  policies.forEach((p) => p.when.forEach(visit));

  const counts = new Map<string, UnknownValue>();
  for (const i of identities) {
    for (const [attribute, knownValues] of named) {
      const raw = i.attributes[attribute];
      if (typeof raw !== "string" || raw.trim() === "") continue;
      if (knownValues.has(aliases.key(attribute, raw))) continue;
      const key = `${attribute}\u0000${matchKey(raw)}`;
      const entry = counts.get(key) ?? { attribute, value: raw.trim(), people: 0 };
      entry.people++;
      counts.set(key, entry);
    }
  }
  return [...counts.values()].sort((a, b) => a.attribute.localeCompare(b.attribute) || b.people - a.people || a.value.localeCompare(b.value));
}
