import { isScalar, type Node as YamlNode, type Pair } from "yaml";

/** Small readers shared by the fallback parser's parts. */

export type Report = (line: number, field: string, message: string) => void;
export type LineOf = (node: YamlNode | null | undefined) => number;
export type Fields = Map<string, Pair<YamlNode, YamlNode>>;

export function keyOf(pair: Pair<YamlNode, YamlNode>): string {
  return isScalar(pair.key) ? String(pair.key.value) : "";
}

/** Text of a scalar (numbers and booleans as written), or undefined for anything else. */
export function text(node: YamlNode | null | undefined): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
}

export function unknownKeys(
  items: Pair<YamlNode, YamlNode>[],
  allowed: readonly string[],
  prefix: string,
  what: string,
  lineOf: LineOf,
  report: Report,
) {
  for (const pair of items) {
    const key = keyOf(pair);
    if (!allowed.includes(key))
      report(lineOf(pair.key), `${prefix}${key}`, `unknown field "${key}" (${what} has ${allowed.join(", ")})`);
  }
}
