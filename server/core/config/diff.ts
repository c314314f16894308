import { defaultTypeSettings, exceptionTypes } from "../exceptions/types";
import { effectiveTypeSettings } from "../exceptions/patterns";
import type { ParsedConfig } from "./parse";
import { configKinds, type ConfigItem, type ConfigKind, type ConfigSet, type PlannedChange } from "./types";

/**
 * The whole configuration after an import: each kind in the directory replaces what is there,
 * the others stay. An exception type left out of exception-types.yaml goes back to its defaults.
 */
export function desiredConfig(parsed: Partial<ConfigSet>, current: ConfigSet): ConfigSet {
  const exceptionTypeItems = parsed.exceptionTypes
    ? exceptionTypes.map((type) => {
        const given = parsed.exceptionTypes!.find((t) => t.type === type);
        return { type, ...effectiveTypeSettings(type, given ?? defaultTypeSettings[type]) };
      })
    : current.exceptionTypes;
  return { ...current, ...parsed, exceptionTypes: exceptionTypeItems };
}

export const itemKey = (kind: ConfigKind, item: ConfigItem): string =>
  kind === "fallbacks"
    ? (item as { name: string }).name
    : kind === "exceptionTypes"
      ? (item as { type: string }).type
      : (item as { key: string }).key;

/** What is compared: the item as saved (a fallback by its source, not by where its lines fall). */
function comparable(kind: ConfigKind, item: ConfigItem): Record<string, unknown> {
  if (kind === "fallbacks") return { source: (item as { source: string }).source };
  return item as unknown as Record<string, unknown>;
}

/** JSON with keys sorted at every depth, so that equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object")
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value ?? null);
}

/**
 * Create, change and remove, item by item, in the order kinds are listed (configKinds). A
 * template is never deleted (requests were made with it): removing one takes it out of the catalog,
 * so an inactive template missing from the files is no change. Exception types are only changed.
 */
export function planConfigChanges(desired: ConfigSet, current: ConfigSet, parsed: ParsedConfig): PlannedChange[] {
  const out: PlannedChange[] = [];
  for (const kind of configKinds) {
    if (!parsed.set[kind]) continue;
    const want = new Map((desired[kind] as ConfigItem[]).map((i) => [itemKey(kind, i), i]));
    const have = new Map((current[kind] as ConfigItem[]).map((i) => [itemKey(kind, i), i]));
    const line = (key: string) => parsed.lineOf(kind, key);
    for (const [key, item] of [...want].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const before = have.get(key);
      if (!before) {
        out.push({ kind, key, change: "create", fields: [], line: line(key) });
        continue;
      }
      const a = comparable(kind, before);
      const b = comparable(kind, item);
      const fields = [...new Set([...Object.keys(a), ...Object.keys(b)])]
        .filter((f) => canonicalJson(a[f]) !== canonicalJson(b[f]))
        .sort();
      if (fields.length) out.push({ kind, key, change: "change", fields, line: line(key) });
    }
    for (const [key, item] of [...have].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (want.has(key)) continue;
      if (kind === "templates" && !(item as { active: boolean }).active) continue;
      out.push({ kind, key, change: "remove", fields: [], line: null });
    }
  }
  return out;
}

const verbs = { create: "+", change: "~", remove: "-" } as const;
const removeWords: Partial<Record<ConfigKind, string>> = {
  systems: " (retired)",
  templates: " (taken out of the catalog; its requests stay)",
};

/** The dry run's lines: `+ systems crm`, `~ templates finance-reports (definition, name)`, `- fallbacks old`. */
export function planText(plan: readonly PlannedChange[]): string[] {
  return plan.map(
    (c) =>
      `${verbs[c.change]} ${c.kind} ${c.key}` +
      (c.change === "change" ? ` (${c.fields.join(", ")})` : c.change === "remove" ? (removeWords[c.kind] ?? "") : ""),
  );
}

export function planCounts(plan: readonly PlannedChange[]) {
  return {
    created: plan.filter((c) => c.change === "create").length,
    changed: plan.filter((c) => c.change === "change").length,
    removed: plan.filter((c) => c.change === "remove").length,
  };
}
