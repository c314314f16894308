import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, systems } from "@/server/db/schema";
import { clearanceCli } from "@/test/support/cli";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";

/** `clearance config export|import` (issue 15, point 9) on the demo organization, as a child process. */
describe("clearance config", () => {
  let t: TestDatabase;
  let dir: string;
  const clearance = clearanceCli(() => t.url);
  const systemName = async (key: string) =>
    (await t.db.select({ name: systems.name }).from(systems).where(eq(systems.key, key)))[0]?.name;
  beforeAll(async () => {
    t = await createTestDatabase();
    dir = mkdtempSync(path.join(tmpdir(), "clearance-config-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it("exports, shows a dry run, imports with a message, and refuses files with a lint error", async () => {
    const out = path.join(dir, "config");
    expect(await clearance("config", "export", out)).toMatchObject({
      code: 0,
      stdout: `exported the configuration: 6 files into ${out}\n`,
    });
    expect(readdirSync(out).sort()).toEqual([
      "approver-groups.yaml",
      "exception-types.yaml",
      "fallbacks.yaml",
      "resources.yaml",
      "systems.yaml",
      "templates.yaml",
    ]);
    expect((await clearance("config", "export", out)).code).toBe(2);
    const systemsFile = path.join(out, "systems.yaml");
    writeFileSync(systemsFile, readFileSync(systemsFile, "utf8").replace("name: AWS\n", "name: Amazon Web Services\n"));

    const dry = await clearance("config", "import", out, "--dry-run");
    expect(dry).toMatchObject({ code: 0, stdout: "~ systems aws (name)\ndry run: 1 changes, none made\n" });
    expect(await systemName("aws")).toBe("AWS");

    const done = await clearance("config", "import", out, "--message", "AWS by its full name");
    expect(done).toMatchObject({ code: 0, stdout: "~ systems aws (name)\nimported 1 changes\n" });
    expect(await systemName("aws")).toBe("Amazon Web Services");
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "config.imported"));
    expect(event).toMatchObject({ actorLabel: `system:cli (${userInfo().username})`, reason: "AWS by its full name" });

    writeFileSync(
      systemsFile,
      readFileSync(systemsFile, "utf8").replace("name: Amazon Web Services\n", "name: AWS\n  colour: orange\n"),
    );
    const bad = await clearance("config", "import", out, "--message", "Typo");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`${systemsFile}:3: error: Unrecognized key: "colour"`);
    expect(await systemName("aws")).toBe("Amazon Web Services");
  });
});
