import { isPlainObject } from "./coerce";
import { invalidSyntax, invalidValue } from "./errors";
import { readProjection, type Projection } from "./projection";
import { SEARCH_REQUEST_SCHEMA } from "./schema";

/** A list request's parameters, from a query string or a SearchRequest body alike. */
export interface ListQuery {
  filter: string | null;
  startIndex: string | null;
  count: string | null;
  projection: Projection;
}

/** GET /Users?filter=&startIndex=&count=&attributes=&excludedAttributes= (sortBy is ignored, RFC 7644 §3.4.2.3). */
export function readListQuery(params: URLSearchParams): ListQuery {
  return {
    filter: params.get("filter"),
    startIndex: params.get("startIndex"),
    count: params.get("count"),
    projection: readProjection(params.get("attributes"), params.get("excludedAttributes")),
  };
}

const KNOWN = new Set([
  "schemas",
  "attributes",
  "excludedattributes",
  "filter",
  "sortby",
  "sortorder",
  "startindex",
  "count",
]);

/**
 * POST …/.search (RFC 7644 §3.4.3): the same query as a SearchRequest body. sortBy and sortOrder
 * are checked and ignored, as the service provider configuration says sorting is not supported.
 */
export function readSearchRequest(body: unknown): ListQuery {
  if (!isPlainObject(body)) throw invalidSyntax("The body must be a SearchRequest object", "body");
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.includes(SEARCH_REQUEST_SCHEMA))
    throw invalidSyntax(`schemas must include ${SEARCH_REQUEST_SCHEMA}`, "schemas");
  const unknown = Object.keys(body).find((k) => !KNOWN.has(k.toLowerCase()));
  if (unknown) throw invalidSyntax(`${unknown} is not a SearchRequest attribute`, unknown);
  const field = (name: string) => body[Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase()) ?? name];
  const text = (name: string) => {
    const v = field(name);
    if (v === undefined || v === null) return null;
    if (typeof v !== "string") throw invalidValue(name, "must be a string");
    return v;
  };
  const integer = (name: string) => {
    const v = field(name);
    if (v === undefined || v === null) return null;
    if (typeof v !== "number" || !Number.isInteger(v)) throw invalidValue(name, "must be an integer");
    return String(v);
  };
  const list = (name: string) => {
    const v = field(name);
    if (v === undefined || v === null) return null;
    if (!Array.isArray(v)) throw invalidValue(name, "must be an array of attribute names");
    return v as string[];
  };
  const sortOrder = text("sortOrder");
  if (sortOrder !== null && !["ascending", "descending"].includes(sortOrder))
    throw invalidValue("sortOrder", 'must be "ascending" or "descending"');
  text("sortBy");
  return {
    filter: text("filter"),
    startIndex: integer("startIndex"),
    count: integer("count"),
    projection: readProjection(list("attributes"), list("excludedAttributes")),
  };
}
