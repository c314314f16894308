/**
 * What to complete at the cursor of a policy or fallback file (docs/policy-language.md,
 * docs/fallbacks.md): field names, attribute names and their known values, condition operators,
 * policy names, resources and the levels of the resource's system. Reads the lines above the
 * cursor by indentation, so it works on half-written YAML that does not parse yet.
 */

import { FALLBACK_FIELDS } from "@/server/core/fallbacks/fields";
import { POLICY_FIELDS } from "@/server/core/policy/fields";

export type YamlSchema = "policy" | "fallback";

/** The names and values that exist (policies.vocabulary). */
export interface EditorVocabulary {
  attributes: { name: string; values: string[] }[];
  policies: string[];
  resources: { key: string; description: string | null }[];
  levels: Record<string, string[]>;
}

export interface YamlOption {
  label: string;
  type: "property" | "keyword" | "constant" | "variable" | "enum";
  detail?: string;
  /** the text inserted, when it differs from the label (quoted, or a key with its colon) */
  apply?: string;
}

export interface YamlCompletion {
  /** where the replaced text starts (an offset in the document) */
  from: number;
  options: YamlOption[];
}

const operators = ["equals", "in", "not_in", "contains", "min", "max", "includes"];
const fixedValues: Record<YamlSchema, Record<string, string[]>> = {
  policy: { effect: ["allow", "deny"] },
  fallback: {
    scope: ["resource", "namespace", "global"],
    action: ["allow", "deny", "prompt-for-request"],
    timeframe: ["always", "business-hours"],
  },
};
const conditionLists = new Set(["when", "subjects", "any", "all"]);

interface Line {
  /** where the content starts after indentation and list dashes */
  indent: number;
  /** whether the line starts a list item */
  item: boolean;
  content: string;
}

function readLine(text: string): Line {
  const lead = /^(\s*)((?:-\s+)*)/.exec(text)!;
  return { indent: lead[0].length, item: lead[2]!.length > 0, content: text.slice(lead[0].length) };
}

const keyOf = (content: string) => /^([\w-]+)\s*:(?:\s|$)/.exec(content)?.[1] ?? null;

/** The keys of the mappings that enclose a line of this indentation, innermost first. */
function enclosingKeys(lines: readonly string[], indent: number): string[] {
  const keys: string[] = [];
  let limit = indent;
  for (let i = lines.length - 1; i >= 0 && limit > 0; i--) {
    const line = readLine(lines[i]!);
    if (line.content === "" || line.content.startsWith("#")) continue;
    // An item's dash is indentation: `  - resource: x` and `    level: y` are keys of one mapping.
    if (line.indent >= limit) continue;
    const key = keyOf(line.content);
    if (key) keys.push(key);
    limit = line.indent;
  }
  return keys;
}

/** A value that YAML would read as something else unless quoted. */
const quoted = (value: string) =>
  /^[\s\-?:,[\]{}#&*!|>'"%@`]|: | #|[,[\]{}]|\s$/.test(value) ? JSON.stringify(value) : value;

const options = (labels: readonly string[], type: YamlOption["type"], detail?: string): YamlOption[] =>
  labels.map((label) => ({ label, type, detail, apply: quoted(label) === label ? undefined : quoted(label) }));

const keys = (labels: readonly string[], detail?: string): YamlOption[] =>
  labels.map((label) => ({ label, type: "property", detail, apply: `${label}: ` }));

/** The system a grant or fallback is about: its resource or namespace, nearest above the cursor. */
function systemAbove(lines: readonly string[], stopAtItem: boolean): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = readLine(lines[i]!);
    const target = /^(?:resource|namespace)\s*:\s*([a-z][\w-]*)/.exec(line.content)?.[1];
    if (target) return target;
    if (stopAtItem && line.item) return null;
  }
  return null;
}

/** Where the word being typed in a flow value (`[a, b`, `{ in: [a`) starts, and what it is. */
function flowPosition(value: string): { wordStart: number; inBraces: boolean; key: boolean } {
  const stack: string[] = [];
  let segment = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === "[" || c === "{") {
      stack.push(c);
      segment = i + 1;
    } else if (c === "]" || c === "}") {
      stack.pop();
      segment = i + 1;
    } else if (c === "," || (c === ":" && stack.at(-1) === "{")) segment = i + 1;
  }
  const sinceOpen = value.slice(value.lastIndexOf("{") + 1);
  const inBraces = stack.at(-1) === "{";
  const wordStart = segment + (/^\s*/.exec(value.slice(segment))?.[0].length ?? 0);
  // In braces, a segment that starts after `{` or `,` is an operator; after `:` it is a value.
  const key = inBraces && !/:\s*[^,]*$/.test(sinceOpen.slice(sinceOpen.lastIndexOf(",") + 1));
  return { wordStart, inBraces, key };
}

export function completeYaml(
  schema: YamlSchema,
  vocabulary: EditorVocabulary,
  doc: string,
  pos: number,
  explicit: boolean,
): YamlCompletion | null {
  const before = doc.slice(0, pos).split("\n");
  const current = before.pop()!;
  const lineStart = pos - current.length;
  const line = readLine(current);
  if (line.content.startsWith("#")) return null;
  const parents = enclosingKeys(before, line.indent);
  const parent = parents[0] ?? null;
  const attributeNames = vocabulary.attributes.map((a) => a.name);
  const resourceKeys = vocabulary.resources.map((r) => r.key);
  const inConditions = parent !== null && conditionLists.has(parent);
  const levelsOf = (system: string | null) => (system ? (vocabulary.levels[system] ?? []) : []);

  // `key: value` (a colon followed by a space or the end; `slack:channel` is a resource, not a key)
  const keyMatch = /^([\w-]+)\s*:(?:\s+(.*))?$/.exec(line.content);
  const resourceItem = parent === "grants" && line.item;
  if (!keyMatch || (resourceItem && !["resource", "level"].includes(keyMatch[1]!))) {
    // Typing a key, or a scalar list item.
    const word = line.content;
    const from = lineStart + line.indent;
    // `- gitlab:group:x (`: the shorthand grant's level
    const shorthand = /^([a-z][\w-]*):\S+\s*\(\s*([\w-]*)$/.exec(word);
    if (shorthand && resourceItem)
      return { from: pos - shorthand[2]!.length, options: options(levelsOf(shorthand[1]!), "enum", "level") };
    if (/\s/.test(word) || (!word && !explicit)) return null;
    if (word.includes(":")) return resourceItem ? { from, options: options(resourceKeys, "constant") } : null;
    if (parent === null) return { from, options: keys(schema === "policy" ? POLICY_FIELDS : FALLBACK_FIELDS) };
    if (inConditions)
      return { from, options: [...keys(attributeNames, "attribute"), ...keys(["any", "all"], "group")] };
    if (parent === "grants")
      return {
        from,
        options: line.item
          ? [...keys(["resource"]), ...options(resourceKeys, "constant")]
          : keys(["level", "resource"]),
      };
    if (parent === "inherits") return { from, options: options(vocabulary.policies, "variable", "policy") };
    if (parent === "constraints") return { from, options: keys(["duration", "timeframe", "timezone", "level"]) };
    return null;
  }

  // Typing a value.
  const key = keyMatch[1]!;
  const value = keyMatch[2] ?? "";
  const valueStart = pos - value.length;
  // Right after `key:`, wait for the space (or Ctrl+Space).
  if (keyMatch[2] === undefined && !explicit) return null;
  const flow = flowPosition(value);
  const from = valueStart + flow.wordStart;

  if (inConditions && attributeNames.includes(key)) {
    if (flow.key) return { from, options: keys(operators, "operator") };
    const values = vocabulary.attributes.find((a) => a.name === key)!.values;
    return { from, options: options(values, "enum", key) };
  }
  if (key === "inherits") return { from, options: options(vocabulary.policies, "variable", "policy") };
  if (key === "resource") return { from, options: options(resourceKeys, "constant") };
  if (key === "namespace") {
    const namespaces = [
      ...new Set(resourceKeys.flatMap((k) => [k.split(":")[0]!, k.split(":").slice(0, 2).join(":")])),
    ];
    return { from, options: options(namespaces.sort(), "constant") };
  }
  if (key === "level") {
    const system = systemAbove(before, schema === "policy");
    return { from, options: options(levelsOf(system), "enum", system ?? undefined) };
  }
  const fixed = fixedValues[schema][key];
  if (fixed) return { from, options: options(fixed, "keyword") };
  return null;
}
