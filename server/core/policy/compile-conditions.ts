import { matchKey } from "./normalize";
import type { CheckNode, Matcher } from "./compile";
import type { SlotLayout } from "./prepare";
import type { Comparison, Condition } from "./types";

/** Conditions compiled to closures over prepared identities: they compare against data, never run it. */

export function allOf(parts: Matcher[]): Matcher {
  if (parts.length === 0) return () => true;
  if (parts.length === 1) return parts[0]!;
  return (p) => {
    for (let i = 0; i < parts.length; i++) if (!parts[i]!(p)) return false;
    return true;
  };
}

function anyOf(parts: Matcher[]): Matcher {
  return (p) => {
    for (let i = 0; i < parts.length; i++) if (parts[i]!(p)) return true;
    return false;
  };
}

export function compileCheck(c: Condition, layout: SlotLayout): CheckNode {
  if (c.kind === "compare") return { condition: c, match: compileComparison(c, layout), children: [] };
  const children = c.conditions.map((x) => compileCheck(x, layout));
  const parts = children.map((x) => x.match);
  return { condition: c, match: c.kind === "all" ? allOf(parts) : anyOf(parts), children };
}

function compileComparison(c: Comparison, layout: SlotLayout): Matcher {
  const slot = layout.slots.get(c.attribute)!;
  const key = (v: string | number) => layout.aliases.key(c.attribute, String(v));
  const values = Array.isArray(c.value) ? c.value : [c.value];
  switch (c.op) {
    case "equals": {
      const k = key(values[0]!);
      return (p) => p.text[slot] === k || (p.lists[slot]?.has(k) ?? false);
    }
    case "in":
    case "not_in": {
      const set = new Set(values.map(key));
      const hit: Matcher = (p) => {
        const t = p.text[slot];
        if (t != null) return set.has(t);
        const l = p.lists[slot];
        if (l) for (const v of l) if (set.has(v)) return true;
        return false;
      };
      if (c.op === "in") return hit;
      // A missing value is unknown, not "something else": it fails not_in too (deny by default).
      return (p) => (p.text[slot] != null || p.lists[slot] != null) && !hit(p);
    }
    case "contains": {
      const needle = matchKey(String(values[0]!));
      return (p) => {
        const t = p.text[slot];
        if (t != null) return t.includes(needle);
        const l = p.lists[slot];
        if (l) for (const v of l) if (v.includes(needle)) return true;
        return false;
      };
    }
    case "includes": {
      const wanted = values.map(key);
      return (p) => {
        const l = p.lists[slot];
        const t = p.text[slot];
        for (const w of wanted) if (!(l ? l.has(w) : t === w)) return false;
        return true;
      };
    }
    case "min":
    case "max": {
      const bound = numericBound(c, layout, slot);
      if (Number.isNaN(bound)) return () => false;
      return c.op === "min" ? (p) => p.numbers[slot]! >= bound : (p) => p.numbers[slot]! <= bound;
    }
  }
}

/** A min/max bound: a position on the attribute's ordered scale, or a number. NaN when neither. */
export function numericBound(c: Comparison, layout: SlotLayout, slot = layout.slots.get(c.attribute)!): number {
  const raw = Array.isArray(c.value) ? c.value[0]! : c.value;
  const ranks = layout.scaleRanks[slot];
  if (ranks) return ranks.get(layout.aliases.key(c.attribute, String(raw))) ?? Number.NaN;
  return typeof raw === "number" ? raw : Number.isFinite(Number(raw)) ? Number(raw) : Number.NaN;
}
