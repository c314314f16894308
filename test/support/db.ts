import { sql } from "drizzle-orm";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createDrizzle, type Db } from "@/server/db/client";
import { withDatabase } from "./urls";

export interface TestDatabase {
  db: Db;
  pool: pg.Pool;
  url: string;
  name: string;
  close(): Promise<void>;
}

/** A fresh database for one test file, cloned from the seeded (default) or empty template. */
export async function createTestDatabase(from: "seeded" | "empty" = "seeded"): Promise<TestDatabase> {
  const adminUrl = inject("adminUrl");
  const template = from === "seeded" ? inject("seededTemplate") : inject("emptyTemplate");
  const name = `${template.replace(/_(seeded|empty)$/, "")}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  const url = withDatabase(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 30 });
  // Dropping the database at close ends any connection still open (57P01); that is expected.
  pool.on("error", () => undefined);
  const db = createDrizzle(pool);
  return {
    db,
    pool,
    url,
    name,
    close: async () => {
      await pool.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Runs `change` as a database superuser who switched the triggers off for one transaction:
 * how someone with direct access would tamper with the append-only audit trail.
 */
export async function asDatabaseSuperuser(db: Db, change: (tx: Parameters<Parameters<Db["transaction"]>[0]>[0]) => Promise<unknown>) {
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local session_replication_role = replica`);
    await change(tx);
  });
}
