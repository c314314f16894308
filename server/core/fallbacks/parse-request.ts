import { isMap, isScalar, isSeq, type Node as YamlNode, type Pair } from "yaml";
import type { z } from "zod";
import { approverRefSchema, fieldSchema, type ApproverRef, type Field } from "../requests/template";
import { parseDuration } from "./duration";
import { keyOf, text, unknownKeys, type Fields, type LineOf, type Report } from "./parse-helpers";
import type { FallbackRequest } from "./types";

/** A prompt-for-request fallback's `request:` block: the form's durations, fields, approvers and threshold. */

const REQUEST_KEYS = ["durations", "fields", "approvers", "threshold", "justificationMinLength"];
const APPROVER_KINDS = ["manager", "group", "person", "resource_owner"];
const MAX_THRESHOLD = 10;

export function readRequest(
  node: YamlNode | undefined,
  keyNode: YamlNode,
  lineOf: LineOf,
  problem: Report,
): FallbackRequest | null {
  if (!isMap(node)) {
    problem(
      lineOf(node ?? keyNode),
      "request",
      "request is a mapping: durations:, fields:, approvers:, threshold:, justificationMinLength:",
    );
    return null;
  }
  const items = node.items as Pair<YamlNode, YamlNode>[];
  unknownKeys(items, REQUEST_KEYS, "request.", "request", lineOf, problem);
  const fields: Fields = new Map(items.map((p) => [keyOf(p), p]));
  let ok = true;
  const fail: Report = (line, field, message) => {
    ok = false;
    problem(line, field, message);
  };
  const list = (key: string, required: boolean): YamlNode[] | null => {
    const pair = fields.get(key);
    if (!pair) {
      if (required) fail(lineOf(keyNode), `request.${key}`, `request needs ${key}: a list`);
      return null;
    }
    if (!isSeq(pair.value) || (required && pair.value.items.length === 0)) {
      fail(lineOf(pair.value ?? pair.key), `request.${key}`, `${key} is a${required ? " non-empty" : ""} list`);
      return null;
    }
    return pair.value.items as YamlNode[];
  };

  const durations: number[] = [];
  list("durations", true)?.forEach((n, i) => {
    const minutes = parseDuration(text(n) ?? "");
    if (minutes === null)
      fail(
        lineOf(n),
        `request.durations[${i}]`,
        `durations are written like 30m, 4h, 2d or 1w, not "${text(n) ?? ""}"`,
      );
    else if (durations.includes(minutes)) fail(lineOf(n), `request.durations[${i}]`, `${text(n)} is offered twice`);
    else durations.push(minutes);
  });

  const fieldList: Field[] = [];
  list("fields", false)?.forEach((n, i) => {
    const f = validate(fieldSchema, n, `request.fields[${i}]`, lineOf, fail);
    if (!f) return;
    if (fieldList.some((x) => x.key === f.key))
      fail(lineOf(n), `request.fields[${i}].key`, `two fields share the key ${f.key}`);
    else if (f.type === "dropdown" && f.options.length === 0)
      fail(lineOf(n), `request.fields[${i}].options`, "a dropdown needs options");
    else fieldList.push(f);
  });

  const approvers: ApproverRef[] = [];
  list("approvers", true)?.forEach((n, i) => {
    const kind = isMap(n) ? text(n.get("kind", true) as YamlNode | undefined) : undefined;
    if (kind === undefined || !APPROVER_KINDS.includes(kind)) {
      fail(
        lineOf(n),
        `request.approvers[${i}].kind`,
        `an approver is { kind: ${APPROVER_KINDS.join(" | ")} } (group: and person: say which), not "${kind ?? ""}"`,
      );
      return;
    }
    const a = validate(approverRefSchema, n, `request.approvers[${i}]`, lineOf, fail);
    if (a) approvers.push(a);
  });

  const whole = (key: string, min: number, max: number, fallback: number): number => {
    const pair = fields.get(key);
    if (!pair) return fallback;
    const v = isScalar(pair.value) ? pair.value.value : undefined;
    if (typeof v === "number" && Number.isInteger(v) && v >= min && v <= max) return v;
    fail(lineOf(pair.value ?? pair.key), `request.${key}`, `${key} must be a whole number from ${min} to ${max}`);
    return fallback;
  };
  const threshold = whole("threshold", 1, MAX_THRESHOLD, 1);
  const justificationMinLength = whole("justificationMinLength", 0, 2000, 20);
  // Each approver who is not a group is one person: more approvals than that can never come.
  if (ok && !approvers.some((a) => a.kind === "group") && threshold > approvers.length) {
    fail(
      lineOf(fields.get("threshold")?.value ?? keyNode),
      "request.threshold",
      `threshold ${threshold} needs more approvers than the ${approvers.length} named`,
    );
  }
  return ok ? { durations, fields: fieldList, approvers, threshold, justificationMinLength } : null;
}

/** Checks a YAML node against a request-template schema, reporting each issue at its line. */
function validate<T extends z.ZodType>(
  schema: T,
  node: YamlNode,
  field: string,
  lineOf: LineOf,
  fail: Report,
): z.output<T> | null {
  const result = schema.safeParse(node.toJSON());
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const path = issue.path.map((p) => (typeof p === "symbol" ? String(p) : p));
    if (issue.code === "unrecognized_keys") {
      const target = nodeAt(node, path);
      for (const key of issue.keys) {
        const keyNode = isMap(target)
          ? (target.items as Pair<YamlNode, YamlNode>[]).find((p) => keyOf(p) === key)?.key
          : undefined;
        fail(lineOf(keyNode ?? target), String([field, ...path, key].reduce(join)), `unknown field "${key}"`);
      }
      continue;
    }
    fail(lineOf(nodeAt(node, path)), String([field, ...path].reduce(join)), issue.message);
  }
  return null;
}

const join = (acc: string | number, p: string | number) => `${acc}${typeof p === "number" ? `[${p}]` : `.${p}`}`;

/** The deepest node along a path (the enclosing one when the path names something missing). */
function nodeAt(node: YamlNode, path: (string | number)[]): YamlNode {
  let current: YamlNode = node;
  for (const p of path) {
    let next: YamlNode | undefined;
    if (isMap(current))
      next = (current.items as Pair<YamlNode, YamlNode>[]).find((x) => keyOf(x) === String(p))?.value ?? undefined;
    else if (isSeq(current) && typeof p === "number") next = current.items[p] as YamlNode | undefined;
    if (!next) break;
    current = next;
  }
  return current;
}
