import { invalidSyntax, invalidValue } from "./errors";
import { parseAttrPath } from "./attr-path";
import {
  attributeName,
  isIgnoredSubAttribute,
  knownSchema,
  resolveAttribute,
  USER_SCHEMA,
  userSchemas,
  type ScimAttribute,
  type UserSchemaUrn,
} from "./schema";

export type ScimObject = Record<string, unknown>;

export const isPlainObject = (v: unknown): v is ScimObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A key of `record` matched case-insensitively (RFC 7643 §2.1: attribute names are case-insensitive). */
export const keyOf = (record: ScimObject, name: string) =>
  Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());

/**
 * Checks one value against its attribute and normalizes it: "True"/"False" become booleans
 * (Entra ID sends them so), a string given for a complex attribute becomes its "value" (Entra
 * sends the manager so), sub-attribute names take their canonical case, and read-only or
 * ignored sub-attributes are dropped (RFC 7644 §3.5.1). Null or empty means "no value".
 */
export function coerceValue(
  schema: UserSchemaUrn,
  attribute: ScimAttribute,
  value: unknown,
  name = attributeName(schema, attribute),
): unknown {
  if (value === null || value === undefined) return null;
  // Some clients wrap a single value in a list ("value": [{"value": "<manager id>"}]).
  if (!attribute.multiValued)
    return coerceSingle(schema, attribute, Array.isArray(value) && value.length === 1 ? value[0] : value, name);
  const items = (Array.isArray(value) ? value : [value])
    .map((v, i) => coerceSingle(schema, attribute, v, `${name}[${i}]`))
    .filter((v) => v !== null);
  if (attribute.type === "complex" && items.filter((v) => (v as ScimObject).primary === true).length > 1)
    throw invalidValue(name, "only one value may be primary");
  return items.length ? items : null;
}

function coerceSingle(schema: UserSchemaUrn, attribute: ScimAttribute, value: unknown, name: string): unknown {
  if (value === null || value === undefined) return null;
  switch (attribute.type) {
    case "complex": {
      const hasValue = attribute.subAttributes?.some((s) => s.name === "value");
      const record = typeof value === "string" && hasValue ? { value } : value;
      if (!isPlainObject(record)) throw invalidValue(name, "must be an object of sub-attributes");
      const out: ScimObject = {};
      for (const [key, v] of Object.entries(record)) {
        if (isIgnoredSubAttribute(schema, attribute, key)) continue;
        const sub = attribute.subAttributes?.find((s) => s.name.toLowerCase() === key.toLowerCase());
        if (!sub) throw invalidValue(`${name}.${key}`, `is not a sub-attribute of ${attribute.name}`);
        if (sub.mutability === "readOnly") continue;
        const coerced = coerceSingle(schema, sub, v, `${name}.${sub.name}`);
        if (coerced !== null) out[sub.name] = coerced;
      }
      return Object.keys(out).length ? out : null;
    }
    case "boolean":
      if (typeof value === "boolean") return value;
      if (typeof value === "string" && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === "true";
      throw invalidValue(name, `must be true or false, not ${JSON.stringify(value)}`);
    case "dateTime":
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return value;
      throw invalidValue(name, `must be a date and time, not ${JSON.stringify(value)}`);
    default:
      if (typeof value === "string") return value.trim() === "" ? null : value;
      throw invalidValue(name, `must be a string, not ${JSON.stringify(value)}`);
  }
}

/** Where an attribute lives in a resource: core attributes at the top, extension attributes under their URN. */
export function containerOf(resource: ScimObject, schema: UserSchemaUrn, create: boolean): ScimObject | undefined {
  if (schema === USER_SCHEMA) return resource;
  if (!isPlainObject(resource[schema]) && create) resource[schema] = {};
  return resource[schema] as ScimObject | undefined;
}

/**
 * A User sent by POST or PUT, checked and in canonical form. Read-only attributes (id, meta)
 * are ignored as RFC 7644 §3.5.1 asks, attributes Clearance does not keep are
 * dropped, unknown ones are refused with their name.
 */
export function readUserResource(body: unknown): ScimObject {
  if (!isPlainObject(body)) throw invalidSyntax("The body must be a SCIM User (a JSON object)", "body");
  const schemasKey = keyOf(body, "schemas");
  const schemas = schemasKey ? body[schemasKey] : undefined;
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === "string" && s.toLowerCase() === USER_SCHEMA.toLowerCase())
  ) {
    throw invalidSyntax(`schemas must include "${USER_SCHEMA}"`, "schemas");
  }
  const resource: ScimObject = {
    schemas: userSchemas.filter((s) =>
      schemas.some((x) => typeof x === "string" && x.toLowerCase() === s.toLowerCase()),
    ),
  };
  const assign = (schemaUrn: string | undefined, key: string, value: unknown) => {
    const path = parseAttrPath(schemaUrn ? `${schemaUrn}:${key}` : key, () =>
      invalidValue(key, "is not an attribute name"),
    );
    const resolved = resolveAttribute(path.schema, path.attribute, path.subAttribute);
    if (resolved.kind === "ignored") return;
    if (resolved.kind === "unknown")
      throw invalidValue(resolved.name, "is not an attribute of a Clearance User (see /Schemas)");
    if (resolved.subAttribute)
      throw invalidValue(
        attributeName(resolved.schema, resolved.attribute, resolved.subAttribute),
        `send ${resolved.attribute.name} as an object`,
      );
    if (resolved.attribute.mutability === "readOnly") return;
    const coerced = coerceValue(resolved.schema, resolved.attribute, value);
    if (coerced !== null) containerOf(resource, resolved.schema, true)![resolved.attribute.name] = coerced;
  };
  for (const [key, value] of Object.entries(body)) {
    if (key === schemasKey) continue;
    const extension = knownSchema(key);
    if (extension && extension !== USER_SCHEMA) {
      if (value === null) continue;
      if (!isPlainObject(value)) throw invalidSyntax(`${extension} must be an object of its attributes`, extension);
      for (const [k, v] of Object.entries(value)) assign(extension, k, v);
    } else assign(undefined, key, value);
  }
  if (typeof resource.userName !== "string") throw invalidValue("userName", "is required");
  return resource;
}
