import { Attribute, Change, Client } from "ldapts";
import { z } from "zod";
import {
  escapeDnValue,
  escapeFilterValue,
  groupDn,
  parseDn,
  parseResourceGroupCn,
  resourceGroupCn,
  usernameMatcher,
} from "./ldap-names";
import { secretEnvName } from "./secret-env";
import {
  AdapterError,
  type AccessTarget,
  type ActualAccess,
  type Adapter,
  type AdapterHealth,
  type AdapterResult,
  unenforcedRestrictions,
} from "./types";

/**
 * groupOfNames and groupOfUniqueNames must keep at least one member. When the last real member
 * leaves, this DN takes its place so the group stays valid; it matches no user, so listActual
 * ignores it, and the next grant removes it again.
 */
export const LDAP_PLACEHOLDER_MEMBER = "cn=nobody";

const TIMEOUT_MS = 10_000;

// LDAP result codes (RFC 4511) the adapter treats specially.
const NO_SUCH_ATTRIBUTE = 16;
const TYPE_OR_VALUE_EXISTS = 20;
const NO_SUCH_OBJECT = 32;
const INVALID_DN_SYNTAX = 34;
const INVALID_CREDENTIALS = 49;
const INSUFFICIENT_ACCESS = 50;
const BUSY = 51;
const UNAVAILABLE = 52;
const OBJECT_CLASS_VIOLATION = 65;
const ALREADY_EXISTS = 68;
const RETRYABLE_CODES = new Set([3 /* timeLimitExceeded */, BUSY, UNAVAILABLE, 80 /* other: e.g. a busy backend */]);

export const ldapConfigSchema = z
  .object({
    url: z.string().regex(/^ldaps?:\/\//, "must start with ldap:// or ldaps://"),
    bindDn: z.string().min(1),
    bindPassword: z.string().min(1).optional(),
    /** Name of the environment variable holding the bind password (read at each bind). */
    bindPasswordEnv: secretEnvName.optional(),
    groupBaseDn: z.string().min(1),
    /** A user's DN, e.g. uid={username},ou=people,dc=clearance,dc=test */
    userDnTemplate: z
      .string()
      .refine((t) => t.split("{username}").length === 2, "must contain {username} exactly once"),
    /** memberUid (posixGroup) stores the username; member and uniqueMember store the user's DN. */
    memberAttribute: z.enum(["member", "uniqueMember", "memberUid"]).default("member"),
    /**
     * name: resource system:group:NAME is the group cn=NAME (groups only, no levels).
     * resource: any resource of the system is a group named by its whole key, one group per level
     * when it has levels: cn=gitlab:group:customer-solutions (reporter). Directories that mirror
     * application access into LDAP groups use this.
     */
    groupNaming: z.enum(["name", "resource"]).default("name"),
  })
  .refine((c) => (c.bindPassword === undefined) !== (c.bindPasswordEnv === undefined), {
    message: "set exactly one of bindPassword and bindPasswordEnv",
    path: ["bindPassword"],
  });

export type LdapConfig = z.input<typeof ldapConfigSchema>;

export {
  escapeDnValue,
  escapeFilterValue,
  groupDn,
  parseDn,
  parseResourceGroupCn,
  resourceGroupCn,
} from "./ldap-names";

const CONNECTION_FAILURE = /timeout|timed out|connection closed|socket connection/i;

/** The LDAP result code of a failed operation; null for socket and other errors. */
function resultCode(error: unknown): number | null {
  // Duck-typed: ldapts ships CommonJS and ESM builds, so instanceof could see two classes.
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === "number" ? code : null;
}

/** Turns an ldapts failure into an AdapterError that says what failed and whether a retry can help. */
function toAdapterError(error: unknown, doing: string, dn: string): AdapterError {
  if (error instanceof AdapterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = resultCode(error);
  if (code === null) {
    // Node's socket errors carry a string code (ECONNREFUSED, ETIMEDOUT, ...); ldapts's own
    // timeouts and dropped connections only say so in the message.
    const systemCode = error instanceof Error ? (error as { code?: unknown }).code : undefined;
    const network = typeof systemCode === "string" || CONNECTION_FAILURE.test(message);
    return new AdapterError(`LDAP ${doing} failed: ${message}`, network);
  }
  // ldapts appends " Code: 0x.." to the server's diagnostic text, which is often empty.
  const serverText = message.replace(/\s*Code: 0x[0-9a-f]+$/i, "").trim();
  const result = `LDAP result ${code}${serverText ? `: ${serverText}` : ""}`;
  const reason =
    code === NO_SUCH_OBJECT
      ? `${dn} does not exist`
      : code === INVALID_CREDENTIALS
        ? `invalid credentials for ${dn}`
        : code === INSUFFICIENT_ACCESS
          ? `the bind DN may not change ${dn}`
          : code === INVALID_DN_SYNTAX
            ? `${dn} is not a valid DN`
            : `error on ${dn}`;
  return new AdapterError(`LDAP ${doing} failed: ${reason} (${result})`, RETRYABLE_CODES.has(code));
}

const asArray = (value: unknown): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)];

/**
 * Manages membership of `cn=<resource name>,<groupBaseDn>` groups. A new connection is opened and
 * bound for each call: calls are rare, and nothing is left open when the directory restarts.
 */
export function ldapAdapter(rawConfig: LdapConfig, options: { systemKey: string }): Adapter {
  const config = ldapConfigSchema.parse(rawConfig);
  const { memberAttribute, groupBaseDn } = config;
  const usesDns = memberAttribute !== "memberUid";
  const usernameOf = usernameMatcher(config.userDnTemplate);

  const bindPassword = (): string => {
    if (config.bindPassword !== undefined) return config.bindPassword;
    const name = config.bindPasswordEnv ?? "";
    const value = process.env[name];
    if (!value) throw new AdapterError(`LDAP bind password: environment variable ${name} is not set`, false);
    return value;
  };

  async function connected<T>(doing: string, dn: string, run: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ url: config.url, timeout: TIMEOUT_MS, connectTimeout: TIMEOUT_MS });
    try {
      try {
        await client.bind(config.bindDn, bindPassword());
      } catch (error) {
        throw toAdapterError(error, `bind as ${config.bindDn} to ${config.url}`, config.bindDn);
      }
      return await run(client);
    } catch (error) {
      throw toAdapterError(error, doing, dn);
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  // A replacer function, so a "$&" in a username is not read as a replacement pattern.
  const memberValue = (username: string) =>
    usesDns ? config.userDnTemplate.replace("{username}", () => escapeDnValue(username)) : username;
  const change = (operation: "add" | "delete", values: string[]) =>
    new Change({ operation, modification: new Attribute({ type: memberAttribute, values }) });

  const byResource = config.groupNaming === "resource";

  function targetGroup(target: AccessTarget): string {
    if (byResource) {
      if (!target.resource.startsWith(`${options.systemKey}:`))
        throw new AdapterError(`${target.resource} is not a resource of ${options.systemKey}`, false);
      return groupDn(resourceGroupCn(target.resource, target.level), groupBaseDn);
    }
    if (target.type !== "group")
      throw new AdapterError(`LDAP adapter manages groups only, not ${target.resource}`, false);
    return groupDn(target.name, groupBaseDn);
  }

  /** In "resource" naming: the groups of the resource (any level) that hold the member. */
  async function groupsHolding(client: Client, resource: string, member: string): Promise<string[]> {
    const cn = escapeFilterValue(resource);
    const { searchEntries } = await client.search(groupBaseDn, {
      scope: "one",
      filter: `(&(|(cn=${cn})(cn=${cn} \\28*\\29))(${memberAttribute}=${escapeFilterValue(member)}))`,
      attributes: ["cn"],
    });
    return searchEntries.map((e) => e.dn);
  }

  /** Removes a member from a group, swapping in the placeholder when it was the last one. */
  async function removeMember(client: Client, dn: string, member: string): Promise<string> {
    try {
      await client.modify(dn, change("delete", [member]));
      return `removed ${member} from ${dn}`;
    } catch (error) {
      if (resultCode(error) === NO_SUCH_ATTRIBUTE) return `${member} was not in ${dn}`;
      if (resultCode(error) !== OBJECT_CLASS_VIOLATION || !usesDns) throw error;
    }
    // It was the last member. Swap in the placeholder within one modify, so it is atomic and
    // a member added meanwhile is kept.
    try {
      await client.modify(dn, [change("add", [LDAP_PLACEHOLDER_MEMBER]), change("delete", [member])]);
    } catch (error) {
      if (resultCode(error) === NO_SUCH_ATTRIBUTE) return `${member} was not in ${dn}`;
      throw error;
    }
    return `removed ${member} from ${dn}, leaving the placeholder ${LDAP_PLACEHOLDER_MEMBER}`;
  }

  return {
    kind: "ldap",

    manages: (resource) =>
      byResource ? resource.startsWith(`${options.systemKey}:`) : resource.startsWith(`${options.systemKey}:group:`),

    async grant(target) {
      const dn = targetGroup(target);
      const member = memberValue(target.username);
      return connected(
        `grant of ${target.resource} to ${target.username}`,
        dn,
        async (client): Promise<AdapterResult> => {
          let detail = `added ${member} to ${dn}`;
          try {
            await client.modify(dn, change("add", [member]));
          } catch (error) {
            if (resultCode(error) !== TYPE_OR_VALUE_EXISTS && resultCode(error) !== ALREADY_EXISTS) throw error;
            detail = `${member} was already in ${dn}`;
          }
          if (usesDns) {
            // The group now has a real member, so the placeholder can go (if it is there).
            await client.modify(dn, change("delete", [LDAP_PLACEHOLDER_MEMBER])).catch((error: unknown) => {
              if (resultCode(error) !== NO_SUCH_ATTRIBUTE) throw error;
            });
          }
          if (byResource) {
            // A grant sets the level: the member leaves the resource's other level groups.
            const others = (await groupsHolding(client, target.resource, member)).filter(
              (other) => parseDn(other)[0]?.value !== parseDn(dn)[0]?.value,
            );
            for (const other of others) detail += `; ${await removeMember(client, other, member)}`;
          }
          // A group membership carries no conditions: vendor restrictions are named in the call's log.
          return {
            status: "done",
            detail:
              detail +
              unenforcedRestrictions("LDAP", target.restrictions, [
                "mfaRequired",
                "ipAllowList",
                "sessionMinutes",
                "maxSessions",
              ]),
          };
        },
      );
    },

    async revoke(target) {
      const dn = targetGroup(target);
      const member = memberValue(target.username);
      return connected(
        `revoke of ${target.resource} from ${target.username}`,
        dn,
        async (client): Promise<AdapterResult> => {
          if (!byResource) return { status: "done", detail: await removeMember(client, dn, member) };
          // Revoking a resource removes it at whatever level the member holds it.
          const held = await groupsHolding(client, target.resource, member);
          if (held.length === 0) return { status: "done", detail: `${member} held no group of ${target.resource}` };
          const details: string[] = [];
          for (const group of held) details.push(await removeMember(client, group, member));
          return { status: "done", detail: details.join("; ") };
        },
      );
    },

    async listActual() {
      return connected("listing of groups", groupBaseDn, async (client) => {
        const { searchEntries } = await client.search(groupBaseDn, {
          scope: "one",
          filter: `(${memberAttribute}=*)`,
          attributes: ["cn", memberAttribute],
          paged: { pageSize: 500 },
        });
        const access: ActualAccess[] = [];
        for (const entry of searchEntries) {
          const naming = parseDn(entry.dn)[0];
          const cn = naming?.type === "cn" ? naming.value : asArray(entry.cn)[0];
          if (!cn) continue;
          const held = byResource
            ? parseResourceGroupCn(cn)
            : { resource: `${options.systemKey}:group:${cn}`, level: null };
          if (byResource && !held.resource.startsWith(`${options.systemKey}:`)) continue;
          for (const value of asArray(entry[memberAttribute])) {
            const username = usesDns ? usernameOf(value) : value;
            if (username) access.push({ username, resource: held.resource, level: held.level });
          }
        }
        return access;
      });
    },

    async listResources() {
      return connected("listing of groups", groupBaseDn, async (client) => {
        const { searchEntries } = await client.search(groupBaseDn, {
          scope: "one",
          filter: "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))",
          attributes: ["cn", "description"],
          paged: { pageSize: 500 },
        });
        const found: { type: string; name: string; description?: string }[] = [];
        for (const entry of searchEntries) {
          const naming = parseDn(entry.dn)[0];
          const cn = naming?.type === "cn" ? naming.value : asArray(entry.cn)[0];
          if (!cn) continue;
          const description = asArray(entry.description)[0];
          if (!byResource) {
            found.push({ type: "group", name: cn, description });
            continue;
          }
          // One group per level holds one resource: system:type:name (level).
          const { resource } = parseResourceGroupCn(cn);
          const [system, type, ...name] = resource.split(":");
          if (system === options.systemKey && type && name.length)
            found.push({ type, name: name.join(":"), description });
        }
        return found;
      });
    },

    async health(): Promise<AdapterHealth> {
      try {
        return await connected("health check", groupBaseDn, async (client) => {
          await client.search(groupBaseDn, { scope: "base", attributes: ["dn"] });
          return { ok: true, detail: `bound to ${config.url} as ${config.bindDn}; ${groupBaseDn} found` };
        });
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    async close() {
      // Nothing stays open between calls.
    },
  };
}
