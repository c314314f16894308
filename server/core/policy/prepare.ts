import { isActiveStatus } from "../identity/status";
import { AliasTable, matchKey } from "./normalize";
import type { PolicyIdentity, Scales } from "./types";

const DAY_MS = 86_400_000;

/** Attributes computed from others at evaluation time rather than read from HR. */
export const derivedAttributes = ["tenure_days"] as const;

/**
 * A person's attributes in the form conditions read fast: one slot per attribute the policy
 * set mentions, holding the match key (alias-resolved, lowercase), the set of keys for list
 * attributes (trainings), and a number for ordered scales and tenure.
 */
export interface PreparedIdentity {
  id: string;
  active: boolean;
  text: (string | null)[];
  lists: (Set<string> | null)[];
  numbers: Float64Array;
}

export interface SlotLayout {
  /** attribute → slot */
  slots: Map<string, number>;
  names: string[];
  aliases: AliasTable;
  /** slot → (match key → rank) for attributes on an ordered scale */
  scaleRanks: (Map<string, number> | null)[];
}

export function slotLayout(attributes: Iterable<string>, scales: Scales, aliases: AliasTable): SlotLayout {
  const names = [...new Set(attributes)];
  const slots = new Map(names.map((n, i) => [n, i]));
  const scaleRanks = names.map((n) => (scales[n] ? new Map(scales[n]!.map((v, i) => [matchKey(v), i])) : null));
  return { slots, names, aliases, scaleRanks };
}

export function prepareIdentity(layout: SlotLayout, identity: PolicyIdentity, at: Date): PreparedIdentity {
  const n = layout.names.length;
  const text: (string | null)[] = new Array(n).fill(null);
  const lists: (Set<string> | null)[] = new Array(n).fill(null);
  const numbers = new Float64Array(n).fill(Number.NaN);
  const attrs = identity.attributes;
  for (let slot = 0; slot < n; slot++) {
    const name = layout.names[slot]!;
    if (name === "tenure_days") {
      const hired = attrs.hire_date;
      if (typeof hired === "string" && hired) {
        const t = Date.parse(hired.length === 10 ? `${hired}T00:00:00Z` : hired);
        if (!Number.isNaN(t)) numbers[slot] = Math.floor((at.getTime() - t) / DAY_MS);
      }
      continue;
    }
    const raw = attrs[name];
    if (raw === null || raw === undefined || raw === "") continue;
    if (Array.isArray(raw)) {
      lists[slot] = new Set(raw.map((v) => layout.aliases.key(name, v)));
      continue;
    }
    const key = layout.aliases.key(name, String(raw));
    text[slot] = key;
    const ranks = layout.scaleRanks[slot];
    if (ranks) numbers[slot] = ranks.get(key) ?? Number.NaN;
    else if (/^-?\d+(\.\d+)?$/.test(key)) numbers[slot] = Number(key);
  }
  const status = attrs.employment_status;
  return { id: identity.id, active: isActiveStatus(typeof status === "string" ? status : null), text, lists, numbers };
}
