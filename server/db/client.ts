import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import { bufferingAuditEvents } from "./audit-buffer";
import * as schema from "./schema";

export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle; services pass it down so every write and its audit event commit together. */
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Either the database or an open transaction: read helpers accept both. */
export type DbOrTx = Db | Tx;

interface DbHolder {
  pool: pg.Pool;
  db: Db;
  url: string;
}

// One client per process: Next.js loads modules in several bundles, so a module-level
// variable would create one pool per bundle. globalThis is shared by all of them.
const globalKey = Symbol.for("clearance.db");
type GlobalWithDb = typeof globalThis & { [globalKey]?: DbHolder };

/** A Drizzle handle over a pool; the app uses getDb(), tests and scripts may bring their own pool. */
export function createDrizzle(pool: pg.Pool | pg.PoolClient): Db {
  return bufferingAuditEvents(drizzle(pool as pg.Pool, { schema, casing: "snake_case" }));
}

/** The pool behind a Drizzle handle, for what Drizzle does not do (COPY). */
export function poolOf(db: Db): pg.Pool {
  return (db as Db & { $client: pg.Pool }).$client;
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error(
      "DATABASE_URL is not set: start Clearance with `npm run dev` or `npm start`, which start the project's own PostgreSQL when DATABASE_URL is unset",
    );
  }
  return url;
}

function holder(): DbHolder {
  const g = globalThis as GlobalWithDb;
  const url = databaseUrl();
  if (!g[globalKey] || g[globalKey].url !== url) {
    const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
    // An idle client that loses its connection must not crash the process.
    pool.on("error", (err) => console.error(`clearance: database connection error: ${err.message}`));
    g[globalKey] = { pool, db: createDrizzle(pool), url };
  }
  return g[globalKey];
}

export function getDb(): Db {
  return holder().db;
}

/** The process's own handle if getDb() has opened it, else null (caches tied to DATABASE_URL's database ask). */
export function processDbIfOpen(): Db | null {
  return (globalThis as GlobalWithDb)[globalKey]?.db ?? null;
}

export function getPool(): pg.Pool {
  return holder().pool;
}

export async function closeDb(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const h = g[globalKey];
  if (h) {
    delete g[globalKey];
    await h.pool.end();
  }
}
