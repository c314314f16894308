import { ClientSecretCredential } from "@azure/identity";
import { z } from "zod";
import { secretEnvName } from "@/server/adapters/secret-env";
import { AdapterError } from "@/server/adapters/types";
import type { DirectoryConnector, DirectoryHealth, DirectoryRead, DirectoryUser } from "../types";
import { GraphFailure, GraphSession, type Endpoint } from "./graph";
import {
  foldGroups,
  foldUsers,
  IDENTITY_SELECT,
  lacksIdentity,
  mapGroups,
  mapUser,
  USER_SELECT,
  type GraphObject,
} from "./mapping";

/**
 * Directory pull from Microsoft Entra ID through Microsoft Graph v1.0, with the official SDKs
 * (@azure/identity for the app-only token, @microsoft/microsoft-graph-client for Graph).
 *
 * A full read runs the users and groups delta functions from the start
 * (https://learn.microsoft.com/en-us/graph/api/user-delta,
 * https://learn.microsoft.com/en-us/graph/api/group-delta), following every @odata.nextLink to
 * the @odata.deltaLink; the cursor keeps both deltaLinks, and the next read follows them for what
 * changed (https://learn.microsoft.com/en-us/graph/delta-query-overview). Delta rounds ask for
 * `Prefer: return=minimal`, so an updated user carries only the properties that changed and only
 * those reach `attributes`; the name, email and whether active that DirectoryUser requires are
 * then looked up (GET /users with $filter=id in (…), 15 ids a request). Graph answering a delta
 * link with 410 Gone, syncStateNotFound or resyncRequired (delta tokens last seven days) makes
 * the read a full one.
 *
 * The application needs the Microsoft Graph application permissions User.Read.All and
 * GroupMember.Read.All (or Group.Read.All), with admin consent.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** An https origin (a trailing slash is dropped): the token and the secret only travel over TLS. */
const httpsOrigin = z
  .url({ protocol: /^https$/, error: "must be an https:// URL" })
  .refine((u) => new URL(u).pathname === "/" && !new URL(u).search && !new URL(u).hash, {
    error: "must be a bare origin such as https://graph.microsoft.com, without a path",
  })
  .transform((u) => u.replace(/\/+$/, ""));

export const entraSettings = z.strictObject({
  /** the directory (tenant) id, or one of the tenant's domains (contoso.onmicrosoft.com) */
  tenantId: z
    .string()
    .trim()
    .refine((t) => GUID.test(t) || DOMAIN.test(t), {
      error: "a tenant id (GUID) or a domain such as contoso.onmicrosoft.com",
    }),
  /** the application (client) id of the app registration */
  clientId: z.string().trim().regex(GUID, "an application (client) id: a GUID"),
  /** the name of the environment variable holding the client secret; the secret itself is never stored */
  clientSecretEnv: secretEnvName,
  /** Microsoft Entra's sign-in host; another for a national cloud (https://login.microsoftonline.us) */
  authorityHost: httpsOrigin.default("https://login.microsoftonline.com"),
  /** Microsoft Graph; another for a national cloud (https://graph.microsoft.us) */
  graphBaseUrl: httpsOrigin.default("https://graph.microsoft.com"),
});
export type EntraSettings = z.infer<typeof entraSettings>;

export interface EntraConnectorOptions {
  /** where the client secret's variable is read (default process.env), at every read */
  env?: NodeJS.ProcessEnv;
  /** how long one request may take before it counts as a network failure (default 100 s) */
  timeoutMs?: number;
}

/**
 * Ask for 999 objects a page, the most Graph serves for directory objects
 * (https://learn.microsoft.com/en-us/graph/paging); it may serve fewer, and the links go on.
 */
const PAGE = "odata.maxpagesize=999";
/** `$filter=id in (…)` takes at most 15 values. */
const IDS_PER_LOOKUP = 15;
const MAX_PAGES = 100_000;
/** The Microsoft Graph application permissions each collection needs, in words. */
const PERMISSIONS = {
  users: "the Microsoft Graph application permission User.Read.All, with admin consent",
  groups: "the Microsoft Graph application permission GroupMember.Read.All (or Group.Read.All), with admin consent",
} as const;

class ResyncRequired extends Error {}

interface Cursor {
  users: string;
  groups: string;
}

function parseCursor(cursor: string | null, graphBaseUrl: string): Cursor | null {
  if (cursor === null) return null;
  try {
    const c = JSON.parse(cursor) as Partial<Cursor>;
    const ours = (link: unknown) => typeof link === "string" && link.startsWith(`${graphBaseUrl}/v1.0/`);
    return ours(c.users) && ours(c.groups) ? { users: c.users!, groups: c.groups! } : null;
  } catch {
    return null;
  }
}

export function entraConnector(settings: EntraSettings, opts: EntraConnectorOptions = {}): DirectoryConnector {
  const parsed = entraSettings.safeParse(settings);
  if (!parsed.success) throw new AdapterError(`Entra ID settings: ${z.prettifyError(parsed.error)}`, false);
  const endpoint: Endpoint = parsed.data;
  const env = opts.env ?? process.env;
  const timeoutMs = opts.timeoutMs ?? 100_000;
  let credential: { secret: string; credential: ClientSecretCredential } | null = null;

  const missingSecret = () =>
    `the environment variable ${endpoint.clientSecretEnv} is not set; it must hold a client secret of application ${endpoint.clientId}`;

  /** A session with the secret as it is now (a rotated secret takes effect at the next read). */
  function session(): GraphSession {
    const secret = env[endpoint.clientSecretEnv];
    if (!secret) throw new AdapterError(missingSecret(), false);
    if (credential?.secret !== secret)
      credential = {
        secret,
        credential: new ClientSecretCredential(endpoint.tenantId, endpoint.clientId, secret, {
          authorityHost: endpoint.authorityHost,
          disableInstanceDiscovery: true,
        }),
      };
    return new GraphSession(endpoint, credential.credential, secret, timeoutMs);
  }

  /** Every entry of a delta round, from `url` to the deltaLink. */
  async function round(
    s: GraphSession,
    collection: "users" | "groups",
    url: string,
    delta: boolean,
  ): Promise<{ entries: unknown[]; deltaLink: string }> {
    const entries: unknown[] = [];
    const prefer = delta ? ["return=minimal", PAGE] : [PAGE];
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      let page;
      try {
        page = await s.get(url, prefer);
      } catch (error) {
        const resync =
          error instanceof GraphFailure &&
          (error.status === 410 || /^(syncStateNotFound|syncStateInvalid|resyncRequired)$/i.test(error.code ?? ""));
        if (delta && resync) throw new ResyncRequired();
        if (error instanceof GraphFailure && error.status === 403)
          throw new GraphFailure(
            `${error.message} (the application needs ${PERMISSIONS[collection]})`,
            false,
            403,
            error.code,
          );
        throw error;
      }
      if (Array.isArray(page.value)) entries.push(...(page.value as unknown[]));
      if (typeof page["@odata.nextLink"] === "string") url = page["@odata.nextLink"];
      else if (typeof page["@odata.deltaLink"] === "string") return { entries, deltaLink: page["@odata.deltaLink"] };
      else
        throw new AdapterError(
          `Microsoft Graph GET ${new URL(url).pathname}: a page with neither @odata.nextLink nor @odata.deltaLink`,
          true,
        );
    }
    throw new AdapterError(`Microsoft Graph GET ${new URL(url).pathname}: more than ${MAX_PAGES} pages`, true);
  }

  /** Name, email and whether active for users a minimal delta left them out of. */
  async function identities(s: GraphSession, ids: string[]): Promise<Map<string, GraphObject>> {
    const found = new Map<string, GraphObject>();
    for (let i = 0; i < ids.length; i += IDS_PER_LOOKUP) {
      const chunk = ids.slice(i, i + IDS_PER_LOOKUP);
      const filter = encodeURIComponent(`id in (${chunk.map((id) => `'${id.replace(/'/g, "''")}'`).join(",")})`);
      const page = await s.get(
        `${endpoint.graphBaseUrl}/v1.0/users?$filter=${filter}&$select=${IDENTITY_SELECT.join(",")}&$top=${IDS_PER_LOOKUP}`,
      );
      for (const u of Array.isArray(page.value) ? page.value : [])
        if (typeof u === "object" && u !== null && typeof (u as GraphObject).id === "string")
          found.set((u as GraphObject).id as string, u as GraphObject);
    }
    return found;
  }

  function toUser(raw: GraphObject, full: boolean, identity?: GraphObject): DirectoryUser {
    const user = mapUser(raw, full, identity);
    if (!user)
      throw new AdapterError(`Microsoft Graph returned user ${String(raw.id)} without mail or userPrincipalName`, true);
    return user;
  }

  async function readAll(s: GraphSession): Promise<DirectoryRead> {
    const base = `${endpoint.graphBaseUrl}/v1.0`;
    const users = await round(s, "users", `${base}/users/delta?$select=${USER_SELECT.join(",")}`, false);
    const groups = await round(s, "groups", `${base}/groups/delta?$select=id,displayName,members`, false);
    return {
      kind: "full",
      // Users Graph lists as removed in the first round were deleted before it: a full read leaves them out.
      users: [...foldUsers(users.entries).users.values()].map((raw) => toUser(raw, true)),
      removedUserIds: [],
      groups: mapGroups(foldGroups(groups.entries).groups, true),
      removedGroupIds: [],
      cursor: JSON.stringify({ users: users.deltaLink, groups: groups.deltaLink }),
      stats: s.stats,
    };
  }

  async function readChanges(s: GraphSession, cursor: Cursor): Promise<DirectoryRead> {
    const users = await round(s, "users", cursor.users, true);
    const groups = await round(s, "groups", cursor.groups, true);
    const folded = foldUsers(users.entries);
    const lacking = [...folded.users.values()].filter(lacksIdentity).map((u) => u.id as string);
    const found = lacking.length ? await identities(s, lacking) : new Map<string, GraphObject>();
    const changed: DirectoryUser[] = [];
    for (const raw of folded.users.values()) {
      // Not found: deleted since the delta round; the next round says so.
      if (!lacksIdentity(raw)) changed.push(toUser(raw, false));
      else if (found.has(raw.id as string)) changed.push(toUser(raw, false, found.get(raw.id as string)));
    }
    const foldedGroups = foldGroups(groups.entries);
    return {
      kind: "delta",
      users: changed,
      removedUserIds: [...folded.removed],
      groups: mapGroups(foldedGroups.groups, false),
      removedGroupIds: [...foldedGroups.removed],
      cursor: JSON.stringify({ users: users.deltaLink, groups: groups.deltaLink }),
      stats: s.stats,
    };
  }

  return {
    kind: "entra",

    async read(cursor) {
      const s = session();
      const links = parseCursor(cursor, endpoint.graphBaseUrl);
      if (links) {
        try {
          return await readChanges(s, links);
        } catch (error) {
          if (!(error instanceof ResyncRequired)) throw error;
        }
      }
      return readAll(s);
    },

    async health(): Promise<DirectoryHealth> {
      if (!env[endpoint.clientSecretEnv]) return { ok: false, detail: missingSecret() };
      const s = session();
      try {
        await s.token();
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
      const problems: string[] = [];
      for (const collection of ["users", "groups"] as const) {
        try {
          await s.get(`${endpoint.graphBaseUrl}/v1.0/${collection}?$top=1&$select=id`);
        } catch (error) {
          problems.push(
            error instanceof GraphFailure && error.status === 403
              ? `the application may not read ${collection} (${error.code ?? "403"}): it needs ${PERMISSIONS[collection]}`
              : (error as Error).message,
          );
        }
      }
      if (problems.length) return { ok: false, detail: problems.join("; ") };
      return {
        ok: true,
        detail: `application ${endpoint.clientId} signs in to tenant ${endpoint.tenantId} and can read users and groups`,
      };
    },
  };
}
