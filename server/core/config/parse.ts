import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { parseFallbackFile } from "../fallbacks/parse";
import { itemKeyField, itemSchemas } from "./schemas";
import {
  configFileOf,
  configKinds,
  type ConfigFile,
  type ConfigKind,
  type ConfigProblem,
  type ConfigSet,
  type FallbackItem,
} from "./types";

/**
 * The directory's files → the items they describe, with every problem named by file and line
 * (docs/config-as-code.md). Each file but fallbacks.yaml is a YAML list of items; fallbacks.yaml
 * holds fallbacks in their own language (docs/fallbacks.md), one per document, separated by `---`.
 * A kind whose file is not in the directory is not part of the import: it stays as it is.
 */

export interface ParsedConfig {
  /** the kinds whose file is in the directory */
  set: Partial<ConfigSet>;
  problems: ConfigProblem[];
  /** the line each item starts on, by kind and key */
  lines: Record<ConfigKind, Map<string, number>>;
  /** the line of a field inside an item (`["definition", "grants", 0]`), or of the item; null for items not in the files */
  lineOf(kind: ConfigKind, key: string, path?: readonly PropertyKey[]): number | null;
}

type PlainKind = Exclude<ConfigKind, "fallbacks">;

const kindOfFile = new Map(configKinds.map((k) => [configFileOf[k], k]));

export function parseConfigFiles(files: readonly ConfigFile[]): ParsedConfig {
  const problems: ConfigProblem[] = [];
  const lines = Object.fromEntries(configKinds.map((k) => [k, new Map<string, number>()])) as ParsedConfig["lines"];
  const set: Partial<ConfigSet> = {};
  const located = new Map<ConfigKind, Located>();
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const kind = kindOfFile.get(file.path);
    if (!kind) {
      problems.push(error(file.path, 1, `not a configuration file (they are ${[...kindOfFile.keys()].join(", ")})`));
      continue;
    }
    if (kind === "fallbacks") set.fallbacks = parseFallbacks(file, problems, lines.fallbacks);
    else Object.assign(set, { [kind]: parseItems(kind, file, problems, lines[kind], located) });
  }
  const lineOf = (kind: ConfigKind, key: string, path: readonly PropertyKey[] = []) => {
    const item = lines[kind].get(key);
    const at = located.get(kind);
    if (item === undefined || !at || path.length === 0) return item ?? null;
    return nodePathLine(at.doc, [at.indexOf.get(key)!, ...path], at.lineAt) ?? item;
  };
  return { set, problems, lines, lineOf };
}

interface Located {
  doc: Document;
  lineAt: (pos: number) => number;
  indexOf: Map<string, number>;
}

const error = (file: string, line: number, message: string): ConfigProblem => ({
  severity: "error",
  file,
  line,
  message,
});

function parseItems(
  kind: PlainKind,
  file: ConfigFile,
  problems: ConfigProblem[],
  lines: Map<string, number>,
  located: Map<ConfigKind, Located>,
) {
  const counter = new LineCounter();
  const doc = parseDocument(file.source, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (pos: number) => counter.linePos(pos).line;
  if (doc.errors.length) {
    for (const err of doc.errors)
      problems.push(error(file.path, lineAt(err.pos[0]), `YAML: ${firstLine(err.message)}`));
    return [];
  }
  if (doc.contents === null) return [];
  const root = doc.contents as YamlNode;
  if (!isSeq(root)) {
    problems.push(error(file.path, nodeLine(root, lineAt), "the file is a list of items (each starts with - )"));
    return [];
  }
  const indexOf = new Map<string, number>();
  located.set(kind, { doc, lineAt, indexOf });
  const schema = itemSchemas[kind] as z.ZodType;
  const keyField = itemKeyField[kind];
  const items: unknown[] = [];
  const values = doc.toJS({ maxAliasCount: 100 }) as unknown[];
  values.forEach((value, i) => {
    const at = nodeLine(root.items[i] as YamlNode, lineAt);
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const line = nodePathLine(doc, [i, ...issue.path], lineAt, issue) ?? at;
        const where = issue.path.length ? `${issue.path.join(".")}: ` : "";
        const extra = issue.code === "unrecognized_keys" ? ` (${issue.keys.join(", ")})` : "";
        problems.push(error(file.path, line, `${where}${issue.message}${extra}`));
      }
      return;
    }
    const key = (parsed.data as Record<string, string>)[keyField]!;
    const first = lines.get(key);
    if (first !== undefined) {
      problems.push(error(file.path, at, `${key} is written twice (first on line ${first})`));
      return;
    }
    lines.set(key, at);
    indexOf.set(key, i);
    items.push(kind === "exceptionTypes" ? exceptionTypeItem(parsed.data) : parsed.data);
  });
  return items;
}

function exceptionTypeItem(data: unknown) {
  const { maxDuration, reminders, ...rest } = data as { maxDuration: number; reminders: number[] };
  return { ...rest, maxDurationMinutes: maxDuration, reminderOffsetsMinutes: reminders };
}

const firstLine = (text: string) => text.split("\n")[0]!.replace(/:$/, "");

function nodeLine(node: YamlNode | null | undefined, lineAt: (pos: number) => number): number {
  return node?.range ? lineAt(node.range[0]) : 1;
}

/** The line of the deepest node the path reaches (for an unknown field: the field's own line). */
function nodePathLine(
  doc: Document,
  path: readonly PropertyKey[],
  lineAt: (pos: number) => number,
  issue?: z.core.$ZodIssue,
): number | null {
  let node: unknown = doc.contents;
  let line: number | null = null;
  const visit = (n: unknown) => {
    if (n && typeof n === "object" && "range" in n && (n as YamlNode).range) line = lineAt((n as YamlNode).range![0]);
  };
  visit(node);
  for (const step of path) {
    if (isSeq(node)) node = node.items[Number(step)];
    else if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown })?.value === step);
      visit(pair?.key);
      node = pair?.value;
    } else break;
    visit(node);
  }
  if (issue?.code === "unrecognized_keys" && isMap(node)) {
    const pair = node.items.find((p) => issue.keys.includes(String((p.key as { value?: unknown })?.value)));
    visit(pair?.key);
  }
  return line;
}

/** Documents of fallbacks.yaml, each a fallback as its own file would hold it; lines count from the top of fallbacks.yaml. */
function parseFallbacks(file: ConfigFile, problems: ConfigProblem[], lines: Map<string, number>): FallbackItem[] {
  const items: FallbackItem[] = [];
  for (const chunk of fallbackDocuments(file.source)) {
    const { fallback, problems: found } = parseFallbackFile(file.path, chunk.source);
    for (const p of found) problems.push(error(file.path, p.line + chunk.offset, p.message));
    if (!fallback) continue;
    shiftLines(fallback, chunk.offset);
    const first = lines.get(fallback.name);
    if (first !== undefined) {
      problems.push(error(file.path, fallback.at.line, `${fallback.name} is written twice (first on line ${first})`));
      continue;
    }
    lines.set(fallback.name, fallback.at.line);
    items.push({ name: fallback.name, source: chunk.source, fallback });
  }
  return items;
}

/** The text between `---` lines, without blank lines around it, ending in one newline; `offset`: lines before it. */
export function fallbackDocuments(source: string): { source: string; offset: number }[] {
  const all = source.split(/\r?\n/);
  const out: { source: string; offset: number }[] = [];
  let start = 0;
  for (let i = 0; i <= all.length; i++) {
    if (i < all.length && !/^---\s*$/.test(all[i]!)) continue;
    let from = start;
    let to = i;
    while (from < to && all[from]!.trim() === "") from++;
    while (to > from && all[to - 1]!.trim() === "") to--;
    const body = all.slice(from, to);
    if (body.some((l) => l.trim() !== "" && !l.trimStart().startsWith("#")))
      out.push({ source: `${body.join("\n")}\n`, offset: from });
    start = i + 1;
  }
  return out;
}

/** Moves every source position in a parsed fallback down by `offset` lines. */
function shiftLines(value: unknown, offset: number, seen = new Set<object>()) {
  if (!value || typeof value !== "object" || seen.has(value)) return;
  seen.add(value);
  const ref = value as { file?: unknown; line?: unknown };
  if (typeof ref.file === "string" && typeof ref.line === "number") ref.line += offset;
  for (const v of Object.values(value)) shiftLines(v, offset, seen);
}
