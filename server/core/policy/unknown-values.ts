import { evidenceStrength, genericWords, spellingEvidence, type Evidence } from "./alias-evidence";
import { policyUsesOf } from "./alias-safety";
import { AliasTable, matchKey } from "./normalize";
import { namedPolicyValues } from "./policy-values";
import type { Policy, PolicyConfig, PolicyIdentity } from "./types";

export interface UnknownValue {
  attribute: string;
  value: string;
  /** how many identities carry it */
  people: number;
  /** the value policies name that this one is likely a misspelling of ("Product Eng" → "Engineering"), if any */
  looksLike: string | null;
  /** why it looks like one: the only grounds for a suggestion */
  evidence: Evidence | null;
}

/**
 * The value a raw HR value is likely a misspelling of, with the evidence; null when there is
 * none, or when suggesting one could merge values policies tell apart: the raw value is already
 * mapped, other values map to it (it is a value of its own), or a policy condition reads it
 * (contains, a scale). Two equally likely values: no suggestion.
 */
function suggestionFor(
  attribute: string,
  raw: string,
  named: Map<string, string>,
  ctx: {
    policies: readonly Policy[];
    config: PolicyConfig;
    aliases: AliasTable;
    canonicals: Set<string>;
    generic: Set<string>;
  },
): { looksLike: string; evidence: Evidence } | null {
  if (ctx.aliases.isAlias(attribute, raw) || ctx.canonicals.has(`${attribute}\u0000${matchKey(raw)}`)) return null;
  if (policyUsesOf(ctx.policies, ctx.config, attribute, raw).length) return null;
  let best: { looksLike: string; evidence: Evidence }[] = [];
  for (const target of named.values()) {
    const evidence = spellingEvidence(raw, target, (w) => ctx.generic.has(w));
    if (!evidence) continue;
    const strength = evidenceStrength[evidence.kind];
    const current = best[0] ? evidenceStrength[best[0].evidence.kind] : 0;
    if (strength > current) best = [{ looksLike: target, evidence }];
    else if (strength === current) best.push({ looksLike: target, evidence });
  }
  return best.length === 1 ? best[0]! : null;
}

/**
 * HR values that neither a policy names nor an alias maps, for the attributes policies match
 * on ("Product Eng" while policies say "Engineering"): the people behind them are likely to
 * miss access they should have. Fix by adding an alias or correcting the HR record.
 */
export function unknownValues(
  policies: readonly Policy[],
  identities: readonly PolicyIdentity[],
  config: PolicyConfig,
): UnknownValue[] {
  const aliases = new AliasTable(config.aliases);
  const named = namedPolicyValues(policies, aliases);
  const canonicals = new Set(config.aliases.map((a) => `${a.attribute}\u0000${matchKey(a.canonical)}`));

  const counts = new Map<string, UnknownValue>();
  const seen = new Map<string, Set<string>>();
  for (const i of identities) {
    for (const [attribute, knownValues] of named) {
      const raw = i.attributes[attribute];
      if (typeof raw !== "string" || raw.trim() === "") continue;
      let values = seen.get(attribute);
      if (!values) seen.set(attribute, (values = new Set(knownValues.values())));
      values.add(raw.trim());
      if (knownValues.has(aliases.key(attribute, raw))) continue;
      const key = `${attribute}\u0000${matchKey(raw)}`;
      const entry = counts.get(key) ?? { attribute, value: raw.trim(), people: 0, looksLike: null, evidence: null };
      entry.people++;
      counts.set(key, entry);
    }
  }
  const generic = new Map([...seen].map(([attribute, values]) => [attribute, genericWords(values)]));
  for (const u of counts.values()) {
    const s = suggestionFor(u.attribute, u.value, named.get(u.attribute)!, {
      policies,
      config,
      aliases,
      canonicals,
      generic: generic.get(u.attribute)!,
    });
    if (s) Object.assign(u, s);
  }
  // Values with evidence of a misspelling come first.
  return [...counts.values()].sort(
    (a, b) =>
      Number(b.looksLike !== null) - Number(a.looksLike !== null) ||
      b.people - a.people ||
      a.attribute.localeCompare(b.attribute) ||
      a.value.localeCompare(b.value),
  );
}
