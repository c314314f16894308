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
  /** slot → raw value → match key, filled as people are prepared (HR values repeat) */
  memo: Map<string, string>[];
  /** hire_date text → its time (NaN when not a date), filled as people are prepared */
  hireTimes: Map<string, number>;
}

export function slotLayout(attributes: Iterable<string>, scales: Scales, aliases: AliasTable): SlotLayout {
  const names = [...new Set(attributes)];
  const slots = new Map(names.map((n, i) => [n, i]));
  const scaleRanks = names.map((n) => (scales[n] ? new Map(scales[n]!.map((v, i) => [matchKey(v), i])) : null));
  return { slots, names, aliases, scaleRanks, memo: names.map(() => new Map()), hireTimes: new Map() };
}

/** A hire_date's time, remembered per layout (a few thousand distinct dates serve everyone). */
export function hireTime(layout: SlotLayout, hired: string): number {
  let t = layout.hireTimes.get(hired);
  if (t === undefined) {
    t = Date.parse(hired.length === 10 ? `${hired}T00:00:00Z` : hired);
    if (layout.hireTimes.size < 100_000) layout.hireTimes.set(hired, t);
  }
  return t;
}

/** Prepares a person; `into` (from an earlier call with this layout) is reused to spare allocations. */
export function prepareIdentity(
  layout: SlotLayout,
  identity: PolicyIdentity,
  at: Date,
  into?: PreparedIdentity,
): PreparedIdentity {
  const n = layout.names.length;
  const text: (string | null)[] = into ? into.text.fill(null) : new Array(n).fill(null);
  const lists: (Set<string> | null)[] = into ? into.lists.fill(null) : new Array(n).fill(null);
  const numbers = into ? into.numbers.fill(Number.NaN) : new Float64Array(n).fill(Number.NaN);
  const attrs = identity.attributes;
  for (let slot = 0; slot < n; slot++) {
    const name = layout.names[slot]!;
    if (name === "tenure_days") {
      const hired = attrs.hire_date;
      if (typeof hired === "string" && hired) {
        const t = hireTime(layout, hired);
        if (!Number.isNaN(t)) numbers[slot] = Math.floor((at.getTime() - t) / DAY_MS);
      }
      continue;
    }
    const raw = attrs[name];
    if (raw === null || raw === undefined || raw === "") continue;
    const memo = layout.memo[slot]!;
    if (Array.isArray(raw)) {
      const set = new Set<string>();
      for (const v of raw) set.add(memoKey(memo, layout, name, v));
      lists[slot] = set;
      continue;
    }
    const key = memoKey(memo, layout, name, String(raw));
    text[slot] = key;
    const ranks = layout.scaleRanks[slot];
    if (ranks) numbers[slot] = ranks.get(key) ?? Number.NaN;
    else {
      const c = key.charCodeAt(0);
      if (((c >= 48 && c <= 57) || c === 45) && /^-?\d+(\.\d+)?$/.test(key)) numbers[slot] = Number(key);
    }
  }
  const status = attrs.employment_status;
  const active = isActiveStatus(typeof status === "string" ? status : null);
  if (into) {
    into.id = identity.id;
    into.active = active;
    return into;
  }
  return { id: identity.id, active, text, lists, numbers };
}

function memoKey(memo: Map<string, string>, layout: SlotLayout, name: string, raw: string): string {
  let k = memo.get(raw);
  if (k === undefined) {
    k = layout.aliases.key(name, raw);
    if (memo.size < 100_000) memo.set(raw, k);
  }
  return k;
}
