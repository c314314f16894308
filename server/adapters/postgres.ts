import pg from "pg";
import { z } from "zod";
import { secretEnvName } from "./secret-env";
import { DEFAULT_RESTRICT_FUNCTION, DEFAULT_VENDOR_MARKER_ROLE, SQL_IDENTIFIER } from "./postgres-vendor-logins";
import {
  AdapterError,
  type AccessTarget,
  type ActualAccess,
  type Adapter,
  type AdapterHealth,
  type AdapterResult,
  type Restrictions,
  unenforcedRestrictions,
} from "./types";

const identifier = z.string().regex(SQL_IDENTIFIER, "a plain SQL identifier: lowercase letters, digits and _");

export const postgresConfigSchema = z
  .object({
    /** Connection string of the adapter's own login role. */
    url: z.string().min(1).optional(),
    /** Name of the environment variable holding that connection string (read when the pool is made). */
    urlEnv: secretEnvName.optional(),
    /**
     * Vendor logins (postgres-vendor-logins.ts): the marker role and the function that restricts a
     * marked login. Without it, a grant that carries restrictions is refused.
     */
    vendorLogins: z
      .strictObject({
        markerRole: identifier.default(DEFAULT_VENDOR_MARKER_ROLE),
        restrictFunction: identifier.default(DEFAULT_RESTRICT_FUNCTION),
      })
      .optional(),
  })
  .refine((c) => (c.url === undefined) !== (c.urlEnv === undefined), {
    message: "set exactly one of url and urlEnv",
    path: ["url"],
  });

export type PostgresConfig = z.input<typeof postgresConfigSchema>;

/** SQLSTATE classes and codes where trying again later can help. */
const RETRYABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const CONNECTION_ERRNO = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
]);

function toAdapterError(error: unknown, doing: string): AdapterError {
  if (error instanceof AdapterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    return new AdapterError(`PostgreSQL ${doing} failed: ${message} (SQLSTATE ${code})`, RETRYABLE_SQLSTATE.test(code));
  }
  // No SQLSTATE: the failure is on the way to the server (refused, reset, timed out).
  const network =
    (typeof code === "string" && CONNECTION_ERRNO.has(code)) || /timeout|terminated|connection/i.test(message);
  return new AdapterError(`PostgreSQL ${doing} failed: ${message}`, network);
}

/** Roles the connected role holds ADMIN OPTION on: the ones this adapter manages. */
const MANAGED_ROLES_SQL = `
  select distinct r.rolname as role
  from pg_auth_members am
  join pg_roles r on r.oid = am.roleid
  where am.member = (select oid from pg_roles where rolname = current_user) and am.admin_option`;

const restricted = (r: Restrictions | undefined) =>
  Boolean(r && (r.ipAllowList?.length || r.mfaRequired || r.sessionMinutes || r.maxSessions));

/** What PostgreSQL cannot enforce itself (README.md: pg_hba.conf and the connection path do). */
const notEnforced = (r: Restrictions | undefined) =>
  unenforcedRestrictions("PostgreSQL (pg_hba.conf, the connection path)", r, [
    "mfaRequired",
    "ipAllowList",
    "sessionMinutes",
  ]);

/**
 * Grants and revokes PostgreSQL role membership (`postgres:role:<role>` to the login role named
 * like the person's username). The adapter's login role needs ADMIN OPTION on each managed role
 * and membership in pg_signal_backend, nothing more (README.md has the setup SQL).
 */
export function postgresAdapter(rawConfig: PostgresConfig, options: { systemKey: string }): Adapter {
  const config = postgresConfigSchema.parse(rawConfig);
  let pool: pg.Pool | null = null;

  const connectionString = (): string => {
    if (config.url !== undefined) return config.url;
    const value = process.env[config.urlEnv ?? ""];
    if (!value)
      throw new AdapterError(`PostgreSQL connection string: environment variable ${config.urlEnv} is not set`, false);
    return value;
  };

  function getPool(): pg.Pool {
    if (!pool) {
      pool = new pg.Pool({
        connectionString: connectionString(),
        max: 2,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: 10_000,
        application_name: "clearance-adapter",
      });
      // An idle connection the server drops would otherwise crash the process; the next query reports it.
      pool.on("error", () => undefined);
    }
    return pool;
  }

  async function withClient<T>(doing: string, run: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let client: pg.PoolClient | null = null;
    try {
      client = await getPool().connect();
      return await run(client);
    } catch (error) {
      throw toAdapterError(error, doing);
    } finally {
      client?.release();
    }
  }

  function roleOf(target: AccessTarget): string {
    if (target.type !== "role")
      throw new AdapterError(`PostgreSQL adapter manages roles only, not ${target.resource}`, false);
    return target.name;
  }

  const isMember = async (client: pg.PoolClient, role: string, username: string) => {
    const { rowCount } = await client.query(
      `select 1 from pg_auth_members am
       join pg_roles r on r.oid = am.roleid join pg_roles m on m.oid = am.member
       where r.rolname = $1 and m.rolname = $2`,
      [role, username],
    );
    return (rowCount ?? 0) > 0;
  };

  const vendorLogins = config.vendorLogins;
  const isVendorLogin = async (client: pg.PoolClient, username: string) =>
    vendorLogins ? isMember(client, vendorLogins.markerRole, username) : false;

  /** Runs `work` in a transaction holding a lock on the login, so two calls for one vendor do not interleave. */
  async function lockedForLogin<T>(client: pg.PoolClient, username: string, work: () => Promise<T>): Promise<T> {
    await client.query("begin");
    try {
      await client.query("select pg_advisory_xact_lock(hashtext('clearance vendor login ' || $1))", [username]);
      const result = await work();
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    }
  }

  /** Sets VALID UNTIL and CONNECTION LIMIT (null: leave it) through the setup's SECURITY DEFINER function. */
  const restrictLogin = (
    client: pg.PoolClient,
    username: string,
    validUntil: Date | "now",
    connectionLimit: number | null,
  ) =>
    client.query(
      `select ${client.escapeIdentifier(vendorLogins!.restrictFunction)}($1, ${validUntil === "now" ? "now()" : "$3::timestamptz"}, $2::int)`,
      [username, connectionLimit, ...(validUntil === "now" ? [] : [validUntil.toISOString()])],
    );

  /**
   * A vendor login's window: VALID UNTIL the exception's expiry, never earlier than a later expiry
   * it already has (another exception of the same vendor); CONNECTION LIMIT the session limit, or
   * unlimited again if a revoke had locked it (0).
   */
  async function openVendorWindow(client: pg.PoolClient, target: AccessTarget, expiresAt: Date) {
    const { rows } = await client.query<{ until: Date; limit: number }>(
      "select case when rolvaliduntil > now() then greatest(rolvaliduntil, $2::timestamptz) " +
        "else $2::timestamptz end as until, rolconnlimit as limit from pg_roles where " +
        "rolname = $1",
      [target.username, expiresAt.toISOString()],
    );
    const current = rows[0]!;
    const limit = target.restrictions?.maxSessions ?? (current.limit === 0 ? -1 : null);
    await restrictLogin(client, target.username, current.until, limit);
    return `; vendor login: VALID UNTIL ${current.until.toISOString()}${limit === null ? "" : `, CONNECTION LIMIT ${limit}`}`;
  }

  /** How many roles this adapter manages the login still holds. */
  const managedMemberships = async (client: pg.PoolClient, username: string) =>
    (
      await client.query<{ n: number }>(
        `select count(*)::int as n from pg_auth_members am join pg_roles m on m.oid = am.member join pg_roles r on r.oid = am.roleid
         where m.rolname = $1 and r.rolname in (${MANAGED_ROLES_SQL})`,
        [username],
      )
    ).rows[0]!.n;

  return {
    kind: "postgres",

    async grant(target) {
      const role = roleOf(target);
      return withClient(`grant of role "${role}" to "${target.username}"`, async (client): Promise<AdapterResult> => {
        const already = await isMember(client, role, target.username);
        const vendor = await isVendorLogin(client, target.username);
        // Restrictions on a shared login would either cut its other access or be silently ignored: refused.
        if (restricted(target.restrictions) && !vendor) {
          throw new AdapterError(
            vendorLogins
              ? `PostgreSQL grant of role "${role}": the access carries vendor restrictions and ` +
                  `"${target.username}" is not a vendor login (a member of "${vendorLogins.markerRole}")`
              : `PostgreSQL grant of role "${role}": the access carries vendor restrictions and this system has no vendorLogins set up (README.md)`,
            false,
          );
        }
        // Granting an existing membership is only a NOTICE, so this is idempotent as it stands.
        const grant = () =>
          client.query(`grant ${client.escapeIdentifier(role)} to ${client.escapeIdentifier(target.username)}`);
        let window = "";
        if (vendor && target.expiresAt) {
          const expiresAt = target.expiresAt;
          window = await lockedForLogin(client, target.username, async () => {
            await grant();
            return openVendorWindow(client, target, expiresAt);
          });
        } else {
          await grant();
        }
        const done = already
          ? `"${target.username}" was already a member of "${role}"`
          : `granted "${role}" to "${target.username}"`;
        return { status: "done", detail: `${done}${window}${notEnforced(target.restrictions)}` };
      });
    },

    async revoke(target) {
      const role = roleOf(target);
      const username = target.username;
      return withClient(`revoke of role "${role}" from "${username}"`, async (client): Promise<AdapterResult> => {
        const was = await isMember(client, role, username);
        const revoke = async () => {
          // Revoking a membership that is not there is only a WARNING.
          await client.query(`revoke ${client.escapeIdentifier(role)} from ${client.escapeIdentifier(username)}`);
          if (await isMember(client, role, username)) {
            // PostgreSQL 16+ only revokes grants this role made; another grantor's stays.
            throw new AdapterError(
              `PostgreSQL revoke of role "${role}" from "${username}": the membership was granted by another role and remains`,
              false,
            );
          }
        };
        let locked = "";
        if (await isVendorLogin(client, username)) {
          // A vendor login left with nothing it is here for is shut: no password, no new sessions.
          locked = await lockedForLogin(client, username, async () => {
            await revoke();
            if ((await managedMemberships(client, username)) > 0) return "";
            await restrictLogin(client, username, "now", 0);
            return "; vendor login locked (VALID UNTIL now, CONNECTION LIMIT 0)";
          });
        } else {
          await revoke();
        }
        // A session that already ran SET ROLE keeps acting as the role after the revoke, so the
        // member's sessions end. Done on every call, so a retry after a failure here finishes the job.
        const { rows } = await client.query<{ terminated: boolean }>(
          "select pg_terminate_backend(pid, 5000) as terminated from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()",
          [username],
        );
        const ended = rows.filter((r) => r.terminated).length;
        const sessions = ended ? `; ended ${ended} open session${ended === 1 ? "" : "s"}` : "";
        return {
          status: "done",
          detail: `${was ? `revoked "${role}" from "${username}"` : `"${username}" was not a member of "${role}"`}${locked}${sessions}`,
        };
      });
    },

    async listActual() {
      return withClient("listing of role members", async (client) => {
        const { rows } = await client.query<{ role: string; member: string }>(
          `select distinct r.rolname as role, m.rolname as member
           from pg_auth_members am
           join pg_roles r on r.oid = am.roleid
           join pg_roles m on m.oid = am.member
           where r.rolname in (${MANAGED_ROLES_SQL}) and m.rolname <> current_user
           order by 1, 2`,
        );
        return rows.map((r): ActualAccess => ({
          username: r.member,
          resource: `${options.systemKey}:role:${r.role}`,
          level: null,
        }));
      });
    },

    async listResources() {
      return withClient("listing of managed roles", async (client) => {
        const { rows } = await client.query<{ role: string; description: string | null }>(
          `select r.rolname as role, shobj_description(r.oid, 'pg_authid') as description
           from pg_roles r where r.rolname in (${MANAGED_ROLES_SQL}) order by 1`,
        );
        return rows.map((r) => ({ type: "role", name: r.role, description: r.description ?? undefined }));
      });
    },

    async health(): Promise<AdapterHealth> {
      try {
        return await withClient("health check", async (client) => {
          await client.query("select 1");
          const { rows } = await client.query<{ managed: number; can_signal: boolean; who: string }>(
            `select (select count(*)::int from (${MANAGED_ROLES_SQL}) managed) as managed,
                    pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') as can_signal,
                    current_user as who`,
          );
          const { managed = 0, can_signal = false, who = "?" } = rows[0] ?? {};
          // Without pg_signal_backend a revoke cannot end the member's open sessions.
          if (!can_signal)
            return {
              ok: false,
              detail: `connected as ${who}, which is not a member of pg_signal_backend; revokes cannot end open sessions`,
            };
          return { ok: true, detail: `connected as ${who}; manages ${managed} role${managed === 1 ? "" : "s"}` };
        });
      } catch (error) {
        return { ok: false, detail: error instanceof Error ? error.message : String(error) };
      }
    },

    async close() {
      const closing = pool;
      pool = null;
      await closing?.end();
    },
  };
}
