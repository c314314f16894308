import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authorityHandler } from "./entra/authority";
import { FakeDirectory, type RoundQuery } from "./entra/directory";
import { b64, idFilter, preferences, sendGraphError, sendJson, unb64 } from "./entra/protocol";
import { FAKE_GRAPH_CERT, FAKE_GRAPH_KEY } from "./entra/tls";
import type { FakeEntraGroup, FakeEntraUserInput } from "./entra/users";

/**
 * A local stand-in for Microsoft Entra ID's token endpoint and the part of Microsoft Graph v1.0
 * that directory pull reads, so that the real @azure/identity ClientSecretCredential and
 * @microsoft/microsoft-graph-client can be pointed at it (authorityHost and the Graph base URL are
 * both `url`). It serves https (see entra/tls.ts: Microsoft's libraries refuse plain http); call
 * trustFakeGraphCertificate() in the process that talks to it. Written to Microsoft's reference:
 * - client credentials token request, errors (AADSTS7000215 invalid_client for a wrong secret)
 *   https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 * - OpenID Connect discovery document (the only other request MSAL makes, with
 *   disableInstanceDiscovery) https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * - user: delta https://learn.microsoft.com/en-us/graph/api/user-delta and group: delta
 *   https://learn.microsoft.com/en-us/graph/api/group-delta ($select, $skiptoken, $deltatoken,
 *   Prefer: return=minimal and odata.maxpagesize; computed in entra/directory.ts)
 * - delta query overview https://learn.microsoft.com/en-us/graph/delta-query-overview (410 Gone
 *   with a Location header to reset a sync; an unknown or expired token answers 400
 *   syncStateNotFound, https://devblogs.microsoft.com/microsoft365dev/duration-of-change-tracking-tokens-for-identity-and-education-resources/)
 * - list users / list groups ($top 1–999, $select, $filter on id with eq and in)
 *   https://learn.microsoft.com/en-us/graph/api/user-list, https://learn.microsoft.com/en-us/graph/api/group-list
 * - throttling: 429 with Retry-After https://learn.microsoft.com/en-us/graph/throttling
 * - error bodies https://learn.microsoft.com/en-us/graph/errors; 401 InvalidAuthenticationToken
 *   without a valid bearer, 403 Authorization_RequestDenied "Insufficient privileges to complete
 *   the operation." for a denied path.
 * Deterministic and in memory; a delta token names a version of the directory, so the next round
 * returns what changed since.
 */
export interface FakeGraphOptions {
  users?: FakeEntraUserInput[];
  groups?: FakeEntraGroup[];
  tenantId?: string;
  /** the tenant's initial domain, accepted in place of the id */
  tenantDomain?: string;
  clientId?: string;
  clientSecret?: string;
  /** the most objects a page holds, whatever the client prefers (default 999) */
  pageSize?: number;
  /** the most members one group entry of a groups delta carries; a bigger group spans entries (default 500) */
  membersPerEntry?: number;
}

export interface RecordedRequest {
  method: string;
  /** path and query as sent */
  url: string;
  path: string;
  prefer: string | undefined;
}

export interface FakeGraph {
  /** https://127.0.0.1:PORT: the authority host and the Graph base URL */
  url: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** the directory; its methods change it between reads (addUser, updateUser, deleteUser, addMembers…) */
  state: FakeDirectory;
  /** every request, in order (never bodies) */
  requests: RecordedRequest[];
  /** The next `n` Graph requests answer `status` (429, or 503) with Retry-After. */
  throttleNext(n: number, options?: { retryAfterSeconds?: number; status?: 429 | 503 }): void;
  /** The next `n` Graph requests answer `status` (default 500) with a Graph error. */
  failNext(n: number, status?: number): void;
  /** Graph requests whose path starts with `pathPrefix` answer 403 Authorization_RequestDenied. */
  deny(pathPrefix: string): void;
  allow(pathPrefix: string): void;
  /** Graph requests whose path starts with `pathPrefix` are never answered (until close). */
  hang(pathPrefix: string): void;
  /** The next delta-link request answers 410 Gone: the client must start over. */
  requireResync(): void;
  /** Every delta token issued so far is unknown from now on (as after seven days). */
  expireDeltaTokens(): void;
  /** Ends throttling, failures, denials, hangs and a pending resync. */
  resetFaults(): void;
  close(): Promise<void>;
}

interface Session {
  resource: "users" | "groups";
  entries: Record<string, unknown>[];
  context: string;
  /** delta rounds: the version and $select the round's delta token will carry; null for lists */
  delta: { version: number; select: string[] | null } | null;
}

export async function startFakeGraph(options: FakeGraphOptions = {}): Promise<FakeGraph> {
  const tenantId = options.tenantId ?? "72f988bf-86f1-41af-91ab-2d7cd011db47";
  const tenantDomain = options.tenantDomain ?? "contoso.onmicrosoft.com";
  const clientId = options.clientId ?? "8a6c7bd3-3c43-4a4e-9d2b-5f0e3c1d2a10";
  const clientSecret = options.clientSecret ?? "fake~client~secret~0123456789abcdef";
  const pageSize = options.pageSize ?? 999;
  const membersPerEntry = options.membersPerEntry ?? 500;
  const state = new FakeDirectory(options.users, options.groups);
  const requests: RecordedRequest[] = [];
  const tokens = new Map<string, number>(); // access token -> expiry (ms)
  const sessions = new Map<number, Session>();
  const deltaTokens = new Map<string, { resource: "users" | "groups"; version: number; select: string[] | null }>();
  let sessionCount = 0;
  let throttle = { n: 0, retryAfter: 1, status: 429 };
  let failures = { n: 0, status: 500 };
  let resync = false;
  const denied = new Set<string>();
  const hanging = new Set<string>();
  const hung = new Set<ServerResponse>();
  let base = "";

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", base);
    const path = url.pathname;
    requests.push({
      method: req.method ?? "",
      url: req.url ?? "",
      path,
      prefer: [req.headers.prefer ?? []].flat().join(", ") || undefined,
    });
    const tenantPath = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(path);
    if (tenantPath) return authority(req, res, tenantPath[1]!, tenantPath[2]!);
    if (!path.startsWith("/v1.0/")) return sendGraphError(req, res, 404, "UnknownError", `No route for ${path}`);
    if ([...hanging].some((p) => path.startsWith(p))) return void hung.add(res);
    if (throttle.n > 0) {
      throttle.n--;
      const [code, message] =
        throttle.status === 429
          ? ["TooManyRequests", "Too many requests."]
          : ["serviceNotAvailable", "Service unavailable."];
      return sendGraphError(req, res, throttle.status, code, message, { "retry-after": String(throttle.retryAfter) });
    }
    if (failures.n > 0) {
      failures.n--;
      return sendGraphError(req, res, failures.status, "generalException", "General exception while processing.");
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!bearer) return sendGraphError(req, res, 401, "InvalidAuthenticationToken", "Access token is empty.");
    if ((tokens.get(bearer) ?? 0) < Date.now())
      return sendGraphError(req, res, 401, "InvalidAuthenticationToken", "Access token validation failure.");
    if ([...denied].some((p) => path.startsWith(p)))
      return sendGraphError(
        req,
        res,
        403,
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
      );
    if (req.method !== "GET") return sendGraphError(req, res, 405, "Request_BadRequest", "Method not allowed.");
    const resource = /^\/v1\.0\/(users|groups)(\/delta)?$/.exec(path);
    if (!resource) return sendGraphError(req, res, 404, "Request_ResourceNotFound", `Resource not found: ${path}`);
    const kind = resource[1] as "users" | "groups";
    const skipToken = url.searchParams.get("$skiptoken");
    if (skipToken !== null) return page(req, res, skipToken);
    return resource[2] ? delta(req, res, kind, url) : list(req, res, kind, url);
  }

  const selectOf = (url: URL) =>
    url.searchParams.has("$select")
      ? url.searchParams
          .get("$select")!
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : null;
  const contextOf = (kind: string, select: string[] | null) =>
    `${base}/v1.0/$metadata#${kind}${select ? `(${select.join(",")})` : ""}`;

  function delta(req: IncomingMessage, res: ServerResponse, kind: "users" | "groups", url: URL) {
    const deltaToken = url.searchParams.get("$deltatoken");
    let round: { version: number; select: string[] | null } = { version: state.version, select: selectOf(url) };
    let since: number | null = null;
    if (deltaToken !== null && deltaToken !== "latest") {
      if (resync) {
        resync = false;
        return sendGraphError(req, res, 410, "resyncRequired", "Resync is required.", {
          location: `${base}/v1.0/${kind}/delta?$deltatoken=`,
        });
      }
      const known = deltaTokens.get(deltaToken);
      if (!known || known.resource !== kind)
        return sendGraphError(
          req,
          res,
          400,
          "syncStateNotFound",
          "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
        );
      since = known.version;
      round = { version: state.version, select: known.select };
    }
    const select = round.select ? new Set(round.select) : null;
    const q: RoundQuery = { select, since, minimal: preferences(req).minimal };
    const entries =
      deltaToken === "latest" ? [] : kind === "users" ? state.usersRound(q) : state.groupsRound(q, membersPerEntry);
    const id = ++sessionCount;
    sessions.set(id, { resource: kind, entries, context: contextOf(kind, round.select), delta: round });
    return page(req, res, b64({ s: id, o: 0 }));
  }

  function list(req: IncomingMessage, res: ServerResponse, kind: "users" | "groups", url: URL) {
    const top = url.searchParams.has("$top") ? Number(url.searchParams.get("$top")) : 100;
    if (!Number.isInteger(top) || top < 1 || top > 999)
      return sendGraphError(
        req,
        res,
        400,
        "Request_UnsupportedQuery",
        `Invalid page size specified: '${top}'. Must be between 1 and 999 inclusive.`,
      );
    const filter = url.searchParams.get("$filter");
    const ids = filter === null ? null : idFilter(filter);
    if (filter !== null && ids === null)
      return sendGraphError(req, res, 400, "Request_UnsupportedQuery", "Unsupported Query.");
    if (ids && ids.length > 15)
      return sendGraphError(
        req,
        res,
        400,
        "Request_UnsupportedQuery",
        "Too many child clauses specified in search filter expression containing 'OR' operators: 16. Max allowed: 15.",
      );
    const select = selectOf(url);
    const selected = select ? new Set(select) : null;
    const entries =
      kind === "users"
        ? (ids ? ids.map((i) => state.users.get(i)).filter((u) => u !== undefined) : [...state.users.values()]).map(
            (u) => state.userEntry(u, selected, false),
          )
        : (ids ? ids.map((i) => state.groups.get(i)).filter((g) => g !== undefined) : [...state.groups.values()]).map(
            (g) => (!selected || selected.has("displayName") ? { id: g.id, displayName: g.displayName } : { id: g.id }),
          );
    const id = ++sessionCount;
    sessions.set(id, { resource: kind, entries, context: contextOf(kind, select), delta: null });
    return page(req, res, b64({ s: id, o: 0, top }));
  }

  function page(req: IncomingMessage, res: ServerResponse, skipToken: string) {
    const at = unb64<{ s: number; o: number; top?: number }>(skipToken);
    const session = at && sessions.get(at.s);
    if (!at || !session)
      return sendGraphError(
        req,
        res,
        400,
        "Directory_ExpiredPageToken",
        "The specified page token value has expired and can no longer be included in your request.",
      );
    const wanted = at.top ?? preferences(req).maxPageSize ?? 100;
    const size = Math.min(wanted, pageSize);
    const value = session.entries.slice(at.o, at.o + size);
    const body: Record<string, unknown> = { "@odata.context": session.context };
    const path = `${base}/v1.0/${session.resource}${session.delta ? "/delta" : ""}`;
    if (at.o + size < session.entries.length) {
      body["@odata.nextLink"] = `${path}?$skiptoken=${b64({ ...at, o: at.o + size })}`;
    } else {
      sessions.delete(at.s);
      if (session.delta) {
        const token = b64({ r: session.resource, v: session.delta.version, n: sessionCount });
        deltaTokens.set(token, { resource: session.resource, ...session.delta });
        body["@odata.deltaLink"] = `${path}?$deltatoken=${token}`;
      }
    }
    body.value = value;
    const applied = preferences(req).maxPageSize ? { "preference-applied": `odata.maxpagesize=${size}` } : undefined;
    return sendJson(res, 200, body, applied);
  }

  const server: Server = createServer({ key: FAKE_GRAPH_KEY, cert: FAKE_GRAPH_CERT }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendGraphError(req, res, 500, "generalException", String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const authority = authorityHandler({ base, tenantId, tenantDomain, clientId, clientSecret, tokens });

  return {
    url: base,
    tenantId,
    clientId,
    clientSecret,
    state,
    requests,
    throttleNext: (n, o = {}) => void (throttle = { n, retryAfter: o.retryAfterSeconds ?? 1, status: o.status ?? 429 }),
    failNext: (n, status = 500) => void (failures = { n, status }),
    deny: (p) => void denied.add(p),
    allow: (p) => void denied.delete(p),
    hang: (p) => void hanging.add(p),
    requireResync: () => void (resync = true),
    expireDeltaTokens: () => deltaTokens.clear(),
    resetFaults: () => {
      throttle = { ...throttle, n: 0 };
      failures = { ...failures, n: 0 };
      resync = false;
      denied.clear();
      hanging.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hung) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export { trustFakeGraphCertificate } from "./entra/tls";
export { entraId, entraUsers, type FakeEntraGroup, type FakeEntraUser, type FakeEntraUserInput } from "./entra/users";
export type { FakeDirectory } from "./entra/directory";
