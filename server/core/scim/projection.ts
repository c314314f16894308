import { isPlainObject, type ScimObject } from "./coerce";
import { invalidSyntax } from "./errors";
import { commonAttributes, userSchemas, USER_SCHEMA } from "./schema";

/**
 * `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9): which attributes a response
 * carries. Each names an attribute as `name`, `name.subAttribute`, or either behind its schema's URN
 * (`urn:…:enterprise:2.0:User:department`, or the URN alone for the whole extension), in any case.
 * Attributes returned "always" (schemas, id) are in every response; a name no schema has is ignored.
 */
export interface Projection {
  /** only these (null: every attribute returned by default) */
  attributes: AttributePath[] | null;
  /** all but these */
  excluded: AttributePath[];
}

interface AttributePath {
  /** the extension's URN, for its attributes; null for the core schema's and the common ones */
  extension: string | null;
  /** null: the whole extension */
  name: string | null;
  sub: string | null;
}

const ALWAYS = new Set(commonAttributes.filter((a) => a.returned === "always").map((a) => a.name.toLowerCase()));
// Longest first: the core URN is a prefix of none of the others, but an extension could be.
const URNS = [...userSchemas].sort((a, b) => b.length - a.length);

function parsePath(text: string): AttributePath | null {
  let extension: string | null = null;
  let rest = text;
  if (/^urn:/i.test(text)) {
    const urn = URNS.find(
      (u) => text.toLowerCase() === u.toLowerCase() || text.toLowerCase().startsWith(`${u.toLowerCase()}:`),
    );
    if (!urn) return null;
    rest = text.slice(urn.length + 1);
    if (urn !== USER_SCHEMA) extension = urn;
    if (rest === "") return extension ? { extension, name: null, sub: null } : null;
  }
  const [name, sub = null, more] = rest.split(".");
  if (!name || more !== undefined) return null;
  return { extension, name, sub };
}

/** The comma-separated list of one parameter (a query string's, or a SearchRequest's array). */
function readList(value: string | readonly string[] | null | undefined, field: string): AttributePath[] {
  if (value === null || value === undefined) return [];
  const items = typeof value === "string" ? value.split(",") : value;
  if (!Array.isArray(items) || items.some((i) => typeof i !== "string"))
    throw invalidSyntax(`${field} must be a list of attribute names`, field);
  return items
    .map((i) => i.trim())
    .filter((i) => i !== "")
    .map(parsePath)
    .filter((p): p is AttributePath => p !== null);
}

export function readProjection(
  attributes: string | readonly string[] | null | undefined,
  excludedAttributes: string | readonly string[] | null | undefined,
): Projection {
  const only = readList(attributes, "attributes");
  const excluded = readList(excludedAttributes, "excludedAttributes");
  const asked = (v: typeof attributes) =>
    v !== null && v !== undefined && (typeof v === "string" ? v.trim() : v.length);
  if (asked(attributes) && asked(excludedAttributes))
    throw invalidSyntax("attributes and excludedAttributes cannot be used together", "excludedAttributes");
  return { attributes: asked(attributes) ? only : null, excluded };
}

/** The key of `object` that names `name` in any case (attribute names are case-insensitive). */
const keyOf = (object: ScimObject, name: string) =>
  Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());

function containerOf(resource: ScimObject, extension: string | null): ScimObject | undefined {
  if (!extension) return resource;
  const value = resource[extension];
  return isPlainObject(value) ? value : undefined;
}

/**
 * What `paths` select of `whole`, besides what is always returned. The paths that name one
 * attribute are taken together: the whole attribute if one path names it whole, else the union of
 * the sub-attributes named (from each value of a multi-valued attribute), whatever their order.
 */
function select(whole: ScimObject, paths: AttributePath[]): ScimObject {
  const result: ScimObject = {};
  for (const key of Object.keys(whole)) if (ALWAYS.has(key.toLowerCase())) result[key] = whole[key];
  const wholeExtensions = new Set(paths.flatMap((p) => (p.extension && p.name === null ? [p.extension] : [])));
  for (const urn of wholeExtensions) if (isPlainObject(whole[urn])) result[urn] = whole[urn];
  const attributes = new Map<string, { extension: string | null; name: string; subs: Set<string> | null }>();
  for (const path of paths) {
    if (path.name === null || (path.extension && wholeExtensions.has(path.extension))) continue;
    const id = `${path.extension ?? ""} ${path.name.toLowerCase()}`;
    const entry = attributes.get(id) ?? { extension: path.extension, name: path.name, subs: new Set<string>() };
    if (path.sub === null) entry.subs = null;
    else entry.subs?.add(path.sub.toLowerCase());
    attributes.set(id, entry);
  }
  for (const { extension, name, subs } of attributes.values()) {
    const source = containerOf(whole, extension);
    const key = source && keyOf(source, name);
    if (!source || key === undefined) continue;
    const value = source[key];
    const picked =
      subs === null
        ? value
        : Array.isArray(value)
          ? value.map((v) => pick(v, subs)).filter(nonEmpty)
          : pick(value, subs);
    if (subs !== null && !(Array.isArray(picked) ? picked.length : nonEmpty(picked))) continue;
    const target = extension ? ((result[extension] as ScimObject | undefined) ?? (result[extension] = {})) : result;
    target[key] = picked;
  }
  return result;
}

const nonEmpty = (v: unknown) => isPlainObject(v) && Object.keys(v).length > 0;

function pick(value: unknown, subs: Set<string>): ScimObject {
  if (!isPlainObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([k]) => subs.has(k.toLowerCase())));
}

function remove(resource: ScimObject, path: AttributePath) {
  if (!path.extension && path.name && ALWAYS.has(path.name.toLowerCase()) && path.sub === null) return;
  if (path.name === null) {
    delete resource[path.extension!];
    return;
  }
  const source = containerOf(resource, path.extension);
  const key = source && keyOf(source, path.name);
  if (!source || key === undefined) return;
  if (path.sub === null) delete source[key];
  else
    for (const value of Array.isArray(source[key]) ? (source[key] as unknown[]) : [source[key]])
      if (isPlainObject(value)) {
        const subKey = keyOf(value, path.sub);
        if (subKey !== undefined) delete value[subKey];
      }
}

/** A copy of `resource` with what `projection` asks for (the resource itself is not changed). */
export function project(resource: ScimObject, projection: Projection): ScimObject {
  if (!projection.attributes && projection.excluded.length === 0) return resource;
  const whole = structuredClone(resource);
  const result = projection.attributes ? select(whole, projection.attributes) : whole;
  for (const path of projection.excluded) remove(result, path);
  // schemas names the schemas whose attributes are present (RFC 7643 §3): an extension left out or
  // left empty goes, with its URN.
  for (const urn of userSchemas) {
    if (urn === USER_SCHEMA) continue;
    if (isPlainObject(result[urn]) && Object.keys(result[urn] as ScimObject).length === 0) delete result[urn];
    if (Array.isArray(result.schemas) && result[urn] === undefined)
      result.schemas = result.schemas.filter((s) => s !== urn);
  }
  return result;
}
