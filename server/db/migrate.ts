import path from "node:path";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";

// Any constant works; it only has to be the same for every process that migrates.
const MIGRATION_LOCK = 7_414_001;

export const migrationsFolder = path.join(process.cwd(), "drizzle");

/**
 * Applies the generated migrations in drizzle/. Several processes may start at once
 * (app, tests, CLI): an advisory lock lets one migrate while the others wait.
 */
export async function runMigrations(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    // drizzle-kit's own bookkeeping notices are noise for a person starting the app.
    await client.query("set client_min_messages = warning");
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
