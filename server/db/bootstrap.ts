import path from "node:path";
import pg from "pg";
import { redactUrl, StartupError } from "@/server/config";
import { startEmbeddedPostgres, type EmbeddedServer } from "./embedded";
import { runMigrations } from "./migrate";

export const DEFAULT_DATA_DIR = path.join(process.cwd(), ".data");
export const DEFAULT_PG_PORT = 54329;

export interface PreparedDatabase {
  url: string;
  /** The project's own server, when DATABASE_URL was unset. */
  embedded: EmbeddedServer | null;
}

/**
 * The database to run against: DATABASE_URL when it is set (checked to be reachable),
 * else the project's own PostgreSQL under the data directory. Migrations are applied.
 */
export async function prepareDatabase(env: Record<string, string | undefined> = process.env): Promise<PreparedDatabase> {
  const dataDir = env.CLEARANCE_DATA_DIR ? path.resolve(env.CLEARANCE_DATA_DIR) : DEFAULT_DATA_DIR;
  let embedded: EmbeddedServer | null = null;
  let url = env.DATABASE_URL;
  if (url) {
    await checkReachable(url);
  } else {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      database: "clearance",
      port: Number(env.CLEARANCE_PG_PORT ?? DEFAULT_PG_PORT),
    }).catch((err: unknown) => {
      throw new StartupError(`the project's own PostgreSQL could not start: ${(err as Error).message}`);
    });
    url = embedded.url;
  }
  try {
    await runMigrations(url);
  } catch (err) {
    await embedded?.stop();
    throw new StartupError(`migrations failed on ${redactUrl(url)}: ${(err as Error).message}`);
  }
  return { url, embedded };
}

/** Throws a StartupError naming the server when DATABASE_URL cannot be reached. */
export async function checkReachable(url: string): Promise<void> {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  } catch (err) {
    throw new StartupError(`DATABASE_URL is not a valid PostgreSQL URL: ${(err as Error).message}`);
  }
  try {
    await client.connect();
    await client.query("select 1");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(`cannot reach the database at DATABASE_URL ${redactUrl(url)}: ${e.message || e.code || "connection failed"}`);
  } finally {
    await client.end().catch(() => {});
  }
}
