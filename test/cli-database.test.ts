import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPolicyDirectory, demoPolicyDirectory } from "@/server/db/seed/policies";
import { activeVersion, versionFiles } from "@/server/services/policies/engine";
import { sql } from "drizzle-orm";
import { auditEvents } from "@/server/db/schema";
import { asDatabaseSuperuser, createTestDatabase, type TestDatabase } from "@/test/support/db";

const root = path.resolve(import.meta.dirname, "..");
const run = promisify(execFile);

/** `clearance policy export|import` against a fresh database, as a child process. */
describe("clearance policy export and import", () => {
  let t: TestDatabase;
  const dir = mkdtempSync(path.join(tmpdir(), "clearance-export-"));
  const clearance = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [path.join(root, "bin/clearance.mjs"), ...args], { cwd: root, env: { ...process.env, DATABASE_URL: t.url } });
      return { code: 0, ...r };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it("exports the active set byte for byte", async () => {
    const r = await clearance("policy", "export", dir);
    expect(r).toMatchObject({ code: 0, stdout: `exported version 1: ${readPolicyDirectory(demoPolicyDirectory).length} files into ${dir}\n` });
    expect(readPolicyDirectory(dir)).toEqual(readPolicyDirectory(demoPolicyDirectory));
    expect((await clearance("policy", "export", dir)).stderr).toMatch(/^clearance: .* already holds policy files: use --force/);
  });

  it("imports the same files as nothing to do, and a change as one new version, exactly as written", async () => {
    expect(await clearance("policy", "import", dir, "--message", "sync", "--as", "priya.raman@company.com")).toMatchObject({
      code: 0,
      stdout: `nothing to import: ${dir} matches the active version\n`,
    });
    const file = path.join(dir, "vpn-for-remote-locations.yaml");
    writeFileSync(file, `${readFileSync(file, "utf8")}# reviewed in Q4\n`);
    rmSync(path.join(dir, "it-administration.yaml"));
    const r = await clearance("policy", "import", dir, "--message", "Q4 review", "--as", "priya.raman@company.com");
    expect(r).toMatchObject({ code: 0, stdout: `imported ${readdirSync(dir).length} files as version 2 (active)\n` });
    const active = await activeVersion(t.db);
    expect(active).toMatchObject({ id: 2, message: "Q4 review", authorLabel: "priya.raman@company.com" });
    expect(await versionFiles(t.db, 2)).toEqual(readPolicyDirectory(dir));
  });

  it("refuses someone who is not an IT admin, and files with errors, changing nothing", async () => {
    const notAdmin = await clearance("policy", "import", dir, "--message", "x", "--as", "sarah.chen@company.com");
    expect(notAdmin.code).toBe(2);
    expect(notAdmin.stderr).toMatch(/^clearance: sarah.chen@company.com is not an active IT admin/);
    writeFileSync(path.join(dir, "broken.yaml"), "name: broken\nwhen:\n  - shoe_size: 44\n");
    const broken = await clearance("policy", "import", dir, "--message", "add a broken policy", "--as", "priya.raman@company.com");
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("broken.yaml:3: shoe_size is not an attribute");
    expect((await activeVersion(t.db))!.id).toBe(2);
  });
});

describe("clearance audit verify", () => {
  let t: TestDatabase;
  const clearance = async (...args: string[]) => {
    try {
      const r = await run(process.execPath, [path.join(root, "bin/clearance.mjs"), ...args], { cwd: root, env: { ...process.env, DATABASE_URL: t.url } });
      return { code: 0, ...r };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  it("verifies the chain, and after one row is changed directly in the database names that event", async () => {
    const events = await t.db.select({ id: auditEvents.id }).from(auditEvents).orderBy(auditEvents.id);
    expect(await clearance("audit", "verify")).toMatchObject({ code: 0, stdout: `audit chain verified: ${events.length} events, every link holds\n` });
    const victim = events[Math.floor(events.length / 2)]!.id;
    await asDatabaseSuperuser(t.db, (tx) => tx.execute(sql`update audit_events set actor_label = 'someone-else@company.com' where id = ${victim}`));
    const broken = await clearance("audit", "verify");
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(new RegExp(`^audit chain BROKEN at event #${victim}: its content does not match its hash`));
  });
});
