import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { closeDb, getDb } from "@/server/db/client";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/server/db/embedded";
import { runMigrations } from "@/server/db/migrate";
import { seedIfEmpty } from "@/server/services/demo-organization";
import { TEST_AUDIT_KEYS } from "./audit-env";
import { withDatabase } from "./urls";

declare module "vitest" {
  export interface ProvidedContext {
    /** A connection on the test server, from which test databases are created. */
    adminUrl: string;
    /** Migrated, empty. */
    emptyTemplate: string;
    /** Migrated and loaded with the demo organization. */
    seededTemplate: string;
  }
}

/**
 * Every run gets fresh databases: on DATABASE_URL's server when it is set, otherwise on the
 * project's own PostgreSQL started in a temporary directory. Two templates are migrated
 * once; each test file clones the one it needs (test/support/db.ts).
 */
export default async function setup(project: TestProject) {
  // The seeded template's events are signed with the key the test files verify with (setup-file.ts).
  process.env.CLEARANCE_AUDIT_KEYS ||= TEST_AUDIT_KEYS;
  let embedded: EmbeddedServer | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    // The test databases are created next to the one named (its role needs CREATEDB).
    adminUrl = process.env.DATABASE_URL;
  } else {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "clearance-test-")), "pg");
    embedded = await startEmbeddedPostgres({ dataDir, database: "postgres", ephemeral: true });
    adminUrl = embedded.url;
  }

  const run = `${Date.now().toString(36)}_${process.pid}`;
  const emptyTemplate = `clearance_test_${run}_empty`;
  const seededTemplate = `clearance_test_${run}_seeded`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${emptyTemplate}`);
  await runMigrations(withDatabase(adminUrl, emptyTemplate));
  await admin.query(`create database ${seededTemplate} template ${emptyTemplate}`);
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = withDatabase(adminUrl, seededTemplate);
  await seedIfEmpty(getDb(), () => new Date("2026-11-22T12:00:00Z"));
  await closeDb();
  if (saved === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = saved;
  await admin.end();

  project.provide("adminUrl", adminUrl);
  project.provide("emptyTemplate", emptyTemplate);
  project.provide("seededTemplate", seededTemplate);

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>("select datname from pg_database where datname like $1", [`clearance_test_${run}%`]);
    for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
    await c.end();
    await embedded?.stop();
  };
}
