/**
 * What `npm run dev` and `npm start` run (in a process group of their own, server/launch.ts):
 * checks the configuration, prepares the database (the project's own PostgreSQL when DATABASE_URL
 * is unset), applies migrations, loads the demo organization into an empty database, then runs
 * Next.js and the jobs, says "ready" once a page answers, and stops everything in order on exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  adminEmails,
  checkAuthSettings,
  demoWanted,
  devLoginEnabled,
  instanceIdFrom,
  keepAliveTimeoutMs,
  logLevel,
  metricsToken,
  StartupError,
  type RunMode,
} from "../config";
import {
  checkReachable,
  DEFAULT_DATA_DIR,
  prepareDatabase,
  refusePrivilegedRole,
  type PreparedDatabase,
} from "../db/bootstrap";
import { closeDb, getDb } from "../db/client";
import { freePort } from "../db/embedded";
import { checkRateLimitSettings } from "../http/limits";
import { startWorkers } from "../jobs/worker";
import { logger } from "../log";
import { checkpointSettings } from "../services/audit-checkpoints/settings";
import { checkAuditKeySettings, ensureDevAuditKeyFile } from "../services/audit-keys";
import { organizationIsEmpty, seedIfEmpty } from "../services/demo-organization";
import { waitUntilServing } from "./readiness";
import { waitForOtherSessionsToClose } from "./drain";

const log = (line: string) => console.log(`clearance: ${line}`);

function fail(err: unknown): never {
  if (err instanceof StartupError) {
    console.error(`clearance: ${err.message}`);
  } else {
    console.error(`clearance: start-up failed: ${(err as Error)?.message ?? String(err)}`);
  }
  process.exit(1);
}

/** In development a secret is generated once and kept with the local data. */
function devSecret(dataDir: string): string {
  const file = path.join(dataDir, "auth-secret");
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString("base64url"), { mode: 0o600 });
  }
  return readFileSync(file, "utf8").trim();
}

async function run(mode: RunMode) {
  // The launcher's parent asks for a stop over IPC (Ctrl-C, SIGTERM) or vanishes; until the
  // servers are up, a stop request is kept and acted on as soon as they are.
  let stop: ((code: number) => Promise<void>) | null = null;
  let stopRequested = false;
  const requestStop = () => {
    stopRequested = true;
    void stop?.(0);
  };
  process.on("message", (m) => m === "stop" && requestStop());
  process.on("disconnect", requestStop);

  const env = { ...process.env };
  const dataDir = env.CLEARANCE_DATA_DIR ? path.resolve(env.CLEARANCE_DATA_DIR) : DEFAULT_DATA_DIR;
  if (mode === "dev") {
    env.CLEARANCE_DEV_LOGIN ??= "1";
    env.AUTH_SECRET ??= devSecret(dataDir);
    // This process writes audit events too (the demo organization, the jobs): it reads process.env.
    if (!env.CLEARANCE_AUDIT_KEYS && !env.CLEARANCE_AUDIT_KEY_FILE)
      env.CLEARANCE_AUDIT_KEY_FILE = process.env.CLEARANCE_AUDIT_KEY_FILE = ensureDevAuditKeyFile(dataDir);
  }
  checkAuthSettings(env, mode);
  const demo = demoWanted(env, mode);
  adminEmails(env);
  checkAuditKeySettings(env, mode);
  checkpointSettings(env);
  checkRateLimitSettings(env);
  metricsToken(env);
  const keepAlive = keepAliveTimeoutMs(env);
  // Development prints people's lines, not every call's JSON, unless asked (LOG_LEVEL).
  if (mode === "dev") env.LOG_LEVEL ??= "warn";
  logLevel(env);
  // Next.js and the jobs of this instance name it alike: its heartbeat, its log lines.
  const instanceId = instanceIdFrom(env, () => `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`);
  env.CLEARANCE_INSTANCE_ID = process.env.CLEARANCE_INSTANCE_ID = instanceId;
  if (mode === "dev") process.env.LOG_LEVEL = env.LOG_LEVEL;
  if (mode === "start" && devLoginEnabled(env)) {
    console.warn(
      "clearance: WARNING: CLEARANCE_DEV_LOGIN=1 lets anyone sign in as anyone without a password; use it for demos only",
    );
  }
  if (env.DATABASE_URL) {
    await checkReachable(env.DATABASE_URL);
    // A production server never runs as a superuser or as its tables' owner (docs/deploy.md).
    if (mode === "start") await refusePrivilegedRole(env.DATABASE_URL);
  }
  if (mode === "start" && !existsSync(path.join(process.cwd(), env.CLEARANCE_NEXT_DIST_DIR || ".next", "BUILD_ID"))) {
    throw new StartupError("no production build found: run `npm run build` first");
  }

  const db: PreparedDatabase = await prepareDatabase(env, { strict: mode === "start" });
  if (db.warning) console.warn(`clearance: WARNING: ${db.warning}`);
  // From here on the app connects as its own role; the owner's URL was for migrations only.
  process.env.DATABASE_URL = db.url;
  delete process.env.DATABASE_OWNER_URL;
  delete env.DATABASE_OWNER_URL;
  try {
    if (!demo) {
      if (await organizationIsEmpty(getDb()))
        log("a new database: no one in it yet, and no demo data (CLEARANCE_DEMO=1 loads the demo organization)");
    } else if (await seedIfEmpty(getDb(), () => new Date())) log("loaded the demo organization into the new database");
  } catch (err) {
    // Do not leave the project's own PostgreSQL running behind a failed start.
    if (db.embedded?.owned) await db.embedded.stop();
    throw err;
  } finally {
    await closeDb();
  }
  if (stopRequested) {
    if (db.embedded?.owned) await db.embedded.stop();
    process.exit(0);
  }
  log(
    db.embedded
      ? `using the project's own PostgreSQL on port ${db.embedded.port} (${db.embedded.dataDir})`
      : "using DATABASE_URL",
  );

  // In development another free port is fine; a production server must get the port it was told.
  const port = env.PORT ? Number(env.PORT) : mode === "dev" ? await freePort(3000) : 3000;
  const nextArgs = [
    mode,
    "--port",
    String(port),
    ...(mode === "start" ? ["--keepAliveTimeout", String(keepAlive)] : []),
  ];
  const next = spawn(path.join(process.cwd(), "node_modules", ".bin", "next"), nextArgs, {
    stdio: "inherit",
    env: { ...env, DATABASE_URL: db.url, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
  });

  // Background jobs run beside the web server; CLEARANCE_JOBS=0 leaves them to other instances.
  const workers =
    env.CLEARANCE_JOBS === "0"
      ? null
      : await startWorkers({
          databaseUrl: db.url,
          smtpUrl: env.SMTP_URL || undefined,
          // The jobs' lines are JSON like the requests' (pino), read by the same log shipper.
          log: (line, level = "info") => logger()[level]({ component: "jobs" }, line),
          instance: { instanceId, host: hostname(), pid: process.pid, startedAt: new Date() },
        }).catch((err: Error) => {
          log(`jobs did not start: ${err.message}`);
          return null;
        });

  let stopping = false;
  stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    log("stopping: the web server, then the jobs, then the database");
    // Next.js first (it uses the database), then the jobs, then the database itself.
    if (next.exitCode === null) {
      next.kill("SIGTERM");
      await waitForExit(next, 10_000);
    }
    await workers?.stop().catch((err: Error) => log(`jobs did not stop cleanly: ${err.message}`));
    await closeDb();
    if (db.embedded?.owned) {
      const left = await waitForOtherSessionsToClose(db.embedded.url, 5_000);
      if (left > 0) log(`stopping the database with ${left} session${left === 1 ? "" : "s"} still connected`);
      await db.embedded.stop();
    }
    log("stopped");
    process.exit(code);
  };
  process.on("SIGINT", requestStop);
  process.on("SIGTERM", requestStop);
  next.on("exit", (code) => void stop?.(code ?? 1));
  if (stopRequested) return void stop(0);

  const ready = await waitUntilServing({
    port,
    path: "/signin",
    alive: () => next.exitCode === null && !stopping,
    onListening: () =>
      log(
        mode === "dev"
          ? "compiling the first page; Clearance is ready when it says so below (a minute or more on a busy machine)"
          : "waiting for the first page to answer",
      ),
    onStillWaiting: (ms) =>
      log(`still ${mode === "dev" ? "compiling" : "waiting for"} the first page (${Math.round(ms / 1000)} s)`),
  });
  if (ready && !stopping) {
    log(
      `ready at http://localhost:${port}${devLoginEnabled(env) ? " (dev sign-in is on: pick any seeded person)" : ""}`,
    );
  }
}

function waitForExit(child: ChildProcess, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      resolve();
    }, ms);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** `server/launch.ts dev|start`, in the process group the entry made for it. */
export function launch(mode: string | undefined): void {
  if (mode !== "dev" && mode !== "start") fail(new StartupError("usage: tsx server/launch.ts dev|start"));
  run(mode).catch(fail);
}
