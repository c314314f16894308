import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local Okta org for the directory pull, speaking the Management API as Okta documents it:
 * - List users: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers
 *   (`limit` up to 200, `after` cursor, `search` with `lastUpdated gt "…"`, DEPROVISIONED left out
 *   unless a search asks, pages by `Link: <…>; rel="next"`)
 * - List groups / group members: .../tag/Group/#tag/Group/operation/listGroups and listGroupUsers
 *   (`search` on lastUpdated and lastMembershipUpdated)
 * - Errors: https://developer.okta.com/docs/reference/error-codes/ (E0000011 invalid token,
 *   E0000006 no permission, E0000047 rate limit) and rate-limit headers
 *   https://developer.okta.com/docs/reference/rl-best-practices/ (X-Rate-Limit-Limit/-Remaining/-Reset).
 */
export interface FakeOktaUser {
  id: string;
  status: string;
  lastUpdated: string;
  profile: Record<string, string | null>;
}
export interface FakeOktaGroup {
  id: string;
  name: string;
  members: string[];
  lastUpdated: string;
  lastMembershipUpdated: string;
  /** OKTA_GROUP (default), APP_GROUP, BUILT_IN */
  type?: string;
}

export interface FakeOkta {
  url: string;
  token: string;
  users: Map<string, FakeOktaUser>;
  groups: Map<string, FakeOktaGroup>;
  /** paths called, in order (with their query) */
  calls: string[];
  /** the next `n` calls answer 429; their X-Rate-Limit-Reset is `resetInSeconds` ahead */
  throttle(n: number, resetInSeconds?: number): void;
  /** calls under this path prefix answer 403 E0000006 */
  forbid(prefix: string | null): void;
  /** Okta's clock (the real one, as in its Date header): a change stamps lastUpdated with it */
  now(): string;
  close(): Promise<void>;
}

const oktaError = (code: string, summary: string) => ({
  errorCode: code,
  errorSummary: summary,
  errorLink: code,
  errorId: `oae${code}`,
  errorCauses: [],
});

/** `n` people in the shape Okta returns, ids sortable like Okta's. */
export function oktaUsers(n: number, at: string): FakeOktaUser[] {
  const departments = ["Engineering", "Sales", "Finance", "Marketing", "Support"];
  return Array.from({ length: n }, (_, i) => ({
    id: `00u${String(i).padStart(8, "0")}`,
    status: "ACTIVE",
    lastUpdated: at,
    profile: {
      login: `okta.user${i}@company.com`,
      email: `okta.user${i}@company.com`,
      firstName: "Okta",
      lastName: `User ${i}`,
      title: "Engineer",
      department: departments[i % departments.length]!,
      userType: "Employee",
      employeeNumber: `OK-${i}`,
      city: "Lisbon",
    },
  }));
}

export async function startFakeOkta(
  opts: { users?: FakeOktaUser[]; groups?: FakeOktaGroup[]; port?: number } = {},
): Promise<FakeOkta> {
  const token = "00fake-okta-api-token";
  const users = new Map((opts.users ?? []).map((u) => [u.id, u]));
  const groups = new Map((opts.groups ?? []).map((g) => [g.id, g]));
  const calls: string[] = [];
  let throttled = 0;
  let resetIn = 1;
  let forbidden: string | null = null;
  let base = "";

  const userJson = (u: FakeOktaUser) => ({
    id: u.id,
    status: u.status,
    created: "2024-01-01T00:00:00.000Z",
    activated: "2024-01-01T00:00:00.000Z",
    statusChanged: u.lastUpdated,
    lastLogin: null,
    lastUpdated: u.lastUpdated,
    passwordChanged: null,
    type: { id: "otyfake" },
    profile: u.profile,
    credentials: { provider: { type: "OKTA", name: "OKTA" } },
    _links: { self: { href: `${base}/api/v1/users/${u.id}` } },
  });
  const groupJson = (g: FakeOktaGroup) => ({
    id: g.id,
    created: "2024-01-01T00:00:00.000Z",
    lastUpdated: g.lastUpdated,
    lastMembershipUpdated: g.lastMembershipUpdated,
    objectClass: ["okta:user_group"],
    type: g.type ?? "OKTA_GROUP",
    profile: { name: g.name, description: null },
    _links: { users: { href: `${base}/api/v1/groups/${g.id}/users` } },
  });

  /**
   * The searches the pull sends: `lastUpdated gt "T"`, and for groups `type eq "OKTA_GROUP"`, alone
   * or `and (lastUpdated gt "T" or lastMembershipUpdated gt "T")`.
   */
  const matches = (search: string | null, item: Record<string, string>) => {
    if (!search) return true;
    const typed = /^type eq "([A-Z_]+)"(?: and \((.+)\))?$/.exec(search);
    if (typed && item.type !== typed[1]) return false;
    const times = typed ? typed[2] : search;
    if (!times) return true;
    return times.split(/\s+or\s+/).some((clause) => {
      const m = /^(lastUpdated|lastMembershipUpdated) gt "([^"]+)"$/.exec(clause.trim());
      if (!m) throw new Error(`unsupported search ${clause}`);
      return Date.parse(item[m[1]!]!) > Date.parse(m[2]!);
    });
  };

  /** One page after `after` (ids are ordered), with Okta's Link headers. */
  function page<T extends { id: string }>(
    res: ServerResponse,
    url: URL,
    items: T[],
    max: number,
    json: (t: T) => unknown,
  ) {
    const limit = Math.min(Number(url.searchParams.get("limit") ?? max) || max, max);
    const after = url.searchParams.get("after");
    const sorted = items.sort((a, b) => (a.id < b.id ? -1 : 1));
    const start = after ? sorted.findIndex((i) => i.id > after) : 0;
    const slice = start < 0 ? [] : sorted.slice(start, start + limit);
    const links = [`<${base}${url.pathname}${url.search}>; rel="self"`];
    if (start >= 0 && start + limit < sorted.length) {
      const next = new URL(url.toString());
      next.searchParams.set("after", slice[slice.length - 1]!.id);
      next.searchParams.set("limit", String(limit));
      links.push(`<${base}${next.pathname}${next.search}>; rel="next"`);
    }
    res.setHeader("link", links.join(", "));
    send(res, 200, slice.map(json));
  }

  function send(res: ServerResponse, status: number, body: unknown) {
    res.statusCode = status;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(body));
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url!, base);
    calls.push(`${url.pathname}${url.search}`);
    const reset = Math.ceil(Date.now() / 1000) + resetIn;
    res.setHeader("date", new Date().toUTCString());
    res.setHeader("x-okta-request-id", `req${calls.length}`);
    res.setHeader("x-rate-limit-limit", "600");
    res.setHeader("x-rate-limit-remaining", throttled > 0 ? "0" : "599");
    res.setHeader("x-rate-limit-reset", String(reset));
    // not Okta's: the e2e runner waits for this before starting the app
    if (url.pathname === "/health") return send(res, 200, { ok: true });
    if (req.headers.authorization !== `SSWS ${token}`)
      return send(res, 401, oktaError("E0000011", "Invalid token provided"));
    if (throttled > 0) {
      throttled--;
      return send(res, 429, oktaError("E0000047", "API call exceeded rate limit due to too many requests."));
    }
    if (forbidden && url.pathname.startsWith(forbidden))
      return send(res, 403, oktaError("E0000006", "You do not have permission to perform the requested action"));
    const search = url.searchParams.get("search");
    const members = /^\/api\/v1\/groups\/([^/]+)\/users$/.exec(url.pathname);
    if (url.pathname === "/api/v1/users") {
      const list = [...users.values()].filter((u) =>
        search ? matches(search, { lastUpdated: u.lastUpdated }) : u.status !== "DEPROVISIONED",
      );
      return page(res, url, list, 200, userJson);
    }
    if (url.pathname === "/api/v1/groups") {
      const list = [...groups.values()].filter((g) =>
        matches(search, {
          type: g.type ?? "OKTA_GROUP",
          lastUpdated: g.lastUpdated,
          lastMembershipUpdated: g.lastMembershipUpdated,
        }),
      );
      return page(res, url, list, 10_000, groupJson);
    }
    if (members) {
      const group = groups.get(members[1]!);
      if (!group) return send(res, 404, oktaError("E0000007", `Not found: Resource not found: ${members[1]} (Group)`));
      const list = group.members.flatMap((id) => (users.has(id) ? [users.get(id)!] : []));
      return page(res, url, list, 1000, userJson);
    }
    return send(res, 404, oktaError("E0000022", "The endpoint does not support the provided HTTP method"));
  }

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    token,
    users,
    groups,
    calls,
    throttle(n, resetInSeconds = 1) {
      throttled = n;
      resetIn = resetInSeconds;
    },
    forbid(prefix) {
      forbidden = prefix;
    },
    now: () => new Date().toISOString(),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
