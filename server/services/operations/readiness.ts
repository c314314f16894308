import { sql } from "drizzle-orm";
import { poolOf, type Db } from "@/server/db/client";
import { migrationsPendingOn } from "@/server/db/migrate";
import { HEARTBEAT_STALE_MS, lastBeatOf } from "./instances";

type Env = Record<string, string | undefined>;

export interface ReadinessChecks {
  database: { ok: boolean; ms?: number; error?: string };
  migrations: { ok: boolean; state: "current" | "pending" | "unknown" };
  /** running: beats are fresh; off: CLEARANCE_JOBS=0 (other instances run them); stopped: no fresh beat */
  jobs: { ok: boolean; state: "running" | "off" | "stopped" | "unknown"; lastBeatSecondsAgo?: number };
}

export interface Readiness {
  status: "ready" | "not_ready";
  checks: ReadinessChecks;
}

/** How long the database may take to answer before the instance counts as not ready. */
const DATABASE_TIMEOUT_MS = 2_000;

/** Once the migrations are current they stay so (a database is never migrated back): asked once. */
let migrationsCurrent = false;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/**
 * GET /api/ready: may a load balancer send this instance traffic? The database answers, it has
 * every migration this build knows, and this instance's jobs are running (fresh heartbeat) or
 * deliberately off. What it says is about the instance's health only: nothing secret, no data.
 */
export async function checkReadiness({ db, env, now }: { db: Db; env: Env; now: Date }): Promise<Readiness> {
  const checks: ReadinessChecks = {
    database: { ok: false },
    migrations: { ok: false, state: "unknown" },
    jobs: { ok: false, state: "unknown" },
  };
  const started = performance.now();
  try {
    await withTimeout(db.execute(sql`select 1`), DATABASE_TIMEOUT_MS);
    checks.database = { ok: true, ms: Math.round(performance.now() - started) };
  } catch (err) {
    // The driver's message names no host or password ("connection refused", "timeout"); the code is enough.
    // Drizzle wraps the driver's error; its code is on the cause.
    const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
    checks.database = { ok: false, error: code ? `database error ${code}` : "the database did not answer" };
  }
  if (checks.database.ok) {
    if (!migrationsCurrent) migrationsCurrent = !(await migrationsPendingOn(poolOf(db)));
    checks.migrations = { ok: migrationsCurrent, state: migrationsCurrent ? "current" : "pending" };
    checks.jobs = await jobsState(db, env, now);
  }
  const ready = checks.database.ok && checks.migrations.ok && checks.jobs.ok;
  return { status: ready ? "ready" : "not_ready", checks };
}

async function jobsState(db: Db, env: Env, now: Date): Promise<ReadinessChecks["jobs"]> {
  if (env.CLEARANCE_JOBS === "0") return { ok: true, state: "off" };
  const instanceId = env.CLEARANCE_INSTANCE_ID;
  // Next.js started without the launcher (`npm start` sets the id): nothing runs the jobs.
  if (!instanceId) return { ok: false, state: "stopped" };
  const beat = await lastBeatOf(db, instanceId);
  if (!beat) return { ok: false, state: "stopped" };
  const ago = Math.max(0, now.getTime() - beat.getTime());
  return {
    ok: ago <= HEARTBEAT_STALE_MS,
    state: ago <= HEARTBEAT_STALE_MS ? "running" : "stopped",
    lastBeatSecondsAgo: Math.round(ago / 1000),
  };
}
