import pg from "pg";
import { z } from "zod";
import { AdapterError, type AccessTarget, type ActualAccess, type Adapter, type AdapterHealth, type AdapterResult } from "./types";

export const postgresConfigSchema = z
  .object({
    /** Connection string of the adapter's own login role. */
    url: z.string().min(1).optional(),
    /** Name of the environment variable holding that connection string (read when the pool is made). */
    urlEnv: z.string().min(1).optional(),
  })
  .refine((c) => (c.url === undefined) !== (c.urlEnv === undefined), { message: "set exactly one of url and urlEnv", path: ["url"] });

export type PostgresConfig = z.input<typeof postgresConfigSchema>;

/** SQLSTATE classes and codes where trying again later can help. */
const RETRYABLE_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const CONNECTION_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE"]);

function toAdapterError(error: unknown, doing: string): AdapterError {
  if (error instanceof AdapterError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) {
    return new AdapterError(`PostgreSQL ${doing} failed: ${message} (SQLSTATE ${code})`, RETRYABLE_SQLSTATE.test(code));
  }
  // No SQLSTATE: the failure is on the way to the server (refused, reset, timed out).
  const network = (typeof code === "string" && CONNECTION_ERRNO.has(code)) || /timeout|terminated|connection/i.test(message);
  return new AdapterError(`PostgreSQL ${doing} failed: ${message}`, network);
}

/** Roles the connected role holds ADMIN OPTION on: the ones this adapter manages. */
const MANAGED_ROLES_SQL = `
  select distinct r.rolname as role
  from pg_auth_members am
  join pg_roles r on r.oid = am.roleid
  where am.member = (select oid from pg_roles where rolname = current_user) and am.admin_option`;

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
    if (!value) throw new AdapterError(`PostgreSQL connection string: environment variable ${config.urlEnv} is not set`, false);
    return value;
  };

  function getPool(): pg.Pool {
    if (!pool) {
      pool = new pg.Pool({ connectionString: connectionString(), max: 2, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000, application_name: "clearance-adapter" });
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
    if (target.type !== "role") throw new AdapterError(`PostgreSQL adapter manages roles only, not ${target.resource}`, false);
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

  return {
    kind: "postgres",

    async grant(target) {
      const role = roleOf(target);
      return withClient(`grant of role "${role}" to "${target.username}"`, async (client): Promise<AdapterResult> => {
        const already = await isMember(client, role, target.username);
        // Granting an existing membership is only a NOTICE, so this is idempotent as it stands.
        await client.query(`grant ${client.escapeIdentifier(role)} to ${client.escapeIdentifier(target.username)}`);
        return { status: "done", detail: already ? `"${target.username}" was already a member of "${role}"` : `granted "${role}" to "${target.username}"` };
      });
    },

    async revoke(target) {
      const role = roleOf(target);
      const username = target.username;
      return withClient(`revoke of role "${role}" from "${username}"`, async (client): Promise<AdapterResult> => {
        const was = await isMember(client, role, username);
        // Revoking a membership that is not there is only a WARNING.
        await client.query(`revoke ${client.escapeIdentifier(role)} from ${client.escapeIdentifier(username)}`);
        if (await isMember(client, role, username)) {
          // PostgreSQL 16+ only revokes grants this role made; another grantor's stays.
          throw new AdapterError(`PostgreSQL revoke of role "${role}" from "${username}": the membership was granted by another role and remains`, false);
        }
        // A session that already ran SET ROLE keeps acting as the role after the revoke, so the
        // member's sessions end. Done on every call, so a retry after a failure here finishes the job.
        const { rows } = await client.query<{ terminated: boolean }>(
          "select pg_terminate_backend(pid, 5000) as terminated from pg_stat_activity where usename = $1 and pid <> pg_backend_pid()",
          [username],
        );
        const ended = rows.filter((r) => r.terminated).length;
        const sessions = ended ? `; ended ${ended} open session${ended === 1 ? "" : "s"}` : "";
        return { status: "done", detail: `${was ? `revoked "${role}" from "${username}"` : `"${username}" was not a member of "${role}"`}${sessions}` };
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
        return rows.map((r): ActualAccess => ({ username: r.member, resource: `${options.systemKey}:role:${r.role}`, level: null }));
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
          if (!can_signal) return { ok: false, detail: `connected as ${who}, which is not a member of pg_signal_backend; revokes cannot end open sessions` };
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
