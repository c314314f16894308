import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import pg from "pg";
import type { EmbeddedServer } from "./embedded";
import { ensureRoles, urlAs, type RolePair } from "./roles";

/** The roles of the project's own PostgreSQL; its cluster serves Clearance alone, so the names are fixed. */
export const EMBEDDED_OWNER_ROLE = "clearance_owner";
export const EMBEDDED_APP_ROLE = "clearance_app";

// Serialises the processes that start on one data directory (dev server, seed, CLI).
const ROLES_LOCK = 7_414_004;

/** Files beside the data directory that hold each role's password (mode 600), like the superuser's. */
export const rolePasswordFile = (dataDir: string, role: string) => `${dataDir}.${role}.password`;

function readOrCreatePassword(file: string): string {
  try {
    // "wx": two processes starting at once must end up with the same password.
    writeFileSync(file, randomBytes(24).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFileSync(file, "utf8").trim();
}

const onDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/**
 * Creates (or, for a data directory from before the roles, upgrades to) the owner and app roles
 * on the project's own PostgreSQL: the owner owns `database` and everything Clearance created in
 * it; the app role may connect and use temporary tables. Grants on the tables follow each
 * migration (server/db/migrate.ts). Returns the URL of each role.
 */
export async function provisionEmbeddedRoles(
  server: EmbeddedServer,
  database: string,
): Promise<{ ownerUrl: string; appUrl: string }> {
  const roles: RolePair = {
    owner: {
      name: EMBEDDED_OWNER_ROLE,
      password: readOrCreatePassword(rolePasswordFile(server.dataDir, EMBEDDED_OWNER_ROLE)),
    },
    app: {
      name: EMBEDDED_APP_ROLE,
      password: readOrCreatePassword(rolePasswordFile(server.dataDir, EMBEDDED_APP_ROLE)),
    },
  };
  const admin = new pg.Client({ connectionString: onDatabase(server.url, "postgres") });
  await admin.connect();
  try {
    await admin.query("select pg_advisory_lock($1)", [ROLES_LOCK]);
    await ensureRoles(admin, roles);
    const db = admin.escapeIdentifier(database);
    const owner = admin.escapeIdentifier(roles.owner.name);
    await admin.query(`alter database ${db} owner to ${owner}`);
    await admin.query(`revoke all on database ${db} from public`);
    await admin.query(`grant connect, temporary on database ${db} to ${admin.escapeIdentifier(roles.app.name)}`);
    const inside = new pg.Client({ connectionString: onDatabase(server.url, database) });
    await inside.connect();
    try {
      // Before this change everything was created by the superuser: hand it to the owner.
      await inside.query(reassignToOwnerSql(roles.owner.name));
    } finally {
      await inside.end();
    }
  } finally {
    await admin.query("select pg_advisory_unlock($1)", [ROLES_LOCK]).catch(() => undefined);
    await admin.end();
  }
  return {
    ownerUrl: urlAs(onDatabase(server.url, database), roles.owner.name, roles.owner.password),
    appUrl: urlAs(onDatabase(server.url, database), roles.app.name, roles.app.password),
  };
}

/**
 * SQL, run by a superuser inside Clearance's database, that makes `owner` the owner of Clearance's
 * schemas and of every table, sequence, view, function and type in them. REASSIGN OWNED cannot do
 * this when the old owner is the bootstrap superuser (postgres). Does nothing when all is in order.
 */
export function reassignToOwnerSql(owner: string): string {
  const role = owner.replace(/'/g, "''");
  return `DO $reassign$
DECLARE
  new_owner constant name := '${role}';
  r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n
           WHERE n.nspname IN ('drizzle', 'pgboss') AND n.nspowner <> new_owner::regrole LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, new_owner);
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('public', 'drizzle', 'pgboss') AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
             AND c.relowner <> new_owner::regrole LOOP
    EXECUTE format(CASE r.relkind WHEN 'v' THEN 'ALTER VIEW %s OWNER TO %I' WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %s OWNER TO %I'
                                  WHEN 'f' THEN 'ALTER FOREIGN TABLE %s OWNER TO %I' WHEN 'c' THEN 'ALTER TYPE %s OWNER TO %I'
                                  ELSE 'ALTER TABLE %s OWNER TO %I' END, r.rel, new_owner);
  END LOOP;
  -- Sequences of serial columns moved with their tables; these are the free-standing ones.
  FOR r IN SELECT c.oid::regclass AS rel FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname IN ('public', 'drizzle', 'pgboss') AND c.relkind = 'S' AND c.relowner <> new_owner::regrole LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO %I', r.rel, new_owner);
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn, p.prokind FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname IN ('public', 'drizzle', 'pgboss') AND p.proowner <> new_owner::regrole LOOP
    EXECUTE format(CASE r.prokind WHEN 'a' THEN 'ALTER AGGREGATE %s OWNER TO %I' ELSE 'ALTER ROUTINE %s OWNER TO %I' END, r.fn, new_owner);
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS typ FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
           WHERE n.nspname IN ('public', 'drizzle', 'pgboss') AND t.typtype IN ('e', 'd', 'r') AND t.typowner <> new_owner::regrole LOOP
    EXECUTE format('ALTER TYPE %s OWNER TO %I', r.typ, new_owner);
  END LOOP;
END
$reassign$;`;
}
