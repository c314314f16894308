import pg from "pg";
import { prepareDatabase } from "@/server/db/bootstrap";
import { runMigrations } from "@/server/db/migrate";

/**
 * A fresh, migrated database of the benchmark's own, named after it and the process: on
 * DATABASE_URL's server when set, else on the project's own PostgreSQL (started here if it is not
 * running). Creating a database takes the server's superuser, not the app's role. `done` drops it
 * (unless `keep`, which prints where it is) and stops a server this process started.
 */
export async function scratchDatabase(
  label: string,
  { keep = false }: { keep?: boolean } = {},
): Promise<{ url: string; name: string; done: () => Promise<void> }> {
  const prepared = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, embedded: null }
    : await prepareDatabase({ ...process.env, CLEARANCE_DATA_DIR: ".data/bench" });
  const name = `clearance_bench_${label}_${process.pid}`;
  const adminUrl = prepared.embedded?.url ?? prepared.url;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await runMigrations(url.toString());
  return {
    url: url.toString(),
    name,
    done: async () => {
      if (keep) return console.log(`database kept: ${url.toString()}`);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      if (prepared.embedded && "owned" in prepared.embedded && prepared.embedded.owned) await prepared.embedded.stop();
    },
  };
}
