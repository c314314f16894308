import { randomBytes, type KeyObject } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FakeGroup, FakeMember, FakeUser } from "./google/data";
import { directoryAnswer, findGroupIn } from "./google/directory-api";
import { applyFieldMask, FieldMaskError, parseFieldMask } from "./google/fields";
import {
  badRequest,
  DIRECTORY_SCOPES,
  FORBIDDEN,
  googleError,
  RATE_LIMITED,
  READ_ONLY_SCOPES,
  send,
  type FakeFailure,
  type FakeGoogleState,
  type Kind,
} from "./google/http";
import { JWT_BEARER, verifyAssertion } from "./google/token";

export * from "./google/data";
export { DIRECTORY_SCOPES, type FakeFailure, type FakeGoogleState } from "./google/http";
export { fakeServiceAccount, type FakeServiceAccount } from "./google/token";

/**
 * A local stand-in for the parts of Google's Admin SDK Directory API and OAuth token endpoint that
 * directory pull uses, so the real @googleapis/admin client (rootUrl) and google-auth-library (the
 * key file's token_uri) can be pointed at it. Written to Google's reference:
 * - users.list   https://developers.google.com/workspace/admin/directory/reference/rest/v1/users/list
 *   (customer or domain required; maxResults 1..500, default 100; projection basic|full|custom)
 * - groups.list  https://developers.google.com/workspace/admin/directory/reference/rest/v1/groups/list
 *   (maxResults 1..200, default 200)
 * - members.list https://developers.google.com/workspace/admin/directory/reference/rest/v1/members/list
 *   (groupKey = id or email; maxResults 1..200, default 200; includeDerivedMembership; roles)
 * - pages: nextPageToken / pageToken, opaque; `kind` and `etag` on lists and items
 * - partial responses (`fields`): https://developers.google.com/workspace/admin/directory/v1/guides/performance
 * - errors {"error":{"code","message","errors":[{"domain","reason","message"}],"status"}} and the
 *   429 / 403 rate-limit reasons: https://developers.google.com/workspace/admin/directory/v1/limits
 * - token endpoint, JWT bearer grant with domain-wide delegation (sub):
 *   https://developers.google.com/identity/protocols/oauth2/service-account (see google/token.ts)
 * Scopes are checked per method (403 insufficientPermissions); only an admin's token may read
 * (403 forbidden "Not Authorized to access this resource/api"), as on Google.
 */

export interface FakeGoogleOptions {
  /** service accounts whose public keys the token endpoint verifies assertions with */
  serviceAccounts: { clientEmail: string; clientId: string; publicKey: KeyObject }[];
  /** scopes each client ID is granted under domain-wide delegation; default: the two read-only Directory scopes */
  delegation?: Record<string, string[]>;
  /** emails of admins whose tokens may read the directory */
  admins: string[];
  users?: FakeUser[];
  groups?: FakeGroup[];
  customerId?: string;
  /** the most a page holds whatever maxResults asks (so tests can page with few items) */
  maxPageSize?: Partial<Record<Kind, number>>;
}

export interface FakeGoogle {
  /** rootUrl for the connector, e.g. http://127.0.0.1:PORT/ */
  url: string;
  /** where the key file's token_uri points */
  tokenUrl: string;
  state: FakeGoogleState;
  /** the next `n` Directory API requests answer 429 rateLimitExceeded with Retry-After: 1 (or as given) */
  throttleNext(n: number, failure?: Partial<FakeFailure>): void;
  /** requests whose path starts with (or matches) `match` answer 403 forbidden (or as given) */
  failPath(match: string | RegExp, failure?: Partial<FakeFailure>): void;
  clearFailures(): void;
  upsertUser(user: FakeUser): void;
  removeUser(id: string): void;
  setMembers(groupKey: string, members: FakeMember[]): void;
  removeGroup(groupKey: string): void;
  close(): Promise<void>;
}

export async function startFakeGoogle(options: FakeGoogleOptions): Promise<FakeGoogle> {
  const state: FakeGoogleState = {
    customerId: options.customerId ?? "C0fake00",
    users: [...(options.users ?? [])],
    groups: [...(options.groups ?? [])],
    admins: new Set(options.admins.map((a) => a.toLowerCase())),
    delegation: new Map(
      options.serviceAccounts.map((sa) => [
        sa.clientId,
        new Set(options.delegation?.[sa.clientId] ?? READ_ONLY_SCOPES),
      ]),
    ),
    maxPageSize: { users: 500, groups: 200, members: 200, ...options.maxPageSize },
    requests: [],
    tokensIssued: 0,
    nextFailures: [],
    pathFailures: [],
  };
  const accounts = new Map(options.serviceAccounts.map((sa) => [sa.clientEmail, sa]));
  const tokens = new Map<string, { sub: string | null; scopes: Set<string>; expiresAt: number }>();

  const findGroup = (key: string) => findGroupIn(state, key);

  function token(res: ServerResponse, body: string) {
    const form = new URLSearchParams(body);
    const fail = (status: number, error: string, description: string) =>
      send(res, status, { error, error_description: description });
    if (form.get("grant_type") !== JWT_BEARER) {
      return fail(400, "unsupported_grant_type", `Invalid grant_type: ${form.get("grant_type") ?? ""}`);
    }
    const now = Math.floor(Date.now() / 1000);
    const checked = verifyAssertion(form.get("assertion") ?? "", (iss) => accounts.get(iss)?.publicKey, now);
    if (!checked.ok) return fail(checked.failure.status, checked.failure.error, checked.failure.description);
    const { iss, scope, sub } = checked.claims;
    if (sub !== null) {
      const granted = state.delegation.get(accounts.get(iss)!.clientId) ?? new Set();
      if (!scope.every((s) => granted.has(s))) {
        return fail(
          401,
          "unauthorized_client",
          "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.",
        );
      }
      const known =
        state.admins.has(sub.toLowerCase()) ||
        state.users.some((u) => u.primaryEmail.toLowerCase() === sub.toLowerCase());
      if (!known) return fail(400, "invalid_grant", "Invalid email or User ID");
    }
    const accessToken = `ya29.fake-${randomBytes(24).toString("base64url")}`;
    tokens.set(accessToken, { sub, scopes: new Set(scope), expiresAt: now + 3599 });
    state.tokensIssued++;
    send(
      res,
      200,
      { access_token: accessToken, expires_in: 3599, token_type: "Bearer" },
      { "cache-control": "no-store" },
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    const url = new URL(req.url ?? "/", "http://fake");
    const q = url.searchParams;
    if (url.pathname === "/token") {
      if (req.method !== "POST") return send(res, 405, { error: "invalid_request", error_description: "POST only" });
      return token(res, body);
    }
    if (!url.pathname.startsWith("/admin/directory/v1/") || req.method !== "GET") {
      return googleError(res, { status: 404, reason: "notFound", message: "Not Found" });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const grant = bearer ? tokens.get(bearer) : undefined;
    if (!grant || grant.expiresAt < Date.now() / 1000) {
      const message =
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";
      return send(
        res,
        401,
        {
          error: {
            code: 401,
            message,
            errors: [
              {
                message: "Invalid Credentials",
                domain: "global",
                reason: "authError",
                location: "Authorization",
                locationType: "header",
              },
            ],
            status: "UNAUTHENTICATED",
          },
        },
        { "www-authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      );
    }
    const throttled = state.nextFailures.shift();
    if (throttled) return googleError(res, throttled);
    const pinned = state.pathFailures.find(({ match }) =>
      typeof match === "string" ? url.pathname.startsWith(match) : match.test(url.pathname),
    );
    if (pinned) return googleError(res, pinned.failure);
    const needs = url.pathname.endsWith("/members")
      ? DIRECTORY_SCOPES.members
      : url.pathname.endsWith("/groups")
        ? DIRECTORY_SCOPES.groups
        : DIRECTORY_SCOPES.users;
    if (!needs.some((s) => grant.scopes.has(s))) {
      return googleError(res, {
        status: 403,
        reason: "insufficientPermissions",
        message: "Request had insufficient authentication scopes.",
      });
    }
    if (!grant.sub || !state.admins.has(grant.sub.toLowerCase())) return googleError(res, FORBIDDEN);
    try {
      let answer = directoryAnswer(state, url.pathname, q);
      const fields = q.get("fields");
      if (fields) answer = applyFieldMask(answer, parseFieldMask(fields));
      send(res, 200, answer);
    } catch (e) {
      if (e instanceof FieldMaskError) return googleError(res, badRequest(e.message));
      if (e && typeof e === "object" && "status" in e) return googleError(res, e as FakeFailure);
      throw e;
    }
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (e) {
        googleError(res, { status: 500, reason: "backendError", message: `fake: ${(e as Error).message}` });
      }
      const url = new URL(req.url ?? "/", "http://fake");
      state.requests.push({
        method: req.method ?? "",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        status: res.statusCode,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${base}/`,
    tokenUrl: `${base}/token`,
    state,
    throttleNext(n, failure) {
      for (let i = 0; i < n; i++) state.nextFailures.push({ ...RATE_LIMITED, ...failure });
    },
    failPath(match, failure) {
      state.pathFailures.push({ match, failure: { ...FORBIDDEN, ...failure } });
    },
    clearFailures() {
      state.nextFailures.length = 0;
      state.pathFailures.length = 0;
    },
    upsertUser(user) {
      const i = state.users.findIndex((u) => u.id === user.id);
      if (i >= 0) state.users[i] = user;
      else state.users.push(user);
    },
    removeUser(id) {
      state.users = state.users.filter((u) => u.id !== id);
      for (const g of state.groups) g.members = g.members.filter((x) => x.id !== id);
    },
    setMembers(groupKey, members) {
      const group = findGroup(groupKey);
      if (!group) throw new Error(`no group ${groupKey}`);
      group.members = members;
    },
    removeGroup(groupKey) {
      const group = findGroup(groupKey);
      state.groups = state.groups.filter((g) => g !== group);
    },
    /** stops listening (a second call does nothing) */
    close: () =>
      new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
