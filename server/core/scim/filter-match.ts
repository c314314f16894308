import { invalidFilter } from "./errors";
import type { CompareOperator, Filter, FilterValue } from "./filter";
import { formatAttrPath, type AttrPath } from "./attr-path";
import {
  attributeName,
  isIgnoredSubAttribute,
  resolveAttribute,
  USER_SCHEMA,
  type ScimAttribute,
  type UserSchemaUrn,
} from "./schema";

/** What a filter path names, checked against the schema: the attribute whose values are compared. */
export type FilterTarget =
  | {
      kind: "attribute";
      schema: UserSchemaUrn;
      attribute: ScimAttribute;
      subAttribute?: ScimAttribute;
      compared: ScimAttribute;
      name: string;
    }
  | { kind: "absent"; name: string };

/**
 * Resolves a top-level filter path. A complex attribute compared as a whole compares its
 * "value" sub-attribute (RFC 7644 §3.4.2.2: `emails co "example.com"`); attributes Clearance
 * does not keep are absent; anything else unknown is refused.
 */
export function resolveFilterPath(path: AttrPath): FilterTarget {
  const resolved = resolveAttribute(path.schema, path.attribute, path.subAttribute);
  if (resolved.kind === "ignored") return { kind: "absent", name: resolved.name };
  if (resolved.kind === "unknown") throw invalidFilter(`Unknown attribute "${formatAttrPath(path)}"`);
  const { schema, attribute, subAttribute } = resolved;
  const valueSub =
    attribute.type === "complex" && !subAttribute
      ? attribute.subAttributes?.find((s) => s.name === "value")
      : undefined;
  const sub = subAttribute ?? valueSub;
  return {
    kind: "attribute",
    schema,
    attribute,
    subAttribute: sub,
    compared: sub ?? attribute,
    name: attributeName(schema, attribute, subAttribute),
  };
}

/** Resolves a path inside `parent[...]`: a sub-attribute of the parent. */
export function resolveSubFilterPath(schema: UserSchemaUrn, parent: ScimAttribute, path: AttrPath): FilterTarget {
  const name = `${attributeName(schema, parent)}.${path.attribute}`;
  if (path.schema || path.subAttribute)
    throw invalidFilter(
      `Inside ${parent.name}[…] name a sub-attribute of ${parent.name}, not "${formatAttrPath(path)}"`,
    );
  if (isIgnoredSubAttribute(schema, parent, path.attribute)) return { kind: "absent", name };
  const sub = parent.subAttributes?.find((s) => s.name.toLowerCase() === path.attribute.toLowerCase());
  if (!sub) throw invalidFilter(`Unknown attribute "${name}"`);
  return { kind: "attribute", schema, attribute: parent, subAttribute: sub, compared: sub, name };
}

/** The complex attribute of `attr[filter]` (a valuePath), or absent when Clearance does not keep it. */
export function resolveValuePath(
  path: AttrPath,
): { kind: "attribute"; schema: UserSchemaUrn; attribute: ScimAttribute } | { kind: "absent" } {
  const resolved = resolveAttribute(path.schema, path.attribute, path.subAttribute);
  if (resolved.kind === "ignored") return { kind: "absent" };
  if (resolved.kind === "unknown") throw invalidFilter(`Unknown attribute "${formatAttrPath(path)}"`);
  if (resolved.attribute.type !== "complex" || resolved.subAttribute)
    throw invalidFilter(`${formatAttrPath(path)}[…] needs a complex attribute`);
  return { kind: "attribute", schema: resolved.schema, attribute: resolved.attribute };
}

export type Operand =
  | { type: "text"; value: string }
  | { type: "boolean"; value: boolean }
  | { type: "time"; value: number }
  | { type: "null" };

/** Checks that the operator and value suit the attribute's type (else invalidFilter) and normalizes the value. */
export function operandFor(op: CompareOperator, value: FilterValue, attribute: ScimAttribute, name: string): Operand {
  if (value === null) {
    if (op !== "eq" && op !== "ne") throw invalidFilter(`${name} ${op} null: only eq and ne compare with null`);
    return { type: "null" };
  }
  if (attribute.type === "complex") throw invalidFilter(`${name} is complex: compare one of its sub-attributes`);
  if (attribute.type === "boolean") {
    if (op !== "eq" && op !== "ne") throw invalidFilter(`${name} is a boolean: only eq, ne and pr apply`);
    const bool = typeof value === "string" && /^(true|false)$/i.test(value) ? value.toLowerCase() === "true" : value;
    if (typeof bool !== "boolean") throw invalidFilter(`${name} is a boolean: compare it with true or false`);
    return { type: "boolean", value: bool };
  }
  if (typeof value !== "string")
    throw invalidFilter(
      `${name} is ${attribute.type === "dateTime" ? "a date and time" : "text"}: compare it with a quoted string`,
    );
  if (attribute.type === "dateTime") {
    if (op === "co" || op === "sw" || op === "ew")
      throw invalidFilter(`${name} is a date and time: use eq, ne, gt, ge, lt or le`);
    const time = Date.parse(value);
    if (Number.isNaN(time)) throw invalidFilter(`${name}: "${value}" is not a date and time`);
    return { type: "time", value: time };
  }
  return { type: "text", value: attribute.caseExact ? value : value.toLowerCase() };
}

/** Compares one present value with an operand, as RFC 7644 §3.4.2.2 defines each operator. */
export function compareOne(op: CompareOperator, actual: unknown, operand: Operand, attribute: ScimAttribute): boolean {
  if (operand.type === "null") return false;
  if (operand.type === "boolean") return op === "eq" ? actual === operand.value : actual !== operand.value;
  let a: string | number;
  let b: string | number;
  if (operand.type === "time") {
    a = Date.parse(String(actual));
    b = operand.value;
  } else {
    a = attribute.caseExact ? String(actual) : String(actual).toLowerCase();
    b = operand.value;
  }
  switch (op) {
    case "eq":
      return a === b;
    case "ne":
      return a !== b;
    case "co":
      return String(a).includes(String(b));
    case "sw":
      return String(a).startsWith(String(b));
    case "ew":
      return String(a).endsWith(String(b));
    case "gt":
      return a > b;
    case "ge":
      return a >= b;
    case "lt":
      return a < b;
    case "le":
      return a <= b;
  }
}

const isPresent = (v: unknown) =>
  v !== null &&
  v !== undefined &&
  v !== "" &&
  !(Array.isArray(v) && v.length === 0) &&
  !(typeof v === "object" && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** The values an attribute holds in `container` (a multi-valued attribute's values are flattened). */
function valuesOf(
  container: unknown,
  target: Extract<FilterTarget, { kind: "attribute" }>,
  ofElement: boolean,
): unknown[] {
  const record = (container ?? {}) as Record<string, unknown>;
  if (ofElement) return [record[target.compared.name]].filter(isPresent);
  const raw = record[target.attribute.name];
  const items = target.attribute.multiValued ? (Array.isArray(raw) ? raw : []) : [raw];
  return (
    target.subAttribute
      ? items.map((item) => (item as Record<string, unknown> | null)?.[target.subAttribute!.name])
      : items
  ).filter(isPresent);
}

/** Whether `values` satisfy one comparison: any value for most operators, none equal for ne. */
export function valuesMatch(
  op: CompareOperator,
  values: unknown[],
  operand: Operand,
  attribute: ScimAttribute,
): boolean {
  if (operand.type === "null") return op === "eq" ? values.length === 0 : values.length > 0;
  if (op === "ne") return !values.some((v) => compareOne("eq", v, operand, attribute));
  return values.some((v) => compareOne(op, v, operand, attribute));
}

const containerOf = (resource: Record<string, unknown>, schema: UserSchemaUrn) =>
  schema === USER_SCHEMA ? resource : resource[schema];

/**
 * Evaluates a filter against a SCIM resource in memory: for the PATCH value paths
 * (`emails[type eq "work"]`), and as the reference the SQL translation is tested against.
 */
export function matchesFilter(filter: Filter, resource: Record<string, unknown>): boolean {
  return evaluate(filter, resource, null);
}

/** Whether one value of a multi-valued attribute matches the filter of a PATCH path (`emails[type eq "work"]`). */
export function matchesValueFilter(
  filter: Filter,
  value: Record<string, unknown>,
  schema: UserSchemaUrn,
  attribute: ScimAttribute,
): boolean {
  return evaluate(filter, value, { schema, attribute });
}

/** Inside a value path `record` is one value of `parent`, and paths name its sub-attributes. */
function evaluate(
  filter: Filter,
  record: Record<string, unknown>,
  parent: { schema: UserSchemaUrn; attribute: ScimAttribute } | null,
): boolean {
  switch (filter.kind) {
    case "and":
      return evaluate(filter.left, record, parent) && evaluate(filter.right, record, parent);
    case "or":
      return evaluate(filter.left, record, parent) || evaluate(filter.right, record, parent);
    case "not":
      return !evaluate(filter.filter, record, parent);
    case "valuePath": {
      const target = resolveValuePath(filter.path);
      if (target.kind === "absent") return false;
      const raw = (containerOf(record, target.schema) as Record<string, unknown> | undefined)?.[target.attribute.name];
      const elements = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[];
      return elements.some((e) => evaluate(filter.filter, e, target));
    }
    case "present":
    case "compare": {
      const target = parent
        ? resolveSubFilterPath(parent.schema, parent.attribute, filter.path)
        : resolveFilterPath(filter.path);
      // An attribute Clearance does not keep has no value: only "ne x" and "eq null" hold.
      if (target.kind === "absent")
        return filter.kind === "compare" && (filter.value === null ? filter.op === "eq" : filter.op === "ne");
      const container = parent ? record : containerOf(record, target.schema);
      if (filter.kind === "present") {
        if (!parent && !target.attribute.multiValued && !filter.path.subAttribute)
          return isPresent((container as Record<string, unknown> | undefined)?.[target.attribute.name]);
        return valuesOf(container, target, parent !== null).length > 0;
      }
      return valuesMatch(
        filter.op,
        valuesOf(container, target, parent !== null),
        operandFor(filter.op, filter.value, target.compared, target.name),
        target.compared,
      );
    }
  }
}
