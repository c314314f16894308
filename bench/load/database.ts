import pg from "pg";
import { runMigrations } from "@/server/db/migrate";
import { ensureRoles, urlAs, type RolePair } from "@/server/db/roles";

/**
 * The benchmark's databases on the machine's PostgreSQL (127.0.0.1:5432, user postgres, trust):
 * an owner role that migrates and an app role that runs the servers, as docs/deploy.md has them
 * (`npm start` refuses a superuser or the tables' owner). The fixture is built once into a
 * template database; every run clones it, so a run's writes never reach the next run.
 */

export const ADMIN_URL = process.env.LOAD_BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

export const roles: RolePair = {
  owner: { name: "clearance_load_owner", password: "clearance-load-owner" },
  app: { name: "clearance_load_app", password: "clearance-load-app" },
};

/** The template the fixture lives in; its name carries the fixture's version so a changed generator rebuilds it. */
export const FIXTURE_VERSION = 2;
export const templateName = () => `clearance_load_fixture_v${FIXTURE_VERSION}`;

export const ownerUrl = (db: string) => urlAs(ADMIN_URL, roles.owner.name, roles.owner.password, db);
export const appUrl = (db: string) => urlAs(ADMIN_URL, roles.app.name, roles.app.password, db);
export const superUrl = (db: string) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${db}`;
  return u.toString();
};

export async function withAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function databaseExists(name: string): Promise<boolean> {
  return withAdmin(async (c) => (await c.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1);
}

/** Ends every connection to `name` and drops it. */
export async function dropDatabase(name: string): Promise<void> {
  await withAdmin(async (c) => {
    await c.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [name],
    );
    await c.query(`drop database if exists ${c.escapeIdentifier(name)}`);
  });
}

/** A new, migrated, empty database owned by the owner role; the app role has its grants. */
export async function createEmptyDatabase(name: string): Promise<void> {
  await withAdmin(async (c) => {
    await ensureRoles(c, roles);
    await c.query(`drop database if exists ${c.escapeIdentifier(name)}`);
    await c.query(`create database ${c.escapeIdentifier(name)} owner ${c.escapeIdentifier(roles.owner.name)}`);
  });
  await runMigrations(ownerUrl(name), { appRole: roles.app.name });
}

/** Marks a finished fixture as a template and clones it into a fresh database for one run. */
export async function cloneFromTemplate(template: string, name: string): Promise<void> {
  await withAdmin(async (c) => {
    await ensureRoles(c, roles);
    await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [template]);
    await c.query(`drop database if exists ${c.escapeIdentifier(name)}`);
    await c.query(
      `create database ${c.escapeIdentifier(name)} template ${c.escapeIdentifier(template)} owner ${c.escapeIdentifier(roles.owner.name)}`,
    );
  });
}

export async function renameDatabase(from: string, to: string): Promise<void> {
  await withAdmin(async (c) => {
    await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1", [from]);
    await c.query(`alter database ${c.escapeIdentifier(from)} rename to ${c.escapeIdentifier(to)}`);
  });
}

/** Templates of other fixture versions (a changed generator): dropped when a new one is built. */
export async function staleTemplates(): Promise<string[]> {
  return withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      "select datname from pg_database where datname like 'clearance_load_fixture_v%' and datname <> $1",
      [templateName()],
    );
    return rows.map((r) => r.datname);
  });
}
