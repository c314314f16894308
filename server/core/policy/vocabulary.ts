import { hrAttributes } from "../identity/attributes";
import { AliasTable } from "./normalize";
import { derivedAttributes } from "./prepare";
import type { PolicyConfig, PolicyIdentity } from "./types";

/** What a policy editor can offer to complete: names and values that exist, so lint will accept them. */
export interface PolicyVocabulary {
  /** every attribute a condition may name, with its values (canonical spellings, most common first) */
  attributes: { name: string; values: string[] }[];
  policies: string[];
  resources: { key: string; description: string | null }[];
  /** system key → its access levels, lowest first */
  levels: Record<string, string[]>;
}

/** Values offered per attribute: enough for departments and titles, not every manager's email. */
export const MAX_VALUES_PER_ATTRIBUTE = 200;

export function policyVocabulary(input: {
  config: PolicyConfig;
  identities: readonly PolicyIdentity[];
  policies: readonly string[];
  resources: readonly { key: string; description: string | null }[];
  systems: readonly { key: string; accessLevels: readonly string[] }[];
}): PolicyVocabulary {
  const aliases = new AliasTable(input.config.aliases);
  const counts = new Map<string, Map<string, number>>();
  for (const person of input.identities) {
    for (const [attribute, raw] of Object.entries(person.attributes)) {
      if (raw === null || raw === undefined) continue;
      let values = counts.get(attribute);
      if (!values) counts.set(attribute, (values = new Map()));
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        const canonical = aliases.canonical(attribute, String(v));
        if (canonical) values.set(canonical, (values.get(canonical) ?? 0) + 1);
      }
    }
  }
  const attributes = [...hrAttributes, ...derivedAttributes].map((name) => {
    const scale = input.config.scales[name];
    const seen = [...(counts.get(name) ?? new Map<string, number>())]
      .sort(([a, m], [b, n]) => n - m || a.localeCompare(b))
      .map(([value]) => value);
    // A scale's order is the one people think in; values seen but off the scale follow.
    const values = scale ? [...scale, ...seen.filter((v) => !scale.includes(v))] : seen;
    return { name, values: values.slice(0, MAX_VALUES_PER_ATTRIBUTE) };
  });
  return {
    attributes,
    policies: [...new Set(input.policies)].sort(),
    resources: input.resources.map((r) => ({ key: r.key, description: r.description })),
    levels: Object.fromEntries(input.systems.map((s) => [s.key, [...s.accessLevels]])),
  };
}
