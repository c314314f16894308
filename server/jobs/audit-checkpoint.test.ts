import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCheckpoint } from "@/server/core/audit/checkpoint";
import { auditEvents } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { AUDIT_CHECKPOINT_JOB, scheduledJobs } from "./definitions";
import { startWorkers } from "./worker";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function until<T>(probe: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the audit checkpoint job", () => {
  it("is scheduled hourly, and writes a checkpoint of the head when an instance starts", async () => {
    expect(scheduledJobs.find((j) => j.name === AUDIT_CHECKPOINT_JOB)?.cron).toBe("0 * * * *");
    const directory = process.env.CLEARANCE_AUDIT_CHECKPOINT_DIR!;
    const events = await t.db.select({ id: auditEvents.id }).from(auditEvents);
    const workers = await startWorkers({ databaseUrl: t.url, db: t.db, log: () => undefined });
    try {
      expect((await workers.schedules()).find((s) => s.name === AUDIT_CHECKPOINT_JOB)).toMatchObject({
        cron: "0 * * * *",
      });
      const name = await until(() => {
        try {
          return readdirSync(directory).find((n) => n.endsWith(".json"));
        } catch {
          return undefined;
        }
      });
      const parsed = parseCheckpoint(readFileSync(path.join(directory, name), "utf8"));
      expect(parsed).toMatchObject({
        ok: true,
        checkpoint: { count: events.length, headId: Math.max(...events.map((e) => e.id)), keyId: "test-1" },
      });
    } finally {
      await workers.stop();
    }
  });
});
