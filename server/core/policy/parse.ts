import { POLICY_FIELDS } from "./fields";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode, type Pair } from "yaml";
import type { ComparisonOp, Condition, GrantSpec, Policy, PolicyEffect, PolicyProblem, SourceRef } from "./types";

/**
 * YAML → policies, with every problem named by file, line and field (docs/policy-language.md).
 * A file holds one policy, or several separated by `---`. Parsing checks the shape of each
 * policy; whether names, attributes and resources exist is lint's job (lint.ts).
 */

const NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const RESOURCE = /^[a-z][a-z0-9-]*:[^:\s]+:\S.*$/;
const TOP_LEVEL: readonly string[] = POLICY_FIELDS;
const OPS: ComparisonOp[] = ["equals", "in", "not_in", "contains", "min", "max", "includes"];
const LIST_OPS: ComparisonOp[] = ["in", "not_in", "includes"];
/** What names (kebab-case) and resources (system:type:name) look like, for other parsers. */
export { NAME as NAME_PATTERN, RESOURCE as RESOURCE_PATTERN };

export interface ParsedFile {
  policies: Policy[];
  problems: PolicyProblem[];
}

export function parsePolicyFile(file: string, source: string): ParsedFile {
  const lines = new LineCounter();
  const problems: PolicyProblem[] = [];
  const policies: Policy[] = [];
  const lineOf = (node: YamlNode | null | undefined, fallback = 1) =>
    node?.range ? lines.linePos(node.range[0]).line : fallback;
  const problem = (line: number, field: string, message: string, code = "syntax", policy?: string) =>
    problems.push({ severity: "error", code, message, file, line, field, policy });

  const docs = parseAllDocuments(source, { lineCounter: lines, prettyErrors: false });
  const documents = Array.isArray(docs) ? docs : [docs];
  for (const doc of documents) {
    for (const err of doc.errors) {
      problem(lines.linePos(err.pos[0]).line, "", `YAML: ${err.message.split("\n")[0]}`);
    }
    if (doc.errors.length) continue;
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue; // empty document
    if (!isMap(root)) {
      problem(lineOf(root), "", "a policy is a mapping (name:, when:, grants: ...)");
      continue;
    }
    const policy = readPolicy(root.items as Pair<YamlNode, YamlNode>[], lineOf(root), file, lineOf, problem);
    if (policy) policies.push(policy);
  }
  return { policies, problems };
}

type LineOf = (node: YamlNode | null | undefined, fallback?: number) => number;
type Report = (line: number, field: string, message: string, code?: string, policy?: string) => void;

/**
 * Reads a list of conditions written like a policy's `when` (the same grammar, the same
 * problems), for other documents that embed conditions, e.g. a fallback policy's `subjects`.
 * `field` names the list ("subjects"); `lineOf` maps a node of the caller's document to its
 * 1-based line. Problems go to `report`.
 */
export function readConditionList(
  node: YamlNode,
  field: string,
  file: string,
  lineOf: (node: YamlNode | null | undefined) => number,
  report: (line: number, field: string, message: string) => void,
): Condition[] {
  const out: Condition[] = [];
  const listLine = lineOf(node);
  const lines: LineOf = (n, fallback = listLine) => (n ? lineOf(n) : fallback);
  const problem: Report = (line, f, message) => report(line, f, message);
  const at = (n: YamlNode | null | undefined, f: string): SourceRef => ({ file, line: lines(n), field: f });
  if (!isSeq(node)) problem(listLine, field, `${field} is a list of conditions (each line starts with -)`);
  else node.items.forEach((n, i) => readConditionItem(n as YamlNode, `${field}[${i}]`, out, at, lines, problem));
  return out;
}

function keyOf(pair: Pair<YamlNode, YamlNode>): string {
  return isScalar(pair.key) ? String(pair.key.value) : "";
}

function readPolicy(
  items: Pair<YamlNode, YamlNode>[],
  docLine: number,
  file: string,
  lineOf: LineOf,
  report: Report,
): Policy | null {
  const fields = new Map(items.map((p) => [keyOf(p), p]));
  const nameNode = fields.get("name")?.value;
  const name = isScalar(nameNode) ? String(nameNode.value ?? "") : "";
  const before = { count: 0 };
  const problem: Report = (line, field, message, code) => {
    before.count++;
    report(line, field, message, code, name || undefined);
  };
  const at = (node: YamlNode | null | undefined, field: string): SourceRef => ({
    file,
    line: lineOf(node, docLine),
    field,
  });

  for (const pair of items) {
    const key = keyOf(pair);
    if (!TOP_LEVEL.includes(key))
      problem(lineOf(pair.key as YamlNode), key, `unknown field "${key}" (a policy has ${TOP_LEVEL.join(", ")})`);
  }
  if (!name) problem(docLine, "name", "name is required");
  else if (!NAME.test(name))
    problem(lineOf(nameNode), "name", `name "${name}" must be kebab-case (lowercase letters, digits and dashes)`);

  const descNode = fields.get("description")?.value;
  const description = isScalar(descNode) && descNode.value != null ? String(descNode.value) : "";

  const prioNode = fields.get("priority")?.value;
  let priority = 0;
  if (prioNode) {
    if (isScalar(prioNode) && Number.isInteger(prioNode.value)) priority = prioNode.value as number;
    else problem(lineOf(prioNode), "priority", "priority must be a whole number");
  }

  const effectNode = fields.get("effect")?.value;
  let effect: PolicyEffect = "allow";
  if (effectNode) {
    const v = isScalar(effectNode) ? String(effectNode.value) : "";
    if (v === "allow" || v === "deny") effect = v;
    else problem(lineOf(effectNode), "effect", `effect must be allow or deny, not "${v}"`);
  }

  const inherits: string[] = [];
  const inhNode = fields.get("inherits")?.value;
  if (inhNode) {
    const list = isSeq(inhNode) ? inhNode.items : [inhNode];
    list.forEach((n, i) => {
      const v = isScalar(n) ? String(n.value ?? "") : "";
      if (!v || !NAME.test(v))
        problem(
          lineOf(n as YamlNode),
          `inherits[${i}]`,
          `inherits names policies by their kebab-case name, not "${v}"`,
        );
      else inherits.push(v);
    });
  }

  const when: Condition[] = [];
  const whenNode = fields.get("when")?.value;
  if (whenNode) {
    if (!isSeq(whenNode)) problem(lineOf(whenNode), "when", "when is a list of conditions (each line starts with -)");
    else whenNode.items.forEach((n, i) => readConditionItem(n as YamlNode, `when[${i}]`, when, at, lineOf, problem));
  }

  const grants: GrantSpec[] = [];
  const grantsNode = fields.get("grants")?.value;
  if (grantsNode) {
    if (!isSeq(grantsNode)) problem(lineOf(grantsNode), "grants", "grants is a list of resources");
    else grantsNode.items.forEach((n, i) => readGrant(n as YamlNode, `grants[${i}]`, grants, at, lineOf, problem));
  }

  if (before.count > 0) return null;
  const inheritsAt = inhNode
    ? at(fields.get("inherits")!.key as YamlNode, "inherits")
    : { file, line: docLine, field: "inherits" };
  return {
    name,
    description,
    priority,
    effect,
    inherits,
    inheritsAt,
    when,
    grants,
    file,
    at: { file, line: docLine, field: "name" },
  };
}

function readConditionItem(
  node: YamlNode,
  field: string,
  out: Condition[],
  at: (n: YamlNode | null | undefined, f: string) => SourceRef,
  lineOf: LineOf,
  problem: Report,
) {
  if (!isMap(node) || node.items.length === 0) {
    problem(
      lineOf(node),
      field,
      "a condition is `attribute: value` or `attribute: { op: value }`, or an any:/all: group",
    );
    return;
  }
  for (const pair of node.items as Pair<YamlNode, YamlNode>[]) {
    const key = keyOf(pair);
    const f = `${field}.${key}`;
    if (key === "any" || key === "all") {
      const inner: Condition[] = [];
      if (!isSeq(pair.value) || pair.value.items.length === 0) {
        problem(lineOf(pair.value ?? (pair.key as YamlNode)), f, `${key} is a non-empty list of conditions`);
        continue;
      }
      pair.value.items.forEach((n, i) => readConditionItem(n as YamlNode, `${f}[${i}]`, inner, at, lineOf, problem));
      out.push({ kind: key, conditions: inner, at: at(pair.key as YamlNode, f) });
      continue;
    }
    if (!/^[a-z][a-z0-9_]*$/.test(key)) {
      problem(lineOf(pair.key as YamlNode), f, `attribute names are snake_case, not "${key}"`);
      continue;
    }
    const value = pair.value;
    if (isScalar(value) || isSeq(value)) {
      // Shorthand: `department: Sales` is equals, `department: [A, B]` is in.
      const v = plain(value);
      if (v === undefined) problem(lineOf(value), f, "a condition's value is text, a number or a list of them");
      else
        out.push({
          kind: "compare",
          attribute: key,
          op: Array.isArray(v) ? "in" : "equals",
          value: v,
          at: at(value, f),
        });
      continue;
    }
    if (!isMap(value) || value.items.length === 0) {
      problem(lineOf(value ?? (pair.key as YamlNode)), f, `give ${key} a value, or one of: ${OPS.join(", ")}`);
      continue;
    }
    for (const opPair of value.items as Pair<YamlNode, YamlNode>[]) {
      const op = keyOf(opPair) as ComparisonOp;
      const of = `${f}.${op}`;
      if (!OPS.includes(op)) {
        problem(lineOf(opPair.key as YamlNode), of, `unknown operator "${op}" (use ${OPS.join(", ")})`);
        continue;
      }
      let v = plain(opPair.value);
      if (v === undefined || (Array.isArray(v) && v.length === 0)) {
        problem(lineOf(opPair.value ?? (opPair.key as YamlNode)), of, `${op} needs a value`);
        continue;
      }
      if (LIST_OPS.includes(op) && !Array.isArray(v)) v = [v];
      if (!LIST_OPS.includes(op) && Array.isArray(v)) {
        problem(lineOf(opPair.value), of, `${op} takes one value, not a list${op === "equals" ? " (use in)" : ""}`);
        continue;
      }
      out.push({ kind: "compare", attribute: key, op, value: v, at: at(opPair.value, of) });
    }
  }
}

function plain(node: YamlNode | null | undefined): string | number | (string | number)[] | undefined {
  const one = (n: unknown): string | number | undefined => {
    if (!isScalar(n)) return undefined;
    const v = n.value;
    if (typeof v === "number") return v;
    if (typeof v === "string") return v;
    if (typeof v === "boolean") return String(v);
    return undefined;
  };
  if (isSeq(node)) {
    const items = node.items.map(one);
    return items.every((i) => i !== undefined) ? (items as (string | number)[]) : undefined;
  }
  return one(node);
}

function readGrant(
  node: YamlNode,
  field: string,
  out: GrantSpec[],
  at: (n: YamlNode | null | undefined, f: string) => SourceRef,
  lineOf: LineOf,
  problem: Report,
) {
  let resource = "";
  let level: string | null = null;
  if (isScalar(node)) {
    // `gitlab:group:customer-solutions (reporter)` is shorthand for resource + level.
    const text = String(node.value ?? "").trim();
    const m = /^(.*\S)\s+\(([^()]+)\)$/.exec(text);
    resource = m ? m[1]! : text;
    level = m ? m[2]!.trim() : null;
  } else if (isMap(node)) {
    for (const pair of node.items as Pair<YamlNode, YamlNode>[]) {
      const key = keyOf(pair);
      const v = isScalar(pair.value) && pair.value.value != null ? String(pair.value.value) : "";
      if (key === "resource") resource = v;
      else if (key === "level") level = v || null;
      else problem(lineOf(pair.key as YamlNode), `${field}.${key}`, `a grant has resource and level, not "${key}"`);
    }
  } else {
    problem(lineOf(node), field, "a grant is `system:type:name` or `{ resource: ..., level: ... }`");
    return;
  }
  if (!RESOURCE.test(resource)) {
    problem(lineOf(node), `${field}.resource`, `resources are written system:type:name, not "${resource}"`);
    return;
  }
  out.push({ resource, level, at: at(node, field) });
}
