import { AliasTable, matchKey } from "./normalize";
import { namedPolicyValues } from "./policy-values";
import type { Policy, PolicyConfig, PolicyIdentity } from "./types";

export interface UnknownValue {
  attribute: string;
  value: string;
  /** how many identities carry it */
  people: number;
  /** a value policies do name that this one resembles ("Product Eng" → "Engineering"), if any */
  looksLike: string | null;
}

const tokens = (v: string) => matchKey(v).split(/[^a-z0-9]+/).filter((t) => t.length > 0);

/** A named value this one resembles: a shared word, or one word the start of the other (eng/engineering). */
function resemblance(value: string, named: Map<string, string>): string | null {
  const mine = tokens(value);
  for (const [key, display] of named) {
    const theirs = tokens(key);
    const close = mine.some((a) => theirs.some((b) => a === b || (a.length >= 3 && b.startsWith(a)) || (b.length >= 3 && a.startsWith(b))));
    if (close) return display;
  }
  return null;
}

/**
 * HR values that neither a policy names nor an alias maps, for the attributes policies match
 * on ("Product Eng" while policies say "Engineering"): the people behind them are likely to
 * miss access they should have. Fix by adding an alias or correcting the HR record.
 */
export function unknownValues(policies: readonly Policy[], identities: readonly PolicyIdentity[], config: PolicyConfig): UnknownValue[] {
  const aliases = new AliasTable(config.aliases);
  const named = namedPolicyValues(policies, aliases);

  const counts = new Map<string, UnknownValue>();
  for (const i of identities) {
    for (const [attribute, knownValues] of named) {
      const raw = i.attributes[attribute];
      if (typeof raw !== "string" || raw.trim() === "") continue;
      if (knownValues.has(aliases.key(attribute, raw))) continue;
      const key = `${attribute}\u0000${matchKey(raw)}`;
      const entry = counts.get(key) ?? { attribute, value: raw.trim(), people: 0, looksLike: resemblance(raw, knownValues) };
      entry.people++;
      counts.set(key, entry);
    }
  }
  // Values resembling a named one are the likely mistakes: they come first.
  return [...counts.values()].sort(
    (a, b) => Number(b.looksLike !== null) - Number(a.looksLike !== null) || b.people - a.people || a.attribute.localeCompare(b.attribute) || a.value.localeCompare(b.value),
  );
}
