import { isPlainObject, keyOf, type ScimObject } from "./coerce";
import { invalidSyntax, invalidValue, ScimError } from "./errors";
import { parseFilter, type Filter } from "./filter";
import { readPatchOperations } from "./patch";
import { MAX_SCIM_TEXT } from "./profile";

/**
 * The SCIM Group (RFC 7643 §4.2): a name, the client's externalId, and members that are Users of
 * the same source. Clearance keeps groups so that policies can use them (`groups: { includes:
 * [platform-oncall] }`); a member's groups are one of their attributes.
 */
export const GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";

export interface ScimGroupState {
  displayName: string;
  externalId: string | null;
  /** the members' User ids */
  members: string[];
}

export interface ScimGroupRow {
  id: string;
  displayName: string;
  externalId: string | null;
  /** null when the client asked without members (excludedAttributes=members) */
  members: { id: string; displayName: string | null }[] | null;
  createdAt: Date;
  updatedAt: Date;
}

export const groupVersionOf = (updatedAt: Date) => `W/"${updatedAt.getTime()}"`;

export function toScimGroup(g: ScimGroupRow, urls: { groupsUrl: string; usersUrl: string }): ScimObject {
  return {
    schemas: [GROUP_SCHEMA],
    id: g.id,
    ...(g.externalId ? { externalId: g.externalId } : {}),
    displayName: g.displayName,
    ...(g.members && g.members.length
      ? {
          members: g.members.map((m) => ({
            value: m.id,
            $ref: `${urls.usersUrl}/${m.id}`,
            type: "User",
            ...(m.displayName ? { display: m.displayName } : {}),
          })),
        }
      : {}),
    meta: {
      resourceType: "Group",
      created: g.createdAt.toISOString(),
      lastModified: g.updatedAt.toISOString(),
      location: `${urls.groupsUrl}/${g.id}`,
      version: groupVersionOf(g.updatedAt),
    },
  };
}

const MAX_NAME = 200;

function readName(v: unknown, field = "displayName"): string {
  if (typeof v !== "string" || v.trim() === "") throw invalidValue(field, "is required");
  if (v.trim().length > MAX_NAME) throw invalidValue(field, `is longer than ${MAX_NAME} characters`);
  return v.trim();
}

function readExternalId(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") throw invalidValue("externalId", `must be a string, not ${JSON.stringify(v)}`);
  if (v.trim().length > MAX_SCIM_TEXT) throw invalidValue("externalId", `is longer than ${MAX_SCIM_TEXT} characters`);
  return v.trim() || null;
}

/** members as sent: `[{"value": id}]`, a single object, or (leniently) bare ids; `$ref`, `display`, `type` ignored. */
function readMembers(v: unknown, field = "members"): string[] {
  if (v === null || v === undefined) return [];
  const items = Array.isArray(v) ? v : [v];
  return items.map((item, i) => {
    const value = isPlainObject(item) ? item[keyOf(item, "value") ?? "value"] : item;
    if (typeof value !== "string" || value.trim() === "")
      throw invalidValue(`${field}[${i}].value`, "must be the id of a User");
    return value.trim();
  });
}

const unique = (ids: string[]) => [...new Set(ids)];

/** A Group sent by POST or PUT. id and meta are read-only and ignored; other attributes are refused. */
export function readGroupResource(body: unknown): ScimGroupState {
  if (!isPlainObject(body)) throw invalidSyntax("The body must be a SCIM Group (a JSON object)", "body");
  const schemas = body[keyOf(body, "schemas") ?? "schemas"];
  if (
    !Array.isArray(schemas) ||
    !schemas.some((s) => typeof s === "string" && s.toLowerCase() === GROUP_SCHEMA.toLowerCase())
  )
    throw invalidSyntax(`schemas must include "${GROUP_SCHEMA}"`, "schemas");
  for (const key of Object.keys(body))
    if (!["schemas", "id", "meta", "displayname", "externalid", "members"].includes(key.toLowerCase()))
      throw invalidValue(key, "is not an attribute of a Group (see /Schemas)");
  return {
    displayName: readName(body[keyOf(body, "displayName") ?? "displayName"]),
    externalId: readExternalId(body[keyOf(body, "externalId") ?? "externalId"]),
    members: unique(readMembers(body[keyOf(body, "members") ?? "members"])),
  };
}

/** `members[value eq "id"]` (and `or` of such): the ids it names, as Okta and Entra remove members. */
function memberIdsOf(filter: Filter): string[] {
  if (filter.kind === "or") return [...memberIdsOf(filter.left), ...memberIdsOf(filter.right)];
  if (
    filter.kind === "compare" &&
    filter.op === "eq" &&
    !filter.path.schema &&
    !filter.path.subAttribute &&
    filter.path.attribute.toLowerCase() === "value" &&
    typeof filter.value === "string"
  )
    return [filter.value];
  throw new ScimError("invalidPath", 'a members filter names members by value: members[value eq "<id>"]', {
    field: "path",
  });
}

type Op = "add" | "remove" | "replace";

function applyAt(state: ScimGroupState, op: Op, path: string, value: unknown) {
  const open = path.indexOf("[");
  if (open >= 0) {
    if (path.slice(0, open).trim().toLowerCase() !== "members" || !path.trim().endsWith("]"))
      throw new ScimError("invalidPath", `"${path}": only members[value eq "<id>"] takes a filter`, { field: "path" });
    if (op !== "remove")
      throw new ScimError("invalidPath", `"${path}": add or replace members with the path "members"`, {
        field: "path",
      });
    const gone = new Set(memberIdsOf(parseFilter(path.slice(open + 1, path.trim().length - 1))));
    state.members = state.members.filter((m) => !gone.has(m));
    return;
  }
  switch (path.trim().toLowerCase()) {
    case "members": {
      const ids = readMembers(value);
      if (op === "add") state.members = unique([...state.members, ...ids]);
      else if (op === "replace") state.members = unique(ids);
      // remove with a value removes those members (Entra ID); without one, every member (RFC 7644 §3.5.2.2)
      else if (value === undefined || value === null) state.members = [];
      else state.members = state.members.filter((m) => !ids.includes(m));
      return;
    }
    case "displayname":
      if (op === "remove") throw new ScimError("mutability", "displayName is required", { field: "displayName" });
      state.displayName = readName(value);
      return;
    case "externalid":
      state.externalId = op === "remove" ? null : readExternalId(value);
      return;
    case "id":
    case "meta":
    case "schemas":
      return;
    default:
      throw new ScimError("invalidPath", `${path} is not an attribute of a Group (see /Schemas)`, { field: "path" });
  }
}

/**
 * Applies a PatchOp to a Group, all operations or none (RFC 7644 §3.5.2), in the styles Okta and
 * Entra ID send: `add`/`remove` of `members` with a value list, `remove` with
 * `members[value eq "id"]`, Entra's `Replace` of `members`, and (Okta) `replace` without a path
 * whose value names `displayName` (and echoes `id`).
 */
export function applyGroupPatch(current: ScimGroupState, body: unknown): ScimGroupState {
  const next: ScimGroupState = { ...current, members: [...current.members] };
  readPatchOperations(body).forEach(({ op, path, value }, i) => {
    try {
      if (path) return applyAt(next, op, path, value);
      if (op === "remove") throw new ScimError("noTarget", "remove needs a path", { field: "path" });
      if (!isPlainObject(value))
        throw invalidSyntax(`${op} without a path needs an object of attributes as its value`, "value");
      for (const [key, v] of Object.entries(value)) applyAt(next, op, key, v);
    } catch (err) {
      if (err instanceof ScimError)
        throw new ScimError(err.scimType, `Operations[${i}] (${op}${path ? ` ${path}` : ""}): ${err.message}`, {
          field: err.field,
          code: err.code,
        });
      throw err;
    }
  });
  return next;
}

/**
 * attributes / excludedAttributes for Groups (RFC 7644 §3.4.2.5): top-level names in any case;
 * `id` and `schemas` always stay. `members` left out spares loading them (large groups).
 */
export function readGroupProjection(params: URLSearchParams) {
  const list = (name: string) =>
    (params.get(name) ?? "")
      .split(",")
      .map((n) =>
        n
          .trim()
          .replace(/^urn:ietf:params:scim:schemas:core:2\.0:Group:/i, "")
          .toLowerCase(),
      )
      .filter(Boolean);
  const attributes = list("attributes");
  const excluded = list("excludedAttributes");
  if (attributes.length && excluded.length)
    throw invalidSyntax("Send attributes or excludedAttributes, not both", "attributes");
  const wanted = (name: string) =>
    ["id", "schemas"].includes(name) ||
    (attributes.length ? attributes.some((a) => a === name || a.startsWith(`${name}.`)) : !excluded.includes(name));
  return {
    members: wanted("members"),
    project: (group: ScimObject): ScimObject =>
      Object.fromEntries(Object.entries(group).filter(([k]) => wanted(k.toLowerCase()))),
  };
}
