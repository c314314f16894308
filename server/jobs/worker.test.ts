import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessRequests, auditEvents } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, submit } from "@/test/support/requests";
import { scheduledJobs } from "./definitions";
import { startWorkers } from "./worker";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

async function until<T>(probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the pg-boss workers", () => {
  it("schedule every job and run escalation through pg-boss on the database", async () => {
    // A request made 20 minutes ago on a form that escalates after 15.
    const john = await as(t.db, "john.doe@company.com", () => new Date(Date.now() - 20 * 60_000));
    const r = await submit(john, {
      templateKey: "production-admin-incident",
      durationMinutes: 60,
      justification: "Critical production incident #1234 needs a fix",
      fields: { incident_id: "INC-1234" },
    });
    const lines: string[] = [];
    const workers = await startWorkers({ databaseUrl: t.url, db: t.db, log: (l) => lines.push(l) });
    try {
      expect((await workers.schedules()).map((s) => s.name).sort()).toEqual(scheduledJobs.map((j) => j.name).sort());
      await workers.runNow("requests-escalate");
      const escalated = await until(async () => {
        const [row] = await t.db
          .select()
          .from(accessRequests)
          .where(and(eq(accessRequests.id, r.id), eq(accessRequests.escalatedStage, 0)));
        return row;
      });
      expect(escalated.escalatedStage).toBe(0);
      const [event] = await t.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectId, r.id), eq(auditEvents.action, "request.escalated")));
      expect(event!.actorLabel).toBe("system:requests-escalate");
      await until(async () => (lines.some((l) => l.includes("requests-escalate: 1 request")) ? true : undefined), 5000);
    } finally {
      await workers.stop();
    }
  });
});
