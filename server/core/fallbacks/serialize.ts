import { Document, isMap, isScalar, isSeq, type Node as YamlNode } from "yaml";
import type { Condition } from "../policy/types";
import { shortDuration } from "./duration";
import type { FallbackPolicy } from "./types";

/** The default a request field's maxLength gets when it is not written (server/core/requests/template.ts). */
const DEFAULT_FIELD_MAX_LENGTH = 500;

/**
 * A fallback as YAML that parseFallbackFile reads back to the same fallback (docs/fallbacks.md).
 * Defaults that change nothing are left out, except priority, which is always written because
 * it orders fallbacks. Lists and mappings of plain values are written on one line.
 */
export function serializeFallback(f: FallbackPolicy): string {
  const out: Record<string, unknown> = { name: f.name };
  if (f.description) out.description = f.description;
  out.scope = f.scope;
  if (f.scope === "resource") out.resource = f.target;
  if (f.scope === "namespace") out.namespace = f.target;
  out.priority = f.priority;
  if (f.subjects.length) out.subjects = f.subjects.map(conditionYaml);
  out.action = f.action;
  if (f.message !== null) out.message = f.message;
  if (f.action === "allow") {
    const c = f.constraints;
    const duration: Record<string, string> = { max: shortDuration(c.durationMaxMinutes) };
    if (c.durationDefaultMinutes !== c.durationMaxMinutes) duration.default = shortDuration(c.durationDefaultMinutes);
    const constraints: Record<string, unknown> = { duration, timeframe: c.timeframe };
    if (c.timezone !== "UTC") constraints.timezone = c.timezone;
    if (c.level !== null) constraints.level = c.level;
    out.constraints = constraints;
  }
  if (f.action === "prompt-for-request") {
    const r = f.request;
    const request: Record<string, unknown> = { durations: r.durations.map(shortDuration) };
    if (r.fields.length) {
      request.fields = r.fields.map(({ options, maxLength, ...rest }) => ({
        ...rest,
        ...(options.length ? { options } : {}),
        ...(maxLength !== DEFAULT_FIELD_MAX_LENGTH ? { maxLength } : {}),
      }));
    }
    request.approvers = r.approvers;
    request.threshold = r.threshold;
    request.justificationMinLength = r.justificationMinLength;
    out.request = request;
  }
  if (f.tags.length) out.tags = f.tags;

  const doc = new Document(out);
  if (doc.contents) flowLeaves(doc.contents as YamlNode, true);
  flowOperators(doc.get("subjects", true));
  return doc.toString({ lineWidth: 0 });
}

function conditionYaml(c: Condition): Record<string, unknown> {
  if (c.kind === "compare") return { [c.attribute]: { [c.op]: c.value } };
  return { [c.kind]: c.conditions.map(conditionYaml) };
}

/** Writes mappings and lists that hold only plain values on one line (`{ max: 4h }`, `[a, b]`); returns whether the node holds only plain values. */
function flowLeaves(node: YamlNode, root = false): boolean {
  if (isScalar(node)) return true;
  if (!isMap(node) && !isSeq(node)) return false;
  const children = isMap(node) ? node.items.map((p) => p.value as YamlNode) : (node.items as YamlNode[]);
  const plain = children.every(isScalar);
  children.forEach((child) => flowLeaves(child));
  if (plain && !root) node.flow = true;
  return plain;
}

/** Conditions as policies write them: `- department: { in: [Engineering] }`. */
function flowOperators(list: unknown) {
  if (!isSeq(list)) return;
  for (const item of list.items) {
    if (!isMap(item)) continue;
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? pair.key.value : null;
      if (key === "any" || key === "all") flowOperators(pair.value);
      else if (isMap(pair.value)) pair.value.flow = true;
    }
  }
}
