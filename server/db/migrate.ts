import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { readMigrationFiles } from "drizzle-orm/migrator";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { installJobSchema, JOB_SCHEMA_VERSION, jobSchemaVersion } from "./job-schema";
import { applyAppGrants, MIGRATIONS_SCHEMA } from "./roles";

// Any constant works; it only has to be the same for every process that migrates.
const MIGRATION_LOCK = 7_414_001;

export const migrationsFolder = path.join(process.cwd(), "drizzle");

export interface MigrationOptions {
  /** The app's role: given exactly its privileges after the migrations (server/db/roles.ts). */
  appRole?: string;
}

/**
 * Applies the generated migrations in drizzle/ and pg-boss's schema as the role of `url` (the
 * owner), then the app role's grants. Several processes may start at once (app, tests, CLI): an
 * advisory lock lets one migrate while the others wait.
 */
export async function runMigrations(url: string, options: MigrationOptions = {}): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    // drizzle-kit's own bookkeeping notices are noise for a person starting the app.
    await client.query("set client_min_messages = warning");
    await migrate(drizzle(client), { migrationsFolder });
    await installJobSchema(client);
    const { rows } = await client.query<{ me: string }>("select current_user as me");
    if (options.appRole && options.appRole !== rows[0]!.me) await applyAppGrants(client, options.appRole);
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}

/** What the checks below need of a connection: a client or a pool. */
type Queryable = Pick<pg.ClientBase, "query">;

/**
 * Whether the database lacks a migration of drizzle/ or pg-boss's current schema. Works for the
 * app's role, which may read which migrations ran; a role that may not read it gets true.
 */
export async function migrationsPending(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await migrationsPendingOn(client);
  } finally {
    await client.end();
  }
}

/** The newest migration in drizzle/ (read once per process: the files do not change while it runs). */
let newestMigrationMillis: number | undefined;

/** migrationsPending over a connection the caller holds (GET /api/ready uses the app's pool). */
export async function migrationsPendingOn(client: Queryable): Promise<boolean> {
  try {
    const table = `${MIGRATIONS_SCHEMA}.__drizzle_migrations`;
    const { rows } = await client.query<{ name: string | null }>("select to_regclass($1) as name", [table]);
    if (!rows[0]?.name) return true;
    const last = await client.query<{ created_at: string | null }>(
      `select max(created_at)::text as created_at from ${table}`,
    );
    const applied = Number(last.rows[0]?.created_at ?? 0);
    // drizzle applies every migration newer than the last one applied (drizzle-orm's migrator).
    newestMigrationMillis ??= Math.max(0, ...readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
    if (newestMigrationMillis > applied) return true;
    return (await jobSchemaVersion(client)) !== JOB_SCHEMA_VERSION;
  } catch (err) {
    if ((err as { code?: string }).code === "42501") return true;
    throw err;
  }
}
