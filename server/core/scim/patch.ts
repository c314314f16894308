import { coerceValue, containerOf, isPlainObject, keyOf, type ScimObject } from "./coerce";
import { invalidSyntax, ScimError } from "./errors";
import { parseFilter, type Filter } from "./filter";
import { matchesValueFilter } from "./filter-match";
import { formatAttrPath, parseAttrPath, type AttrPath } from "./attr-path";
import {
  attributeName,
  knownSchema,
  PATCH_OP_SCHEMA,
  resolveAttribute,
  USER_SCHEMA,
  type ScimAttribute,
  type UserSchemaUrn,
} from "./schema";

export type PatchOperation = { op: "add" | "remove" | "replace"; path?: string; value?: unknown };

/** A PATCH path (RFC 7644 §3.5.2): an attribute path, or `attr[filter]` with an optional `.subAttribute`. */
export interface PatchPath {
  path: AttrPath;
  filter?: Filter;
  subAttribute?: string;
}

const invalidPath = (message: string) => new ScimError("invalidPath", message, { field: "path" });

export function parsePatchPath(text: string): PatchPath {
  const open = text.indexOf("[");
  if (open < 0) return { path: parseAttrPath(text.trim(), invalidPath) };
  const close = text.lastIndexOf("]");
  if (close < open) throw invalidPath(`"${text}" opens "[" without closing it`);
  const after = text.slice(close + 1);
  if (after && !/^\.[A-Za-z$][\w$-]*$/.test(after)) throw invalidPath(`"${text}": only ".subAttribute" may follow "]"`);
  const path = parseAttrPath(text.slice(0, open).trim(), invalidPath);
  if (path.subAttribute)
    throw invalidPath(`"${text}": a value filter applies to a multi-valued attribute, not to ${formatAttrPath(path)}`);
  return { path, filter: parseFilter(text.slice(open + 1, close)), ...(after ? { subAttribute: after.slice(1) } : {}) };
}

/** The operations of a PatchOp body; op names are case-insensitive (Entra ID sends "Replace"). */
export function readPatchOperations(body: unknown): PatchOperation[] {
  if (!isPlainObject(body)) throw invalidSyntax("The body must be a SCIM PatchOp (a JSON object)", "body");
  const schemas = body[keyOf(body, "schemas") ?? "schemas"];
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === "string" && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())
  )
    throw invalidSyntax(`schemas must include "${PATCH_OP_SCHEMA}"`, "schemas");
  const operations = body[keyOf(body, "Operations") ?? "Operations"];
  if (!Array.isArray(operations) || operations.length === 0)
    throw invalidSyntax("Operations must list at least one operation", "Operations");
  return operations.map((raw, i) => {
    if (!isPlainObject(raw)) throw invalidSyntax(`Operations[${i}] must be an object`, "Operations");
    const opKey = keyOf(raw, "op");
    const op = typeof raw[opKey ?? "op"] === "string" ? (raw[opKey!] as string).toLowerCase() : null;
    if (op !== "add" && op !== "remove" && op !== "replace")
      throw invalidSyntax(
        `Operations[${i}].op must be add, remove or replace, not ${JSON.stringify(raw[opKey ?? "op"] ?? null)}`,
        "op",
      );
    const path = raw[keyOf(raw, "path") ?? "path"];
    if (path !== undefined && path !== null && typeof path !== "string")
      throw invalidSyntax(`Operations[${i}].path must be a string`, "path");
    return {
      op,
      ...(typeof path === "string" && path.trim() ? { path } : {}),
      value: raw[keyOf(raw, "value") ?? "value"],
    };
  });
}

/**
 * Applies a PatchOp body to a User and returns the new User (the input is not changed). The
 * whole request applies or, on the first bad operation, nothing (RFC 7644 §3.5.2). Without a
 * path, each key of the value is a path of its own: Okta sends {"active": false}, Entra ID
 * sends dotted and URN-qualified keys.
 */
export function applyPatch(resource: ScimObject, body: unknown): ScimObject {
  const next = structuredClone(resource);
  readPatchOperations(body).forEach((operation, i) => {
    try {
      applyOperation(next, operation);
    } catch (err) {
      if (err instanceof ScimError)
        throw new ScimError(
          err.scimType,
          `Operations[${i}] (${operation.op}${operation.path ? ` ${operation.path}` : ""}): ${err.message}`,
          { field: err.field, code: err.code },
        );
      throw err;
    }
  });
  return tidy(next);
}

function applyOperation(resource: ScimObject, { op, path, value }: PatchOperation) {
  if (path) return applyAt(resource, op, parsePatchPath(path), value);
  if (op === "remove") throw new ScimError("noTarget", "remove needs a path", { field: "path" });
  if (!isPlainObject(value))
    throw invalidSyntax(`${op} without a path needs an object of attributes as its value`, "value");
  for (const [key, v] of Object.entries(value)) {
    if (key.toLowerCase() === "schemas") continue;
    const extension = knownSchema(key);
    if (extension && extension !== USER_SCHEMA && isPlainObject(v))
      for (const [k, sv] of Object.entries(v)) applyAt(resource, op, parsePatchPath(`${extension}:${k}`), sv);
    else applyAt(resource, op, parsePatchPath(key), v);
  }
}

type Target = {
  schema: UserSchemaUrn;
  attribute: ScimAttribute;
  subAttribute?: ScimAttribute;
  filter?: Filter;
  name: string;
};

function resolveTarget(p: PatchPath): Target | null {
  const subName = p.subAttribute ?? p.path.subAttribute;
  const resolved = resolveAttribute(p.path.schema, p.path.attribute, subName);
  if (resolved.kind === "ignored") return null;
  if (resolved.kind === "unknown")
    throw invalidPath(`${resolved.name} is not an attribute of a Clearance User (see /Schemas)`);
  const { schema, attribute, subAttribute } = resolved;
  if (p.filter && !(attribute.multiValued && attribute.type === "complex"))
    throw invalidPath(`${attribute.name}[…]: a value filter needs a multi-valued complex attribute`);
  return { schema, attribute, subAttribute, filter: p.filter, name: attributeName(schema, attribute, subAttribute) };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function applyAt(resource: ScimObject, op: PatchOperation["op"], p: PatchPath, value: unknown) {
  const target = resolveTarget(p);
  if (!target) return;
  const { schema, attribute, subAttribute, filter, name } = target;
  const container = containerOf(resource, schema, true)!;
  const readOnly = attribute.mutability === "readOnly" || subAttribute?.mutability === "readOnly";
  if (readOnly) {
    // A client that echoes a read-only value unchanged asks for nothing (RFC 7644 §3.5.2: mutability).
    const current =
      subAttribute && !attribute.multiValued
        ? (container[attribute.name] as ScimObject | undefined)?.[subAttribute.name]
        : container[attribute.name];
    if (op !== "remove" && !filter && same(current, value)) return;
    throw new ScimError("mutability", `${name} is read-only`, { field: name });
  }
  if (filter) return applyFiltered(container, op, target, filter, value);
  if (subAttribute) return applySubAttribute(container, op, target, subAttribute, value);
  if (op === "remove") return void delete container[attribute.name];
  const coerced = coerceValue(schema, attribute, value, name);
  const current = container[attribute.name];
  if (coerced === null) delete container[attribute.name];
  else if (attribute.multiValued && op === "add") {
    const existing = Array.isArray(current) ? current : [];
    container[attribute.name] = withPrimaryLast([
      ...existing,
      ...(coerced as unknown[]).filter((n) => !existing.some((c) => same(c, n))),
    ]);
  }
  // replace on a complex attribute keeps the sub-attributes it does not name (RFC 7644 §3.5.2.3)
  else if (attribute.type === "complex" && !attribute.multiValued)
    container[attribute.name] = { ...(isPlainObject(current) ? current : {}), ...(coerced as ScimObject) };
  else container[attribute.name] = coerced;
}

/** `name.givenName`, `manager.value`, `emails.value`: one sub-attribute of every value. */
function applySubAttribute(
  container: ScimObject,
  op: PatchOperation["op"],
  target: Target,
  sub: ScimAttribute,
  value: unknown,
) {
  const coerced = op === "remove" ? null : coerceValue(target.schema, sub, value, target.name);
  const current = container[target.attribute.name];
  const values = (
    target.attribute.multiValued ? (Array.isArray(current) ? current : []) : isPlainObject(current) ? [current] : []
  ) as ScimObject[];
  if (values.length === 0 && coerced !== null) values.push({});
  for (const v of values) {
    if (coerced === null) delete v[sub.name];
    else v[sub.name] = coerced;
  }
  container[target.attribute.name] = target.attribute.multiValued ? values : values[0];
  if (sub.name === "primary" && coerced === true) container[target.attribute.name] = withPrimaryLast(values);
}

/** `emails[type eq "work"].value`: the values the filter selects, or a new one for add. */
function applyFiltered(
  container: ScimObject,
  op: PatchOperation["op"],
  target: Target,
  filter: Filter,
  value: unknown,
) {
  const { schema, attribute, subAttribute, name } = target;
  const values = (Array.isArray(container[attribute.name]) ? container[attribute.name] : []) as ScimObject[];
  const selected = values.filter((v) => matchesValueFilter(filter, v, schema, attribute));
  if (op === "remove") {
    container[attribute.name] = subAttribute
      ? values.map((v) =>
          selected.includes(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== subAttribute.name)) : v,
        )
      : values.filter((v) => !selected.includes(v));
    return;
  }
  const coerced = subAttribute
    ? coerceValue(schema, subAttribute, value, name)
    : coerceValue(schema, { ...attribute, multiValued: false }, value, name);
  if (selected.length === 0) {
    // add may create the value the filter describes (Entra ID adds emails[type eq "work"].value so); replace may not.
    const seed = op === "add" ? equalitiesOf(filter, attribute) : null;
    if (!seed) throw new ScimError("noTarget", `no value of ${attribute.name} matches the filter`, { field: "path" });
    values.push(seed);
    selected.push(seed);
  }
  const updated = values.map((v) => {
    if (!selected.includes(v)) return v;
    if (subAttribute)
      return coerced === null
        ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== subAttribute.name))
        : { ...v, [subAttribute.name]: coerced };
    return op === "add" ? { ...v, ...((coerced as ScimObject | null) ?? {}) } : ((coerced as ScimObject | null) ?? {});
  });
  const primary = updated.find((v, i) => selected.includes(values[i]!) && v.primary === true);
  container[attribute.name] = primary
    ? updated.map((v) => (v !== primary && v.primary === true ? { ...v, primary: false } : v))
    : updated;
}

/** The value a filter of `eq` comparisons joined by `and` describes ({type: "work"}), or null. */
function equalitiesOf(filter: Filter, attribute: ScimAttribute): ScimObject | null {
  if (filter.kind === "compare" && filter.op === "eq" && !filter.path.schema && !filter.path.subAttribute) {
    const sub = attribute.subAttributes?.find((s) => s.name.toLowerCase() === filter.path.attribute.toLowerCase());
    return sub ? { [sub.name]: filter.value } : null;
  }
  if (filter.kind !== "and") return null;
  const left = equalitiesOf(filter.left, attribute);
  const right = equalitiesOf(filter.right, attribute);
  return left && right ? { ...left, ...right } : null;
}

/** At most one primary value (RFC 7643 §2.4): the one added last keeps it. */
function withPrimaryLast(values: unknown[]): unknown[] {
  const last = values.findLastIndex((v) => isPlainObject(v) && v.primary === true);
  return values.map((v, i) => (i !== last && isPlainObject(v) && v.primary === true ? { ...v, primary: false } : v));
}

/** Drops what became empty: unassigned attributes are absent (RFC 7643 §2.5). */
function tidy(resource: ScimObject): ScimObject {
  const empty = (v: unknown) =>
    v === null ||
    v === undefined ||
    (Array.isArray(v) && v.length === 0) ||
    (isPlainObject(v) && Object.keys(v).length === 0);
  const clean = (o: ScimObject): ScimObject =>
    Object.fromEntries(
      Object.entries(o)
        .map(
          ([k, v]) =>
            [
              k,
              Array.isArray(v)
                ? v.map((x) => (isPlainObject(x) ? clean(x) : x)).filter((x) => !empty(x))
                : isPlainObject(v)
                  ? clean(v)
                  : v,
            ] as const,
        )
        .filter(([, v]) => !empty(v)),
    );
  return clean(resource);
}
