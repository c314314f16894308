import path from "node:path";
import pg from "pg";
import { redactUrl, StartupError } from "@/server/config";
import { startEmbeddedPostgres, type EmbeddedServer } from "./embedded";
import { provisionEmbeddedRoles } from "./embedded-roles";
import { migrationsPending, runMigrations } from "./migrate";
import { checkRole, privilegedRoleMessage, type RoleCheck } from "./roles";

export const DEFAULT_DATA_DIR = path.join(process.cwd(), ".data");
export const DEFAULT_PG_PORT = 54329;

type Env = Record<string, string | undefined>;

export interface PreparedDatabase {
  /** What the app connects as: DATABASE_URL, or the app role of the project's own PostgreSQL. */
  url: string;
  /** What migrations ran as: DATABASE_OWNER_URL, the project's owner role, or DATABASE_URL alone (development). */
  ownerUrl: string;
  /** The project's own server, when DATABASE_URL was unset. */
  embedded: EmbeddedServer | null;
  /** Set when the app's role may do more than the app needs (a superuser, the tables' owner): one line. */
  warning: string | null;
}

export interface PrepareOptions {
  /** Stop with a StartupError, before and after migrating, when the app's role is privileged (`npm start`). */
  strict?: boolean;
}

/**
 * The database to run against, migrated: DATABASE_URL when it is set (checked to be reachable),
 * else the project's own PostgreSQL under the data directory, with its owner and app roles.
 * Migrations and pg-boss's schema are applied as the owner (DATABASE_OWNER_URL; without it,
 * DATABASE_URL's role when there is something to apply), then the app role gets its grants.
 */
export async function prepareDatabase(env: Env = process.env, options: PrepareOptions = {}): Promise<PreparedDatabase> {
  const dataDir = env.CLEARANCE_DATA_DIR ? path.resolve(env.CLEARANCE_DATA_DIR) : DEFAULT_DATA_DIR;
  let embedded: EmbeddedServer | null = null;
  let url = env.DATABASE_URL;
  let ownerUrl = env.DATABASE_OWNER_URL || undefined;
  if (url) {
    await checkReachable(url);
    if (ownerUrl) await checkReachable(ownerUrl, "DATABASE_OWNER_URL");
  } else {
    if (ownerUrl) {
      throw new StartupError(
        "DATABASE_OWNER_URL is set but DATABASE_URL is not: set DATABASE_URL to the app role's URL too, or unset both to use the project's own PostgreSQL",
      );
    }
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, "pg"),
      database: "clearance",
      port: Number(env.CLEARANCE_PG_PORT ?? DEFAULT_PG_PORT),
    }).catch((err: unknown) => {
      throw new StartupError(`the project's own PostgreSQL could not start: ${(err as Error).message}`);
    });
    try {
      ({ appUrl: url, ownerUrl } = await provisionEmbeddedRoles(embedded, "clearance"));
    } catch (err) {
      if (embedded.owned) await embedded.stop();
      throw new StartupError(`the project's own PostgreSQL could not set up its roles: ${(err as Error).message}`);
    }
  }

  const appUrl = url;
  try {
    return await migrateAndCheck(appUrl, ownerUrl, embedded, options);
  } catch (err) {
    // Do not leave the project's own PostgreSQL running behind a failed start.
    if (embedded?.owned) await embedded.stop();
    throw err;
  }
}

async function migrateAndCheck(
  appUrl: string,
  ownerUrl: string | undefined,
  embedded: EmbeddedServer | null,
  options: PrepareOptions,
): Promise<PreparedDatabase> {
  const before = await roleOf(appUrl);
  if (options.strict && before.problems.length) throw new StartupError(privilegedRoleMessage(before));
  const migrateWith = ownerUrl ?? appUrl;
  try {
    if (ownerUrl) await runMigrations(ownerUrl, { appRole: before.role });
    // Without an owner's URL, DATABASE_URL's role migrates when there is something to apply (as before the roles).
    else if (await migrationsPending(appUrl)) await runMigrations(appUrl);
  } catch (err) {
    // Drizzle wraps the database's error in its own, which names the whole query.
    const cause = ((err as { cause?: unknown }).cause ?? err) as { code?: string; message?: string };
    const hint =
      !ownerUrl && cause.code === "42501"
        ? ": DATABASE_URL's role may not migrate; set DATABASE_OWNER_URL to the owner's URL (docs/deploy.md)"
        : "";
    throw new StartupError(`migrations failed on ${redactUrl(migrateWith)}: ${cause.message ?? String(err)}${hint}`);
  }
  const after = await roleOf(appUrl);
  const warning = after.problems.length ? privilegedRoleMessage(after) : null;
  if (options.strict && warning) throw new StartupError(warning);
  return { url: appUrl, ownerUrl: migrateWith, embedded, warning };
}

/** The role `url` connects as, and what it may do beyond the app's needs. */
export async function roleOf(url: string): Promise<RoleCheck> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await checkRole(client);
  } finally {
    await client.end();
  }
}

/** `npm start`'s check before anything else: DATABASE_URL must not be a superuser or own Clearance's tables. */
export async function refusePrivilegedRole(url: string): Promise<void> {
  const check = await roleOf(url);
  if (check.problems.length) throw new StartupError(privilegedRoleMessage(check));
}

/** Throws a StartupError naming the server when DATABASE_URL (or another variable) cannot be reached. */
export async function checkReachable(url: string, variable = "DATABASE_URL"): Promise<void> {
  let client: pg.Client;
  try {
    client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  } catch (err) {
    throw new StartupError(`${variable} is not a valid PostgreSQL URL: ${(err as Error).message}`);
  }
  try {
    await client.connect();
    await client.query("select 1");
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new StartupError(
      `cannot reach the database at ${variable} ${redactUrl(url)}: ${e.message || e.code || "connection failed"}`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}
