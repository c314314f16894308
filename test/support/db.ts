import { sql } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDrizzle, type Db, type Tx } from "@/server/db/client";
import { urlAs } from "@/server/db/roles";
import { withDatabase } from "./urls";

export interface TestDatabase {
  /** Connected as the app's role, like the running app. */
  db: Db;
  pool: pg.Pool;
  /** The app role's URL. */
  url: string;
  /** The owner role's URL (migrations). */
  ownerUrl: string;
  name: string;
  close(): Promise<void>;
}

// The superuser's and the owner's pool of each test database, opened on first use.
const superuserOf = new WeakMap<Db, () => pg.Pool>();
const ownerOf = new WeakMap<Db, () => pg.Pool>();

function lazyPool(url: string): { get: () => pg.Pool; end: () => Promise<void> } {
  let pool: pg.Pool | null = null;
  return {
    get: () => {
      if (!pool) {
        pool = new pg.Pool({ connectionString: url, max: 2 });
        pool.on("error", () => undefined);
      }
      return pool;
    },
    end: async () => {
      await pool?.end();
    },
  };
}

/** A fresh database for one test file, cloned from the seeded (default) or empty template. */
export async function createTestDatabase(from: "seeded" | "empty" = "seeded"): Promise<TestDatabase> {
  const adminUrl = inject("adminUrl");
  const roles = inject("testRoles");
  const template = from === "seeded" ? inject("seededTemplate") : inject("emptyTemplate");
  const name = `${template.replace(/_(seeded|empty)$/, "")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template} owner ${roles.owner.name}`);
  } finally {
    await admin.end();
  }
  const url = urlAs(adminUrl, roles.app.name, roles.app.password, name);
  const pool = new pg.Pool({ connectionString: url, max: 30 });
  // Dropping the database at close ends any connection still open (57P01); that is expected.
  pool.on("error", () => undefined);
  const db = createDrizzle(pool);
  const ownerUrl = urlAs(adminUrl, roles.owner.name, roles.owner.password, name);
  const superuser = lazyPool(withDatabase(adminUrl, name));
  const owner = lazyPool(ownerUrl);
  superuserOf.set(db, superuser.get);
  ownerOf.set(db, owner.get);
  return {
    db,
    pool,
    url,
    ownerUrl,
    name,
    close: async () => {
      await pool.end();
      await Promise.all([superuser.end(), owner.end()]);
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await waitForConnectionsToLeave(c, name);
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Runs `change` as a database superuser who switched the triggers off for one transaction:
 * how someone with direct access would tamper with the append-only audit trail. The app's own
 * role cannot (test/db-roles.test.ts), so this opens a superuser connection to the same database.
 */
export async function asDatabaseSuperuser(db: Db, change: (tx: Tx) => Promise<unknown>) {
  const superuser = superuserOf.get(db);
  await (superuser ? createDrizzle(superuser()) : db).transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await change(tx);
  });
}

/**
 * Runs `change` in one transaction as the owner of the test database's tables, for a test that
 * sets the scene with what only a migration may do (a trigger, a function). The app's role cannot.
 */
export async function asSchemaOwner(db: Db, change: (tx: Tx) => Promise<unknown>) {
  const owner = ownerOf.get(db);
  if (!owner) throw new Error("asSchemaOwner: not a database from createTestDatabase()");
  await createDrizzle(owner()).transaction(async (tx) => {
    await change(tx);
  });
}

/**
 * pg's Pool.end() resolves once it has asked its connections to close, not when they have: a test's
 * second pool (another "instance") may still be connected. Forcing the drop then would terminate it
 * (57P01), an 'error' on a pool that has no listener, which fails the run as an unhandled error.
 * So the drop waits for them first (a connection still open after 5 s is a pool the test never ended).
 */
async function waitForConnectionsToLeave(admin: pg.Client, database: string) {
  for (let i = 0; i < 100; i++) {
    const { rows } = await admin.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [database],
    );
    if (rows[0]!.n === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}
