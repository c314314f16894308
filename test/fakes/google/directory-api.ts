import type { FakeGroup, FakeMember } from "./data";
import { badRequest, etag, type FakeFailure, type FakeGoogleState, type Kind } from "./http";

/**
 * users.list, groups.list and members.list over the fake's state, in Google's shapes (see
 * ../google-directory.ts for the reference pages): opaque page tokens, `kind` and `etag` on the
 * list and on every item, an empty list left out of the answer as Google does.
 */

export const findGroupIn = (state: FakeGoogleState, key: string) =>
  state.groups.find((g) => g.id === key || g.email === key.toLowerCase());

/** One page of `items` from the offset in pageToken; the token names the list it belongs to. */
function page<T>(
  state: FakeGoogleState,
  kind: Kind,
  list: string,
  items: T[],
  q: URLSearchParams,
  max: number,
  dflt: number,
) {
  const asked = q.has("maxResults") ? Number(q.get("maxResults")) : dflt;
  if (!Number.isInteger(asked) || asked < 1 || asked > max) throw badRequest("Invalid Input: maxResults");
  let offset = 0;
  const pageToken = q.get("pageToken");
  if (pageToken) {
    const [tokenList, at] = Buffer.from(pageToken, "base64url").toString("utf8").split("\n");
    offset = Number(at);
    if (tokenList !== list || !Number.isInteger(offset) || offset < 0) throw badRequest("Invalid Input: pageToken");
  }
  const size = Math.min(asked, state.maxPageSize[kind]);
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(`${list}\n${offset + size}`).toString("base64url") : null;
  return { slice, next };
}

function inScope(
  state: FakeGoogleState,
  q: URLSearchParams,
  email: (x: { email?: string; primaryEmail?: string }) => string | undefined,
) {
  const customer = q.get("customer");
  const domain = q.get("domain")?.toLowerCase();
  if (!customer && !domain) throw badRequest("Bad Request");
  if (customer && customer !== "my_customer" && customer !== state.customerId) throw badRequest("Bad Request");
  return (x: { email?: string; primaryEmail?: string }) => !domain || (email(x) ?? "").endsWith(`@${domain}`);
}

function unsupported(q: URLSearchParams, params: string[]) {
  const used = params.find((p) => q.has(p));
  if (used) throw badRequest(`the fake does not implement ${used}`);
}

/** The JSON body for a GET on a Directory API path (before `fields`); throws a FakeFailure for an error answer. */
export function directoryAnswer(state: FakeGoogleState, path: string, q: URLSearchParams): unknown {
  if (path === "/admin/directory/v1/users") {
    unsupported(q, ["query", "orderBy", "sortOrder", "showDeleted", "event", "customFieldMask"]);
    const projection = q.get("projection") ?? "basic";
    if (!["basic", "full", "custom"].includes(projection)) throw badRequest("Invalid value for projection");
    const keep = inScope(state, q, (u) => u.primaryEmail);
    const { slice, next } = page(state, "users", "users", state.users.filter(keep), q, 500, 100);
    const users = slice.map((u) => {
      const { customSchemas: _omitted, ...basic } = u;
      const served = projection === "basic" ? basic : u;
      return { kind: "admin#directory#user", ...served, etag: etag(served) };
    });
    return list("admin#directory#users", "users", users, next);
  }
  if (path === "/admin/directory/v1/groups") {
    unsupported(q, ["query", "orderBy", "sortOrder", "userKey"]);
    const keep = inScope(state, q, (g) => g.email);
    const { slice, next } = page(state, "groups", "groups", state.groups.filter(keep), q, 200, 200);
    const groups = slice.map(({ members, ...g }) => ({
      kind: "admin#directory#group",
      ...g,
      etag: etag(g),
      directMembersCount: String(members.length),
      adminCreated: true,
      nonEditableAliases: [],
    }));
    return list("admin#directory#groups", "groups", groups, next);
  }
  const m = /^\/admin\/directory\/v1\/groups\/([^/]+)\/members$/.exec(path);
  if (m) {
    const group = findGroupIn(state, decodeURIComponent(m[1]!));
    if (!group) throw { status: 404, reason: "notFound", message: "Resource Not Found: groupKey" };
    let members = group.members;
    if (q.get("includeDerivedMembership") === "true") members = derived(state, group);
    const roles = q.get("roles")?.split(",");
    if (roles) members = members.filter((x) => roles.includes(x.role));
    const { slice, next } = page(state, "members", `members ${group.id}`, members, q, 200, 200);
    const items = slice.map((x) => ({ kind: "admin#directory#member", etag: etag(x), ...x }));
    return list("admin#directory#members", "members", items, next);
  }
  throw { status: 404, reason: "notFound", message: "Not Found" } satisfies FakeFailure;
}

/** Direct members plus, through member groups, everyone in them (each person once). */
function derived(state: FakeGoogleState, group: FakeGroup, seen = new Set<string>()): FakeMember[] {
  seen.add(group.id);
  const out = new Map(group.members.map((x) => [x.id, x]));
  for (const x of group.members) {
    const inner = x.type === "GROUP" && !seen.has(x.id) ? findGroupIn(state, x.id) : undefined;
    if (inner) for (const y of derived(state, inner, seen)) if (!out.has(y.id)) out.set(y.id, y);
  }
  return [...out.values()];
}

function list(kind: string, field: string, items: unknown[], next: string | null) {
  const body: Record<string, unknown> = { kind, etag: etag(items.map((i) => (i as { etag: string }).etag)) };
  if (items.length) body[field] = items;
  if (next) body.nextPageToken = next;
  return body;
}
