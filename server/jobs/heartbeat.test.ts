import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { instanceHeartbeats } from "@/server/db/schema";
import { beatInstance } from "@/server/services/operations/instances";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startHeartbeat } from "./heartbeat";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("empty");
});
afterAll(() => t.close());

const rowOf = async (instanceId: string) =>
  (await t.db.select().from(instanceHeartbeats).where(eq(instanceHeartbeats.instanceId, instanceId)))[0];

describe("the jobs' heartbeat (GET /api/ready reads it)", () => {
  it("beats before it returns, keeps beating, and is gone after an orderly stop", async () => {
    let now = new Date("2026-11-30T09:00:00Z");
    const instance = { instanceId: "web-1", host: "host-a", pid: 42, startedAt: now };
    const heartbeat = await startHeartbeat({ db: t.db, instance, log: () => {}, everyMs: 20, clock: () => now });
    expect(await rowOf("web-1")).toMatchObject({ host: "host-a", pid: 42, beatAt: now });
    now = new Date("2026-11-30T09:00:10Z");
    const later = now;
    for (let i = 0; i < 200 && (await rowOf("web-1"))?.beatAt.getTime() !== later.getTime(); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect((await rowOf("web-1"))?.beatAt).toEqual(later);
    await heartbeat.stop();
    expect(await rowOf("web-1")).toBeUndefined();
  });

  it("a beat removes the rows of instances silent for a day (they crashed), not the others", async () => {
    const now = new Date("2026-11-30T09:00:00Z");
    const at = (hoursAgo: number) => new Date(now.getTime() - hoursAgo * 3_600_000);
    await beatInstance(t.db, { instanceId: "crashed", host: "h", pid: 1, startedAt: at(50) }, at(25));
    await beatInstance(t.db, { instanceId: "quiet", host: "h", pid: 2, startedAt: at(50) }, at(23));
    await beatInstance(t.db, { instanceId: "web-2", host: "h", pid: 3, startedAt: now }, now);
    expect(await rowOf("crashed")).toBeUndefined();
    expect(await rowOf("quiet")).toBeDefined();
  });
});
