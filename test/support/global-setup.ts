import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { closeDb, getDb } from "@/server/db/client";
import { startEmbeddedPostgres, type EmbeddedServer } from "@/server/db/embedded";
import { runMigrations } from "@/server/db/migrate";
import { ensureRoles, urlAs, type RolePair } from "@/server/db/roles";
import { chainAuditEvents } from "@/server/services/audit-sequencer";
import { seedIfEmpty } from "@/server/services/demo-organization";
import { TEST_AUDIT_KEYS } from "./audit-env";

declare module "vitest" {
  export interface ProvidedContext {
    /** A superuser connection on the test server, from which test databases are created. */
    adminUrl: string;
    /** Migrated, empty. */
    emptyTemplate: string;
    /** Migrated and loaded with the demo organization. */
    seededTemplate: string;
    /** This run's owner and app roles (test/support/db.ts connects as the app). */
    testRoles: RolePair;
  }
}

/**
 * Every run gets fresh databases: on DATABASE_URL's server when it is set (as a superuser),
 * otherwise on the project's own PostgreSQL started in a temporary directory. The run creates
 * its own owner and app roles (roles are cluster-wide, so their names carry the run's id), the
 * owner migrates two templates once, and each test file clones the one it needs and works as
 * the app's role, as the running app does (test/support/db.ts).
 */
export default async function setup(project: TestProject) {
  // The seeded template's events are signed with the key the test files verify with (setup-file.ts).
  process.env.CLEARANCE_AUDIT_KEYS ||= TEST_AUDIT_KEYS;
  let embedded: EmbeddedServer | null = null;
  let tempDir: string | null = null;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    tempDir = mkdtempSync(path.join(tmpdir(), "clearance-test-"));
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(tempDir, "pg"),
      database: "postgres",
      ephemeral: true,
    });
    adminUrl = embedded.url;
  }

  const run = `${Date.now().toString(36)}_${process.pid}`;
  const emptyTemplate = `clearance_test_${run}_empty`;
  const seededTemplate = `clearance_test_${run}_seeded`;
  const password = () => randomBytes(18).toString("base64url");
  const roles: RolePair = {
    owner: { name: `clearance_test_${run}_owner`, password: password() },
    app: { name: `clearance_test_${run}_app`, password: password() },
  };
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await ensureRoles(admin, roles);
  await admin.query(`create database ${emptyTemplate} owner ${roles.owner.name}`);
  await runMigrations(urlAs(adminUrl, roles.owner.name, roles.owner.password, emptyTemplate), {
    appRole: roles.app.name,
  });
  await admin.query(`create database ${seededTemplate} template ${emptyTemplate} owner ${roles.owner.name}`);
  const saved = process.env.DATABASE_URL;
  process.env.DATABASE_URL = urlAs(adminUrl, roles.app.name, roles.app.password, seededTemplate);
  await seedIfEmpty(getDb(), () => new Date("2026-11-22T12:00:00Z"));
  // Linked, as a running app's sequencer would within a second.
  await chainAuditEvents({ db: getDb() });
  await closeDb();
  if (saved === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = saved;
  await admin.end();

  project.provide("adminUrl", adminUrl);
  project.provide("emptyTemplate", emptyTemplate);
  project.provide("seededTemplate", seededTemplate);
  project.provide("testRoles", roles);

  return async () => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    const { rows } = await c.query<{ datname: string }>("select datname from pg_database where datname like $1", [
      `clearance_test_${run}%`,
    ]);
    for (const { datname } of rows) await c.query(`drop database if exists ${datname} with (force)`);
    // Whatever these roles still hold here (privileges, objects) goes first, or DROP ROLE refuses.
    for (const role of [roles.app.name, roles.owner.name]) {
      await c.query(`drop owned by ${role}`).catch(() => undefined);
      await c
        .query(`drop role if exists ${role}`)
        .catch((err: Error) => console.warn(`could not drop test role ${role}: ${err.message}`));
    }
    await c.end();
    await embedded?.stop();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true, maxRetries: 3 });
  };
}
