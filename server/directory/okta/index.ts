import { Client, DefaultRequestExecutor, type Group, type User } from "@okta/okta-sdk-nodejs";
import { z } from "zod";
import { AdapterError } from "@/server/adapters/types";
import { secretEnvName } from "@/server/adapters/secret-env";
import {
  directoryUrl,
  type DirectoryConnector,
  type DirectoryGroup,
  type DirectoryRead,
  type DirectoryUser,
} from "../types";

/**
 * Okta through its official SDK (@okta/okta-sdk-nodejs): the Users API and the Groups API.
 * References: https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers,
 * .../tag/Group/#tag/Group/operation/listGroups, .../listGroupUsers, and rate limits:
 * https://developer.okta.com/docs/reference/rl-best-practices/ (429, X-Rate-Limit-Reset).
 */
export const oktaSettings = z.strictObject({
  /** https://your-org.okta.com */
  orgUrl: directoryUrl,
  /** the environment variable holding an API token (SSWS) of a read-only admin */
  tokenEnv: secretEnvName,
});
export type OktaSettings = z.infer<typeof oktaSettings>;

/**
 * Okta has no delta link: a delta reads what changed (lastUpdated, lastMembershipUpdated) since
 * the last read began, by Okta's own clock (its Date header), a few minutes earlier still:
 * Okta's search is eventually consistent, and a change made while a read walks the pages must
 * not fall between two reads. Reading someone twice is harmless: the sync compares.
 */
interface OktaCursor {
  since: string | null;
  /** when the last full read ran: deletions show only in a full read, so one runs at least daily */
  fullAt: string;
}
const FULL_EVERY_MS = 24 * 60 * 60 * 1000;
const OVERLAP_MS = 5 * 60 * 1000;
/** Okta's "every group" includes Everyone and app groups: only the groups people are put in. */
const OKTA_GROUPS = 'type eq "OKTA_GROUP"';
const USERS_PAGE = 200;
const MEMBERS_PAGE = 1000;

const inactive = new Set(["SUSPENDED", "DEPROVISIONED"]);
const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : v === undefined ? undefined : null);

function userOf(u: User): DirectoryUser {
  const p = (u.profile ?? {}) as Record<string, unknown>;
  const attributes: DirectoryUser["attributes"] = {};
  const set = (key: keyof DirectoryUser["attributes"], field: string) => {
    if (field in p) attributes[key] = text(p[field]) ?? null;
  };
  set("department", "department");
  set("job_title", "title");
  set("employment_type", "userType");
  set("cost_center", "costCenter");
  set("location", "city");
  set("team", "division");
  // Okta leaves an unset attribute out of the profile: no managerId is no manager.
  const managerId = text(p.managerId) ?? null;
  return {
    remoteId: u.id!,
    email: String(p.email ?? p.login).toLowerCase(),
    displayName: (text(p.displayName) ?? [text(p.firstName), text(p.lastName)].filter(Boolean).join(" ")) || u.id!,
    active: !inactive.has(String(u.status)),
    // Okta's managerId is free text: the manager's Okta id, their email, or an HR id
    ...(managerId?.includes("@") ? { managerEmail: managerId.toLowerCase() } : { managerRemoteId: managerId }),
    ...("employeeNumber" in p ? { employeeNumber: text(p.employeeNumber) ?? null } : {}),
    attributes,
  };
}

/** An Okta answer as Clearance's adapter error: 429 and 5xx may pass, 4xx will not until someone acts. */
function failure(err: unknown, what: string): AdapterError {
  const e = err as { status?: number; errorCode?: string; errorSummary?: string; message?: string; code?: string };
  if (typeof e.status === "number") {
    const summary = `${e.errorCode ?? e.status}: ${e.errorSummary || "no summary"}`;
    return new AdapterError(`Okta ${what}: ${summary}`, e.status === 429 || e.status >= 500);
  }
  return new AdapterError(`Okta ${what}: ${e.message ?? String(err)}`, true);
}

export function oktaConnector(settings: OktaSettings, opts: { env?: NodeJS.ProcessEnv } = {}): DirectoryConnector {
  const env = opts.env ?? process.env;
  const stats = { requests: 0, throttled: 0 };
  let serverDate: string | null = null;
  let client: Client | null = null;
  const clientFor = () => {
    const token = env[settings.tokenEnv];
    if (!token) throw new AdapterError(`Okta: the environment variable ${settings.tokenEnv} holds no API token`, false);
    if (client) return client;
    // Counts calls and 429s (each answer), and notes Okta's clock; the SDK itself waits until
    // X-Rate-Limit-Reset and retries (up to 4 times).
    // requestTimeout bounds one call with its retries: a hung connection fails the run (retryable).
    const executor = new DefaultRequestExecutor({ maxRetries: 4, requestTimeout: 120_000 });
    executor.on("request", () => stats.requests++);
    executor.on("response", (response: { status: number; headers: { get(name: string): string | null } }) => {
      if (response.status === 429) stats.throttled++;
      serverDate ??= response.headers.get("date");
    });
    client = new Client({ orgUrl: settings.orgUrl, token, requestExecutor: executor, cacheMiddleware: null });
    return client;
  };

  async function all<T>(what: string, list: () => Promise<AsyncIterable<T | null>>): Promise<T[]> {
    try {
      const out: T[] = [];
      for await (const item of await list()) if (item) out.push(item);
      return out;
    } catch (err) {
      throw err instanceof AdapterError ? err : failure(err, what);
    }
  }

  async function groupsOf(okta: Client, search: string | undefined) {
    const groups = await all<Group>("listGroups", () => okta.groupApi.listGroups({ search, limit: 1000 }));
    const out: DirectoryGroup[] = [];
    for (const g of groups) {
      const members = await all<User>(`listGroupUsers ${g.profile?.name ?? g.id}`, () =>
        okta.groupApi.listGroupUsers({ groupId: g.id!, limit: MEMBERS_PAGE }),
      );
      out.push({
        remoteId: g.id!,
        name: g.profile?.name ?? g.id!,
        members: { set: members.map((m) => m.id!) },
      });
    }
    return out;
  }

  return {
    kind: "okta",
    async read(cursorText) {
      const okta = clientFor();
      const started = new Date();
      serverDate = null;
      const cursor = cursorText ? (JSON.parse(cursorText) as OktaCursor) : null;
      const full = !cursor?.since || started.getTime() - Date.parse(cursor.fullAt) >= FULL_EVERY_MS;
      const since = cursor && !full ? cursor.since : null;
      const search = since ? `lastUpdated gt "${since}"` : undefined;
      // A full read lists who is not DEPROVISIONED (Okta's default); a delta searches every status.
      const users = await all<User>("listUsers", () => okta.userApi.listUsers({ search, limit: USERS_PAGE }));
      const groups = await groupsOf(
        okta,
        since ? `${OKTA_GROUPS} and (lastUpdated gt "${since}" or lastMembershipUpdated gt "${since}")` : OKTA_GROUPS,
      );
      const began = serverDate ? Date.parse(serverDate) : started.getTime();
      const next: OktaCursor = {
        since: new Date(began - OVERLAP_MS).toISOString(),
        fullAt: full || !cursor ? started.toISOString() : cursor.fullAt,
      };
      const read: DirectoryRead = {
        kind: full ? "full" : "delta",
        users: users.map(userOf),
        removedUserIds: [],
        groups,
        removedGroupIds: [],
        cursor: JSON.stringify(next),
        stats: { ...stats },
      };
      stats.requests = stats.throttled = 0;
      return read;
    },
    async health() {
      try {
        const okta = clientFor();
        await all("listUsers", () => okta.userApi.listUsers({ limit: 1 }).then(first));
        await all("listGroups", () => okta.groupApi.listGroups({ limit: 1 }).then(first));
        return { ok: true, detail: `Okta at ${settings.orgUrl}: users and groups can be read` };
      } catch (err) {
        const e = err as AdapterError;
        const missing = /E0000006|403/.test(e.message)
          ? " (the token's admin needs a read-only administrator role: okta.users.read and okta.groups.read)"
          : /E0000011|401/.test(e.message)
            ? ` (the API token in ${settings.tokenEnv} is not accepted)`
            : "";
        return { ok: false, detail: `${e.message}${missing}` };
      }
    },
  };
}

/** The first item of a collection only: health must not walk the directory. */
async function* first<T>(items: AsyncIterable<T>) {
  for await (const item of items) {
    yield item;
    return;
  }
}
