import type pg from "pg";

/**
 * The two database roles (docs/security/db-roles.md): an owner that owns the schema and runs
 * migrations, and the app's role, which may read and write rows but owns nothing, so it cannot
 * alter a table, switch off the audit trail's triggers or set session_replication_role.
 */

/** Where Clearance's objects live: its own tables and pg-boss's jobs. */
export const APP_SCHEMAS = ["public", "pgboss"] as const;
/** drizzle-kit's bookkeeping: the app only reads which migrations ran (server/db/migrate.ts). */
export const MIGRATIONS_SCHEMA = "drizzle";
/** Rows are added and read, never changed: the app gets SELECT and INSERT only, beside migration 0005's triggers. */
export const APPEND_ONLY_TABLES = ["audit_events"] as const;
/**
 * The audit chain's link, empty when an event is written and filled once by the sequencer
 * (server/services/audit-sequencer.ts): the app may UPDATE these columns of audit_events and no
 * other; migration 0020's trigger allows only the single fill of an empty link.
 */
export const AUDIT_LINK_COLUMNS = ["seq", "prev_hash", "hash", "key_id"] as const;
/** Derived tables the app rebuilds wholesale with TRUNCATE (server/services/lifecycle/expected.ts). */
export const TRUNCATED_BY_APP = ["expected_access"] as const;

type Client = pg.ClientBase;

const list = (client: Client, names: readonly string[]) => names.map((n) => client.escapeIdentifier(n)).join(", ");

/**
 * Gives `appRole` exactly what the app needs on every object that exists now, and (through
 * default privileges) on tables the owner creates later: run by the owner after every migration.
 * Everything is revoked and granted again in one transaction, so a grant added by hand is removed
 * and the app never sees a moment without its rights.
 */
export async function applyAppGrants(client: Client, appRole: string): Promise<void> {
  const app = client.escapeIdentifier(appRole);
  const schemas = list(client, APP_SCHEMAS);
  const { rows } = await client.query<{ name: string }>(
    "select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public' and c.relname = any($1::text[])",
    [[...APPEND_ONLY_TABLES, ...TRUNCATED_BY_APP]],
  );
  const present = new Set(rows.map((r) => r.name));
  const appendOnly = APPEND_ONLY_TABLES.filter((t) => present.has(t));
  const truncated = TRUNCATED_BY_APP.filter((t) => present.has(t));
  await client.query("begin");
  try {
    for (const statement of [
      `grant usage on schema ${schemas} to ${app}`,
      // Nobody but the owner creates objects here (PUBLIC kept CREATE on public before PostgreSQL 15).
      `revoke create on schema ${schemas} from ${app}, public`,
      `revoke all on all tables in schema ${schemas} from ${app}`,
      `grant select, insert, update, delete on all tables in schema ${schemas} to ${app}`,
      `revoke all on all sequences in schema ${schemas} from ${app}`,
      `grant usage, select on all sequences in schema ${schemas} to ${app}`,
      `alter default privileges in schema ${schemas} revoke all on tables from ${app}`,
      `alter default privileges in schema ${schemas} grant select, insert, update, delete on tables to ${app}`,
      `alter default privileges in schema ${schemas} revoke all on sequences from ${app}`,
      `alter default privileges in schema ${schemas} grant usage, select on sequences to ${app}`,
      ...(appendOnly.length ? [`revoke update, delete on ${list(client, appendOnly)} from ${app}`] : []),
      ...(present.has("audit_events")
        ? [`grant update (${list(client, AUDIT_LINK_COLUMNS)}) on audit_events to ${app}`]
        : []),
      ...(truncated.length ? [`grant truncate on ${list(client, truncated)} to ${app}`] : []),
      // Which migrations ran, so a start without the owner's URL can tell whether any are pending.
      `grant usage on schema ${MIGRATIONS_SCHEMA} to ${app}`,
      `revoke create on schema ${MIGRATIONS_SCHEMA} from ${app}`,
      `revoke all on all tables in schema ${MIGRATIONS_SCHEMA} from ${app}`,
      `grant select on ${MIGRATIONS_SCHEMA}.__drizzle_migrations to ${app}`,
    ]) {
      await client.query(statement);
    }
    await client.query("commit");
  } catch (err) {
    await client.query("rollback").catch(() => undefined);
    throw err;
  }
}

export interface RoleCheck {
  role: string;
  /** What the role may do that the app's role must not, in words; empty when none. */
  problems: string[];
}

interface RoleFacts {
  role: string;
  superuser: boolean;
  createrole: boolean;
  createdb: boolean;
  bypassrls: boolean;
  replication: boolean;
  set_replication_role: boolean;
  owns_database: boolean;
  owned_schemas: number;
  owned_tables: number;
  create_anywhere: boolean;
  change_audit: boolean;
}

const schemaNames = `array[${[...APP_SCHEMAS, MIGRATIONS_SCHEMA].map((s) => `'${s}'`).join(", ")}]`;

/**
 * What the connected role may do beyond the app's needs. "Owns" counts ownership through role
 * membership too: a member of the owner can act as the owner.
 */
export async function checkRole(client: Client): Promise<RoleCheck> {
  const { rows } = await client.query<RoleFacts>(`
    select r.rolname as role, r.rolsuper as superuser, r.rolcreaterole as createrole, r.rolcreatedb as createdb,
           r.rolbypassrls as bypassrls, r.rolreplication as replication,
           has_parameter_privilege('session_replication_role', 'SET') as set_replication_role,
           pg_has_role(d.datdba, 'MEMBER') as owns_database,
           (select count(*)::int from pg_namespace n where n.nspname = any(${schemaNames}) and pg_has_role(n.nspowner, 'MEMBER')) as owned_schemas,
           (select count(*)::int from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = any(${schemaNames}) and c.relkind in ('r', 'p', 'v', 'm', 'f') and pg_has_role(c.relowner, 'MEMBER')) as owned_tables,
           has_database_privilege(d.oid, 'CREATE')
             or exists (select 1 from pg_namespace n where n.nspname = any(${schemaNames}) and has_schema_privilege(n.oid, 'CREATE')) as create_anywhere,
           coalesce((select has_table_privilege(c.oid, 'UPDATE') or has_table_privilege(c.oid, 'DELETE') or has_table_privilege(c.oid, 'TRUNCATE')
                       or exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                                    and a.attname <> all(array[${AUDIT_LINK_COLUMNS.map((n) => `'${n}'`).join(", ")}])
                                    and has_column_privilege(c.oid, a.attnum, 'UPDATE'))
                     from pg_class c where c.oid = to_regclass('public.audit_events')), false) as change_audit
    from pg_roles r, pg_database d
    where r.rolname = current_user and d.datname = current_database()`);
  const f = rows[0]!;
  if (f.superuser) return { role: f.role, problems: ["is a superuser"] };
  const problems = [
    f.owned_tables > 0 && `owns ${f.owned_tables} of Clearance's tables`,
    f.owns_database && "owns the database",
    f.owned_schemas > 0 && f.owned_tables === 0 && "owns Clearance's schemas",
    f.create_anywhere && !f.owns_database && "may create schemas or tables",
    f.set_replication_role && "may set session_replication_role",
    f.change_audit && f.owned_tables === 0 && "may update, delete or truncate audit_events",
    f.createrole && "may create roles",
    f.createdb && "may create databases",
    f.bypassrls && "bypasses row-level security",
    f.replication && "is a replication role",
  ].filter((p): p is string => typeof p === "string");
  return { role: f.role, problems };
}

/** One line for an operator: which role, what is wrong with it, and what to do. */
export function privilegedRoleMessage(check: RoleCheck, variable = "DATABASE_URL"): string {
  return (
    `${variable} connects as "${check.role}", which ${check.problems.join(", ")}: the app must run as a role that cannot alter ` +
    `tables or switch off the audit trail's triggers. Create the owner and app roles as docs/deploy.md shows, then set ` +
    `DATABASE_URL to the app role and DATABASE_OWNER_URL to the owner (migrations run as the owner)`
  );
}

export interface RolePair {
  owner: { name: string; password: string };
  app: { name: string; password: string };
}

const NO_PRIVILEGES = "nosuperuser nocreatedb nocreaterole noreplication nobypassrls";

/**
 * Creates the two login roles, or brings existing ones back to these attributes and passwords
 * (idempotent), as a superuser. The app's role is never a member of the owner.
 */
export async function ensureRoles(superuser: Client, roles: RolePair): Promise<void> {
  for (const { name, password } of [roles.owner, roles.app]) {
    const role = superuser.escapeIdentifier(name);
    const found = await superuser.query("select 1 from pg_roles where rolname = $1", [name]);
    if (found.rowCount === 0) {
      try {
        await superuser.query(`create role ${role} login ${NO_PRIVILEGES}`);
      } catch (err) {
        // Another process created it first.
        if ((err as { code?: string }).code !== "42710") throw err;
      }
    }
    await superuser.query(`alter role ${role} login ${NO_PRIVILEGES} password ${superuser.escapeLiteral(password)}`);
  }
  const member = await superuser.query(
    "select 1 from pg_auth_members m join pg_roles o on o.oid = m.roleid join pg_roles a on a.oid = m.member where o.rolname = $1 and a.rolname = $2",
    [roles.owner.name, roles.app.name],
  );
  if (member.rowCount)
    await superuser.query(
      `revoke ${superuser.escapeIdentifier(roles.owner.name)} from ${superuser.escapeIdentifier(roles.app.name)}`,
    );
}

/** A connection URL for another role (and, optionally, database) on the same server. */
export function urlAs(url: string, role: string, password: string, database?: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(role);
  u.password = encodeURIComponent(password);
  if (database) u.pathname = `/${database}`;
  return u.toString();
}
