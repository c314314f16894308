import { isMap, isSeq, LineCounter, parseDocument } from "yaml";
import { CsvSyntaxError, parseCsv } from "../core/csv";
import type { PolicyIdentity } from "../core/policy";
import { hrAttributes, isListAttribute } from "../core/identity/attributes";
import { splitTrainings } from "../core/identity/import-table";
import { validateAttributes } from "../core/identity/validate";
import { CliError, jsonErrorText } from "./errors";
import { readText } from "./inputs";

/**
 * `--identities FILE`: people as JSON or CSV (docs/cli.md).
 * - JSON: an array of objects (or `{ "identities": [...] }`), each with `id` and the HR
 *   attributes either flat beside it or under `attributes`.
 * - CSV: a header row naming `id` and HR attributes; `trainings` separated by `;` or `|`.
 * The format follows the extension (.json, .csv), otherwise the content. Values are checked
 * like any HR input (server/core/identity/validate.ts); a bad one is an error naming it.
 */
export interface LoadedIdentities {
  file: string;
  identities: PolicyIdentity[];
  /** identity id → the line it starts on, for messages */
  lines: Map<string, number>;
}

/** Columns / fields that describe a person but are not HR attributes: read past, not refused. */
const DESCRIPTIVE = new Set(["id", "attributes", "name", "display_name", "displayName", "email"]);
const KNOWN = new Set<string>(hrAttributes);

export function readIdentities(file: string): LoadedIdentities {
  const text = readText(file, "identities file").replace(/^\uFEFF/, "");
  if (text.trim() === "") throw new CliError(`identities file ${file} is empty`);
  const kind = /\.json$/i.test(file) ? "json" : /\.csv$/i.test(file) ? "csv" : /^\s*[[{]/.test(text) ? "json" : "csv";
  const loaded = kind === "json" ? fromJson(file, text) : fromCsv(file, text);
  const seen = new Map<string, number>();
  for (const i of loaded.identities) {
    const line = loaded.lines.get(i.id) ?? 1;
    if (seen.has(i.id))
      throw new CliError(`${file}:${line}: identity id "${i.id}" is used twice (first at line ${seen.get(i.id)})`);
    seen.set(i.id, line);
  }
  return loaded;
}

/** Checks one person's raw values; `where` prefixes errors ("people.csv:4" or "people.json: identities[3]"). */
function toIdentity(id: unknown, raw: Record<string, unknown>, where: string): PolicyIdentity {
  if (typeof id === "number") id = String(id);
  if (typeof id !== "string" || id.trim() === "") throw new CliError(`${where}: every identity needs an id (text)`);
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (DESCRIPTIVE.has(key)) continue;
    if (!KNOWN.has(key))
      throw new CliError(`${where}: ${key} is not an HR attribute (known: ${hrAttributes.join(", ")})`);
    if (isListAttribute(key) && typeof value === "string") values[key] = splitTrainings(value);
    else values[key] = value;
  }
  const checked = validateAttributes(values);
  if (!checked.ok) {
    const p = checked.problems[0]!;
    throw new CliError(`${where} (${id.trim()}): ${p.message}`);
  }
  return { id: id.trim(), attributes: checked.values };
}

function fromJson(file: string, text: string): LoadedIdentities {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new CliError(`identities file ${file} is not valid JSON: ${jsonErrorText(text, err)}`);
  }
  const list = Array.isArray(data) ? data : (data as { identities?: unknown } | null)?.identities;
  if (!Array.isArray(list))
    throw new CliError(`identities file ${file}: expected a JSON array of identities (objects with id and attributes)`);
  const lineOf = jsonItemLines(text);
  const identities: PolicyIdentity[] = [];
  const lines = new Map<string, number>();
  list.forEach((entry: unknown, i: number) => {
    const line = lineOf[i] ?? 1;
    const where = `${file}:${line}: identities[${i}]`;
    if (entry === null || typeof entry !== "object" || Array.isArray(entry))
      throw new CliError(`${where}: an identity is an object with id and attributes`);
    const obj = entry as Record<string, unknown>;
    const nested = obj.attributes;
    if (nested !== undefined && (nested === null || typeof nested !== "object" || Array.isArray(nested))) {
      throw new CliError(`${where}: attributes must be an object of HR attribute values`);
    }
    const identity = toIdentity(obj.id, { ...obj, ...((nested as Record<string, unknown>) ?? {}) }, where);
    identities.push(identity);
    if (!lines.has(identity.id)) lines.set(identity.id, line);
  });
  return { file, identities, lines };
}

/** The line each top-level array item starts on (JSON is YAML, and the YAML parser keeps positions). */
function jsonItemLines(text: string): number[] {
  try {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter });
    const top = doc.contents;
    const root = isMap(top) ? top.get("identities", true) : top;
    if (!isSeq(root)) return [];
    return root.items.map((n) => {
      const range = (n as { range?: [number, number, number] } | null)?.range;
      return range ? counter.linePos(range[0]).line : 1;
    });
  } catch {
    return [];
  }
}

function fromCsv(file: string, text: string): LoadedIdentities {
  const rows = csvRows(text, file).filter((r) => !(r.cells.length === 1 && r.cells[0]!.trim() === "")); // blank lines
  if (rows.length === 0) throw new CliError(`identities file ${file} has no header row`);
  const header = rows[0]!.cells.map((h) => h.trim());
  if (!header.includes("id"))
    throw new CliError(`${file}:${rows[0]!.line}: the header row needs an id column (columns: ${header.join(", ")})`);
  const dup = header.find((h, i) => header.indexOf(h) !== i);
  if (dup) throw new CliError(`${file}:${rows[0]!.line}: column ${dup} appears twice in the header row`);
  const identities: PolicyIdentity[] = [];
  const lines = new Map<string, number>();
  for (const row of rows.slice(1)) {
    const where = `${file}:${row.line}`;
    if (row.cells.length !== header.length)
      throw new CliError(`${where}: ${row.cells.length} cells, but the header has ${header.length} columns`);
    const raw: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const cell = row.cells[i]!.trim();
      raw[h] = isListAttribute(h) ? splitTrainings(cell) : cell === "" ? null : cell;
    });
    const identity = toIdentity(raw.id, raw, where);
    identities.push(identity);
    if (!lines.has(identity.id)) lines.set(identity.id, row.line);
  }
  return { file, identities, lines };
}

function csvRows(text: string, file: string) {
  try {
    return parseCsv(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw new CliError(`${file}:${err.line}: ${err.message}`);
    throw err;
  }
}
