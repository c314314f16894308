import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readPolicyDirectory, demoPolicyDirectory } from "@/server/db/seed/policies";
import { activeVersion, versionFiles } from "@/server/services/policies/engine";
import { sql } from "drizzle-orm";
import { systemActor } from "@/server/core/actor";
import { auditEvents } from "@/server/db/schema";
import { recordAuditEvent } from "@/server/services/audit";
import { chainAuditEvents } from "@/server/services/audit-sequencer";
import { allEvents, restoreEvents } from "@/test/support/audit-tamper";
import { clearanceCli, runClearance } from "@/test/support/cli";
import { asDatabaseSuperuser, createTestDatabase, type TestDatabase } from "@/test/support/db";

/** `clearance policy export|import` against a fresh database, as a child process. */
describe("clearance policy export and import", () => {
  let t: TestDatabase;
  const dir = mkdtempSync(path.join(tmpdir(), "clearance-export-"));
  const clearance = clearanceCli(() => t.url);
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it("exports the active set byte for byte", async () => {
    const r = await clearance("policy", "export", dir);
    expect(r).toMatchObject({
      code: 0,
      stdout: `exported version 1: ${readPolicyDirectory(demoPolicyDirectory).length} files into ${dir}\n`,
    });
    expect(readPolicyDirectory(dir)).toEqual(readPolicyDirectory(demoPolicyDirectory));
    expect((await clearance("policy", "export", dir)).stderr).toMatch(
      /^clearance: .* already holds policy files: use --force/,
    );
  });

  it("imports the same files as nothing to do, and a change as one new version, exactly as written", async () => {
    expect(
      await clearance("policy", "import", dir, "--message", "sync", "--as", "priya.raman@company.com"),
    ).toMatchObject({
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
    const broken = await clearance(
      "policy",
      "import",
      dir,
      "--message",
      "add a broken policy",
      "--as",
      "priya.raman@company.com",
    );
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain("broken.yaml:3: shoe_size is not an attribute");
    expect((await activeVersion(t.db))!.id).toBe(2);
  });
});

describe("clearance audit verify and checkpoint", () => {
  let t: TestDatabase;
  const clearance = (args: string[], env: Record<string, string> = {}) =>
    runClearance(args, { DATABASE_URL: t.url, ...env });
  beforeAll(async () => {
    t = await createTestDatabase();
    for (let i = 0; i < 5; i++) {
      await t.db.transaction((tx) =>
        recordAuditEvent(
          tx,
          { actor: systemActor("test"), clock: () => new Date() },
          { action: "test.event", subjectType: "test", subjectId: String(i) },
        ),
      );
    }
    await chainAuditEvents({ db: t.db });
  });
  afterAll(() => t.close());

  it("exits 3 before any checkpoint, 0 after one, and 1 naming the event a superuser changed", async () => {
    const events = await t.db.select({ id: auditEvents.id }).from(auditEvents).orderBy(auditEvents.id);
    const directory = process.env.CLEARANCE_AUDIT_CHECKPOINT_DIR!;
    expect(await clearance(["audit", "verify"])).toMatchObject({
      code: 3,
      stdout:
        `audit chain verified: ${events.length} events, every link holds\n` +
        `NOT CONFIRMED: directory ${directory} holds no checkpoint yet, so events removed from the end cannot be ruled out\n`,
    });
    const written = await clearance(["audit", "checkpoint"]);
    expect(written.code).toBe(0);
    expect(written.stdout).toMatch(
      new RegExp(
        `^audit checkpoint \\d{13}-.*\\.json: ${events.length} events ending at ` +
          `#${events.at(-1)!.id} \\([0-9a-f]{12}…\\), signed with audit key "test-1"\n` +
          `written to directory ${directory}\n$`,
      ),
    );
    const verified = await clearance(["audit", "verify"]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(
      new RegExp(
        `^audit chain verified: ${events.length} events, every link holds\n` +
          `agrees with the checkpoint of .* in directory ${directory}: ${events.length} events ` +
          `ending at #${events.at(-1)!.id}\n$`,
      ),
    );

    const before = await allEvents(t.db);
    const victim = events[Math.floor(events.length / 2)]!.id;
    await asDatabaseSuperuser(t.db, (tx) =>
      tx.execute(sql`update audit_events set actor_label = 'someone-else@company.com' where id = ${victim}`),
    );
    const broken = await clearance(["audit", "verify"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      new RegExp(
        `^audit chain BROKEN at event #${victim}: its content does not match its hash under audit key "test-1"`,
      ),
    );
    await restoreEvents(t.db, before);
    // Four CLI processes, each loading the app: minutes on a busy machine, not a race.
  }, 120_000);

  it("exits 1 on events removed from the end, and refuses a checkpoint over them", async () => {
    const events = await t.db.select({ id: auditEvents.id }).from(auditEvents).orderBy(auditEvents.id);
    await asDatabaseSuperuser(t.db, (tx) => tx.execute(sql`delete from audit_events where id >= ${events.at(-2)!.id}`));
    const truncated = await clearance(["audit", "verify"]);
    expect(truncated.code).toBe(1);
    expect(truncated.stdout).toContain(
      `audit chain BROKEN: events after #${events.at(-3)!.id} are missing: the checkpoint of `,
    );
    const refused = await clearance(["audit", "checkpoint"]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/^audit checkpoint REFUSED: the database no longer holds what the checkpoint of /);
  });

  it("exits 2 without an audit key or a database, with one line saying why", async () => {
    const noKey = await clearance(["audit", "verify"], { CLEARANCE_AUDIT_KEYS: "" });
    expect(noKey).toMatchObject({ code: 2, stdout: "" });
    expect(noKey.stderr).toMatch(/^clearance: no audit key: set CLEARANCE_AUDIT_KEYS or CLEARANCE_AUDIT_KEY_FILE/);
    const noDatabase = await clearance(["audit", "checkpoint"], { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" });
    expect(noDatabase.code).toBe(2);
    expect(noDatabase.stderr).toMatch(/^clearance: cannot reach the database/);
    expect((await clearance(["audit", "rewrite"])).code).toBe(2);
    expect(await clearance(["audit", "checkpoint", "--help"])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("Exit codes:"),
    });
  });
});

describe("clearance audit verify and events not linked yet (issue 14)", () => {
  let t: TestDatabase;
  const checkpoints = path.join(mkdtempSync(path.join(tmpdir(), "clearance-unlinked-")), "checkpoints");
  const clearance = (args: string[]) =>
    runClearance(args, { DATABASE_URL: t.url, CLEARANCE_AUDIT_CHECKPOINT_DIR: checkpoints });
  const record = (at: Date) =>
    t.db.transaction((tx) =>
      recordAuditEvent(
        tx,
        { actor: systemActor("test"), clock: () => at },
        { action: "test.event", subjectType: "test" },
      ),
    );
  beforeAll(async () => {
    t = await createTestDatabase("empty");
    await record(new Date());
    await chainAuditEvents({ db: t.db });
  });
  afterAll(() => t.close());

  it("counts them with the oldest one's age, and exits 3 once one has waited over a minute", async () => {
    expect((await clearance(["audit", "checkpoint"])).code).toBe(0);
    await record(new Date());
    const fresh = await clearance(["audit", "verify"]);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/\n1 newer event is not linked into the chain yet, the oldest \d+\.\d s old\n$/);

    await chainAuditEvents({ db: t.db });
    await record(new Date(Date.now() - 120_000));
    const stale = await clearance(["audit", "verify"]);
    expect(stale.code).toBe(3);
    expect(stale.stdout).toMatch(
      /\nNOT LINKED: 1 newer event is not linked into the chain yet, the oldest 1\d\d\.\d s old: no audit sequencer is running/,
    );

    await chainAuditEvents({ db: t.db });
    expect(await clearance(["audit", "verify"])).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^audit chain verified: 3 events, every link holds\nagrees with the checkpoint of /,
      ),
    });
  }, 180_000);
});
