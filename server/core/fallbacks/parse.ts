import { FALLBACK_FIELDS } from "./fields";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode, type Pair } from "yaml";
import { NAME_PATTERN, readConditionList, RESOURCE_PATTERN } from "../policy/parse";
import type { Condition, PolicyProblem, SourceRef } from "../policy/types";
import { formatDuration } from "../requests/template";
import { parseDuration } from "./duration";
import { keyOf, text, unknownKeys, type Fields, type LineOf, type Report } from "./parse-helpers";
import { readRequest } from "./parse-request";
import {
  fallbackActions,
  fallbackScopes,
  timeframes,
  type AllowConstraints,
  type FallbackAction,
  type FallbackPolicy,
  type FallbackRequest,
  type FallbackScope,
  type Timeframe,
} from "./types";

/**
 * YAML → one fallback policy, with every problem named by file, line and field
 * (docs/fallbacks.md). Conditions in `subjects` are read by the policy parser's own condition
 * reader, so they mean exactly what a policy's `when` means. Whether systems, resources and
 * levels exist is lint's job (lint.ts).
 */

const TOP_LEVEL: readonly string[] = FALLBACK_FIELDS;
const CONSTRAINT_KEYS = ["duration", "timeframe", "timezone", "level"];
const DURATION_KEYS = ["max", "default"];
/** a system (`aws`) or a system and type (`aws:role`) */
export const NAMESPACE_PATTERN = /^[a-z][a-z0-9-]*(:[^:\s]+)?$/;

export interface ParsedFallbackFile {
  /** set only when there are no problems */
  fallback?: FallbackPolicy;
  problems: PolicyProblem[];
}

export function parseFallbackFile(file: string, source: string): ParsedFallbackFile {
  const lines = new LineCounter();
  const problems: PolicyProblem[] = [];
  const named: { name?: string } = {};
  const report: Report = (line, field, message) =>
    problems.push({ severity: "error", code: "syntax", message, file, line, field, policy: named.name });

  const docs = parseAllDocuments(source, { lineCounter: lines, prettyErrors: false });
  const documents = Array.isArray(docs) ? docs : [docs];
  for (const doc of documents) {
    for (const err of doc.errors) report(lines.linePos(err.pos[0]).line, "", `YAML: ${err.message.split("\n")[0]}`);
  }
  if (problems.length) return { problems };
  const filled = documents.filter((d) => !(d.contents === null || (isScalar(d.contents) && d.contents.value === null)));
  if (filled.length === 0) {
    report(1, "", "the file is empty: a fallback has name:, scope:, action: ...");
    return { problems };
  }
  const lineOf: LineOf = (node) => (node?.range ? lines.linePos(node.range[0]).line : 1);
  if (filled.length > 1) {
    report(
      lineOf(filled[1]!.contents as YamlNode),
      "",
      "one fallback per file (this file has several documents separated by ---)",
    );
    return { problems };
  }
  const root = filled[0]!.contents as YamlNode;
  if (!isMap(root)) {
    report(lineOf(root), "", "a fallback is a mapping (name:, scope:, action: ...)");
    return { problems };
  }
  const fields: Fields = new Map((root.items as Pair<YamlNode, YamlNode>[]).map((p) => [keyOf(p), p]));
  const nameNode = fields.get("name")?.value;
  if (isScalar(nameNode) && typeof nameNode.value === "string" && nameNode.value) named.name = nameNode.value;
  const fallback = readFallback(fields, lineOf(root), file, lineOf, report);
  return problems.length || !fallback ? { problems } : { fallback, problems };
}

function readFallback(
  fields: Fields,
  docLine: number,
  file: string,
  lineOf: LineOf,
  report: Report,
): FallbackPolicy | null {
  let count = 0;
  const problem: Report = (line, field, message) => {
    count++;
    report(line, field, message);
  };
  const lineOrDoc = (node: YamlNode | null | undefined) => (node ? lineOf(node) : docLine);
  const at = (node: YamlNode | null | undefined, field: string): SourceRef => ({ file, line: lineOrDoc(node), field });
  const value = (key: string) => fields.get(key)?.value ?? undefined;
  /** optional text field: undefined when absent, reported when not text */
  const textField = (key: string): string | undefined => {
    const pair = fields.get(key);
    if (!pair) return undefined;
    const t = text(pair.value);
    if (t === undefined) problem(lineOrDoc(pair.value ?? pair.key), key, `${key} must be text`);
    return t;
  };

  unknownKeys([...fields.values()], TOP_LEVEL, "", "a fallback", lineOf, problem);

  const name = textField("name") ?? "";
  if (!fields.has("name") || (name === "" && text(value("name")) !== undefined))
    problem(lineOrDoc(value("name")), "name", "name is required");
  else if (name && !NAME_PATTERN.test(name))
    problem(lineOf(value("name")), "name", `name "${name}" must be kebab-case (lowercase letters, digits and dashes)`);

  const description = textField("description") ?? "";

  const scopeText = textField("scope");
  let scope: FallbackScope | null = null;
  if (scopeText === undefined) {
    if (!fields.has("scope")) problem(docLine, "scope", `scope is required (${fallbackScopes.join(", ")})`);
  } else if ((fallbackScopes as readonly string[]).includes(scopeText)) scope = scopeText as FallbackScope;
  else problem(lineOf(value("scope")), "scope", `scope must be ${fallbackScopes.join(", ")}, not "${scopeText}"`);

  const resource = textField("resource");
  const namespace = textField("namespace");
  let target: string | null = null;
  let targetAt: SourceRef = at(null, "name");
  if (scope === "resource") {
    if (namespace !== undefined)
      problem(
        lineOf(fields.get("namespace")!.key),
        "namespace",
        "a resource fallback names a resource:, not a namespace:",
      );
    if (resource === undefined) {
      if (!fields.has("resource")) problem(docLine, "resource", "scope resource needs resource: system:type:name");
    } else if (!RESOURCE_PATTERN.test(resource))
      problem(lineOf(value("resource")), "resource", `resources are written system:type:name, not "${resource}"`);
    else {
      target = resource;
      targetAt = at(value("resource"), "resource");
    }
  } else if (scope === "namespace") {
    if (resource !== undefined)
      problem(
        lineOf(fields.get("resource")!.key),
        "resource",
        "a namespace fallback names a namespace:, not a resource: (use scope resource for one resource)",
      );
    if (namespace === undefined) {
      if (!fields.has("namespace"))
        problem(docLine, "namespace", "scope namespace needs namespace: a system (aws) or system:type (aws:role)");
    } else if (!NAMESPACE_PATTERN.test(namespace))
      problem(
        lineOf(value("namespace")),
        "namespace",
        `a namespace is a system (aws) or system:type (aws:role), not "${namespace}"`,
      );
    else {
      target = namespace;
      targetAt = at(value("namespace"), "namespace");
    }
  } else if (scope === "global") {
    for (const key of ["resource", "namespace"]) {
      if (fields.has(key))
        problem(lineOf(fields.get(key)!.key), key, `a global fallback applies to every resource: remove ${key}:`);
    }
  }

  let priority = 0;
  const prioNode = value("priority");
  if (fields.has("priority")) {
    if (isScalar(prioNode) && Number.isInteger(prioNode.value)) priority = prioNode.value as number;
    else problem(lineOrDoc(prioNode ?? fields.get("priority")!.key), "priority", "priority must be a whole number");
  }

  let subjects: Condition[] = [];
  if (fields.has("subjects")) {
    const node = value("subjects");
    if (node === undefined || (isScalar(node) && node.value === null)) subjects = [];
    else subjects = readConditionList(node, "subjects", file, lineOrDoc, problem);
  }

  const actionText = textField("action");
  let action: FallbackAction | null = null;
  if (actionText === undefined) {
    if (!fields.has("action")) problem(docLine, "action", `action is required (${fallbackActions.join(", ")})`);
  } else if ((fallbackActions as readonly string[]).includes(actionText)) action = actionText as FallbackAction;
  else problem(lineOf(value("action")), "action", `action must be ${fallbackActions.join(", ")}, not "${actionText}"`);

  const messageText = textField("message");
  const message = messageText?.trim() ? messageText : null;
  if (fields.has("message") && messageText !== undefined && message === null)
    problem(lineOf(value("message")), "message", "message is empty: leave it out, or say something");
  if (action === "deny" && !fields.has("message"))
    problem(docLine, "message", "a deny fallback needs a message: it is what the person is shown");

  let constraints: AllowConstraints | null = null;
  if (fields.has("constraints")) {
    if (action !== null && action !== "allow")
      problem(lineOf(fields.get("constraints")!.key), "constraints", `constraints are for action allow, not ${action}`);
    else constraints = readConstraints(value("constraints"), fields.get("constraints")!.key, file, lineOf, problem);
  } else if (action === "allow") {
    problem(
      docLine,
      "constraints",
      "an allow fallback needs constraints with a duration (fallback access is always time-bound)",
    );
  }

  let request: FallbackRequest | null = null;
  if (fields.has("request")) {
    if (action !== null && action !== "prompt-for-request")
      problem(lineOf(fields.get("request")!.key), "request", `request is for action prompt-for-request, not ${action}`);
    else request = readRequest(value("request"), fields.get("request")!.key, lineOf, problem);
  } else if (action === "prompt-for-request") {
    problem(docLine, "request", "a prompt-for-request fallback needs request: with durations and approvers");
  }

  const tags: string[] = [];
  if (fields.has("tags")) {
    const node = value("tags");
    if (!isSeq(node))
      problem(
        lineOrDoc(node ?? fields.get("tags")!.key),
        "tags",
        "tags is a list, e.g. [fallback-access, needs-policy-review]",
      );
    else
      node.items.forEach((n, i) => {
        const t = text(n as YamlNode);
        if (t === undefined || !NAME_PATTERN.test(t))
          problem(lineOf(n as YamlNode), `tags[${i}]`, `tags are kebab-case, not "${t ?? ""}"`);
        else tags.push(t);
      });
  }

  if (count > 0 || scope === null || action === null) return null;
  const base = {
    name,
    description,
    scope,
    target,
    priority,
    subjects,
    message,
    tags,
    file,
    at: at(null, "name"),
    targetAt,
  };
  if (action === "allow") return constraints ? { ...base, action, constraints } : null;
  if (action === "deny") return message !== null ? { ...base, action, message } : null;
  return request ? { ...base, action, request } : null;
}

function readConstraints(
  node: YamlNode | undefined,
  keyNode: YamlNode,
  file: string,
  lineOf: LineOf,
  problem: Report,
): AllowConstraints | null {
  if (!isMap(node)) {
    problem(
      lineOf(node ?? keyNode),
      "constraints",
      "constraints is a mapping: duration:, timeframe:, timezone:, level:",
    );
    return null;
  }
  const items = node.items as Pair<YamlNode, YamlNode>[];
  unknownKeys(items, CONSTRAINT_KEYS, "constraints.", "constraints", lineOf, problem);
  const fields: Fields = new Map(items.map((p) => [keyOf(p), p]));
  let ok = true;
  const fail: Report = (line, field, message) => {
    ok = false;
    problem(line, field, message);
  };

  let max: number | null = null;
  let dflt: number | null = null;
  const durationPair = fields.get("duration");
  if (!durationPair)
    fail(
      lineOf(keyNode),
      "constraints.duration",
      "constraints need a duration: { max: 4h, default: 2h } (fallback access is always time-bound)",
    );
  else if (!isMap(durationPair.value))
    fail(
      lineOf(durationPair.value ?? durationPair.key),
      "constraints.duration",
      "duration is { max: 4h, default: 2h }",
    );
  else {
    const dItems = durationPair.value.items as Pair<YamlNode, YamlNode>[];
    unknownKeys(dItems, DURATION_KEYS, "constraints.duration.", "duration", lineOf, fail);
    const dFields: Fields = new Map(dItems.map((p) => [keyOf(p), p]));
    const read = (key: "max" | "default"): number | null => {
      const pair = dFields.get(key);
      if (!pair) return null;
      const minutes = parseDuration(text(pair.value) ?? "");
      if (minutes === null)
        fail(
          lineOf(pair.value ?? pair.key),
          `constraints.duration.${key}`,
          `${key} must be a duration such as 30m, 4h, 2d or 1w, not "${text(pair.value) ?? ""}"`,
        );
      return minutes;
    };
    max = read("max");
    dflt = read("default");
    if (!dFields.has("max")) fail(lineOf(durationPair.value), "constraints.duration.max", "duration needs a max");
    if (max !== null && dflt !== null && dflt > max) {
      fail(
        lineOf(dFields.get("default")!.value),
        "constraints.duration.default",
        `default (${formatDuration(dflt)}) is longer than max (${formatDuration(max)})`,
      );
    }
  }

  let timeframe: Timeframe = "always";
  const tfPair = fields.get("timeframe");
  if (tfPair) {
    const t = text(tfPair.value);
    if (t !== undefined && (timeframes as readonly string[]).includes(t)) timeframe = t as Timeframe;
    else
      fail(
        lineOf(tfPair.value ?? tfPair.key),
        "constraints.timeframe",
        `timeframe must be ${timeframes.join(" or ")}, not "${t ?? ""}"`,
      );
  }

  let timezone = "UTC";
  const tzPair = fields.get("timezone");
  if (tzPair) {
    const t = text(tzPair.value);
    if (t !== undefined && isTimeZone(t)) timezone = t;
    else
      fail(
        lineOf(tzPair.value ?? tzPair.key),
        "constraints.timezone",
        `timezone must be an IANA time zone such as Europe/Berlin, not "${t ?? ""}"`,
      );
  }

  let level: string | null = null;
  let levelAt: SourceRef | null = null;
  const levelPair = fields.get("level");
  if (levelPair) {
    const t = text(levelPair.value)?.trim();
    if (t) {
      level = t;
      levelAt = { file, line: lineOf(levelPair.value), field: "constraints.level" };
    } else
      fail(
        lineOf(levelPair.value ?? levelPair.key),
        "constraints.level",
        "level is the name of one of the system's access levels, e.g. read",
      );
  }

  if (!ok || max === null) return null;
  return { durationMaxMinutes: max, durationDefaultMinutes: dflt ?? max, timeframe, timezone, level, levelAt };
}

function isTimeZone(name: string): boolean {
  if (!name.trim()) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
