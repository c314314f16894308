import { admin, type admin_directory_v1, type MethodOptions } from "@googleapis/admin";
import { z } from "zod";
import { secretEnvName } from "@/server/adapters/secret-env";
import { AdapterError } from "@/server/adapters/types";
import {
  directoryUrl,
  type DirectoryConnector,
  type DirectoryGroup,
  type DirectoryHealth,
  type DirectoryRead,
  type DirectoryUser,
} from "@/server/directory/types";
import { authorize, loadServiceAccountKey, serviceAccountClient, type ServiceAccountKey } from "./auth";
import { call, mapLimit, NotFoundError, type CallContext, type CallStats } from "./calls";
import { toDirectoryUser, USER_FIELDS } from "./map";

/**
 * Google Workspace directory pull through the Admin SDK Directory API (@googleapis/admin), as a
 * service account with domain-wide delegation that impersonates an admin.
 * - users.list   https://developers.google.com/workspace/admin/directory/reference/rest/v1/users/list
 * - groups.list  https://developers.google.com/workspace/admin/directory/reference/rest/v1/groups/list
 * - members.list https://developers.google.com/workspace/admin/directory/reference/rest/v1/members/list
 * - delegation   https://developers.google.com/identity/protocols/oauth2/service-account#delegatingauthority
 * - limits       https://developers.google.com/workspace/admin/directory/v1/limits
 */
export const googleSettings = z.strictObject({
  customer: z.string().default("my_customer"),
  /** limit the read to one domain of the account */
  domain: z.string().optional(),
  /** the admin the service account impersonates (domain-wide delegation) */
  adminEmail: z.email(),
  /** name of the environment variable whose value is the path of the service account's JSON key file */
  keyFileEnv: secretEnvName,
  rootUrl: directoryUrl.default("https://admin.googleapis.com/"),
});
export type GoogleSettings = z.infer<typeof googleSettings>;

/** Google's maximums for maxResults: users.list 500, groups.list 200, members.list 200. */
const USERS_PAGE = 500;
const GROUPS_PAGE = 200;
const MEMBERS_PAGE = 200;
/** members.list calls under way at once (one list per group; the quota is per minute, 2,400 by default) */
const MEMBER_LISTS_AT_ONCE = 4;

/** The SDK's own retries are off: calls.ts retries, honouring Retry-After, and counts. */
const NO_SDK_RETRY: MethodOptions = { retry: false };

interface Session {
  key: ServiceAccountKey;
  directory: admin_directory_v1.Admin;
}

export function googleConnector(settings: GoogleSettings, opts: { env?: NodeJS.ProcessEnv } = {}): DirectoryConnector {
  const env = opts.env ?? process.env;
  const scope = { customer: settings.customer, ...(settings.domain ? { domain: settings.domain } : {}) };
  // One client per key file content, so its access token (an hour) serves reads until the key changes.
  let cached: { fingerprint: string; session: Session; client: ReturnType<typeof serviceAccountClient> } | null = null;

  /** Reads the key file, gets a token (or reuses one): non-retryable AdapterErrors name what is missing. */
  async function open(): Promise<Session> {
    const key = await loadServiceAccountKey(settings.keyFileEnv, env);
    if (cached?.fingerprint !== key.fingerprint) {
      const client = serviceAccountClient(key, settings.adminEmail);
      const directory = admin({ version: "directory_v1", auth: client, rootUrl: settings.rootUrl });
      cached = { fingerprint: key.fingerprint, client, session: { key, directory } };
    }
    await authorize(cached.client, key, settings.adminEmail);
    return cached.session;
  }

  const context = (what: string, stats: CallStats): CallContext => ({ what, admin: settings.adminEmail, stats });

  return {
    kind: "google",

    /**
     * Always a full read (kind "full", cursor null): the Directory API has no delta query or change
     * feed for listing users and groups (users.watch / groups push notifications need a public
     * webhook and do not carry memberships), so the cursor is ignored. It is kept cheap: pages of
     * the maximum size, `fields` so Google sends only what is mapped, member lists four at a time.
     */
    async read(_cursor: string | null): Promise<DirectoryRead> {
      const stats: CallStats = { requests: 0, throttled: 0 };
      const { directory } = await open();

      const users: DirectoryUser[] = [];
      await eachPage(context("users", stats), (pageToken) =>
        directory.users.list(
          {
            ...scope,
            maxResults: USERS_PAGE,
            projection: "full",
            fields: `nextPageToken,users(${USER_FIELDS})`,
            pageToken,
          },
          NO_SDK_RETRY,
        ),
      ).forEach((page) => {
        for (const user of page.users ?? []) {
          const mapped = toDirectoryUser(user);
          if (mapped) users.push(mapped);
        }
      });

      const found: admin_directory_v1.Schema$Group[] = [];
      await eachPage(context("groups", stats), (pageToken) =>
        directory.groups.list(
          { ...scope, maxResults: GROUPS_PAGE, fields: "nextPageToken,groups(id,email,name)", pageToken },
          NO_SDK_RETRY,
        ),
      ).forEach((page) => found.push(...(page.groups ?? []).filter((g) => g.id)));

      const groups = await mapLimit(found, MEMBER_LISTS_AT_ONCE, async (group): Promise<DirectoryGroup | null> => {
        const members = new Set<string>();
        try {
          // Direct members only (includeDerivedMembership false); members that are groups or the
          // whole customer are not people and are left out.
          await eachPage(context(`the members of group ${group.email ?? group.id}`, stats), (pageToken) =>
            directory.members.list(
              {
                groupKey: group.id!,
                maxResults: MEMBERS_PAGE,
                includeDerivedMembership: false,
                fields: "nextPageToken,members(id,type)",
                pageToken,
              },
              NO_SDK_RETRY,
            ),
          ).forEach((page) => {
            for (const m of page.members ?? []) if (m.type === "USER" && m.id) members.add(m.id);
          });
        } catch (e) {
          if (e instanceof NotFoundError) return null; // deleted between groups.list and members.list
          throw e;
        }
        return { remoteId: group.id!, name: group.name || group.email || group.id!, members: { set: [...members] } };
      });

      return {
        kind: "full",
        users,
        removedUserIds: [],
        groups: groups.filter((g): g is DirectoryGroup => g !== null),
        removedGroupIds: [],
        cursor: null,
        stats,
      };
    },

    /** Gets a token, then lists one user and one group, as the admin. */
    async health(): Promise<DirectoryHealth> {
      const stats: CallStats = { requests: 0, throttled: 0 };
      try {
        const { directory, key } = await open();
        await call(context("users", stats), () =>
          directory.users.list({ ...scope, maxResults: 1, fields: "users(id)" }, NO_SDK_RETRY),
        );
        await call(context("groups", stats), () =>
          directory.groups.list({ ...scope, maxResults: 1, fields: "groups(id)" }, NO_SDK_RETRY),
        );
        const where = settings.domain ? `${settings.domain}'s` : "the account's";
        return {
          ok: true,
          detail: `${key.clientEmail}, acting as ${settings.adminEmail}, can read ${where} users and groups`,
        };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return { ok: false, detail: e instanceof AdapterError ? e.message : `unexpected failure: ${message}` };
      }
    },
  };
}

/**
 * Follows nextPageToken from the first page to the last; `.forEach(fn)` runs `fn` on each page as
 * it arrives (so 10,000 users are mapped page by page, not held twice).
 */
function eachPage<P extends { nextPageToken?: string | null }>(
  ctx: CallContext,
  fetchPage: (pageToken: string | undefined) => Promise<{ data: P }>,
) {
  return {
    async forEach(fn: (page: P) => void): Promise<void> {
      const seen = new Set<string>();
      let pageToken: string | undefined;
      do {
        const { data } = await call(ctx, () => fetchPage(pageToken));
        fn(data);
        pageToken = data.nextPageToken ?? undefined;
        if (pageToken && seen.has(pageToken)) {
          throw new AdapterError(`Google repeated a page token while listing ${ctx.what}`, true);
        }
        if (pageToken) seen.add(pageToken);
      } while (pageToken);
    },
  };
}
