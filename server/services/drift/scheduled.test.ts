import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { driftRuns, systems } from "@/server/db/schema";
import { serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startFlakyTarget, type FlakyTarget } from "@/test/support/flaky-target";
import { movableClock } from "@/test/support/requests";
import { closeAdapters } from "../provisioning/adapters";
import { runScheduledDriftChecks } from "./queries";

const SECRET = "whsec_scheduled_drift";
const clock = movableClock("2026-11-23T02:30:00Z");
let t: TestDatabase;
let target: FlakyTarget;
const job = () => runScheduledDriftChecks({ ctx: serviceContext(t.db, systemActor("drift-daily"), clock) });
const scheduledRuns = () => t.db.select().from(driftRuns).where(eq(driftRuns.trigger, "schedule"));

beforeAll(async () => {
  t = await createTestDatabase();
  target = await startFlakyTarget({ secret: SECRET, clock });
  // The one system here whose adapter can read access back (the demo's are manual).
  await t.db
    .update(systems)
    .set({ adapterKind: "webhook", adapterConfig: { url: target.url, secret: SECRET } })
    .where(eq(systems.key, "google"));
});
afterAll(async () => {
  await closeAdapters();
  await target?.close();
  await t?.close();
});

describe("the daily drift job", () => {
  it("checks each system once a day, however many instances run it and however often", async () => {
    // Two instances at once: one checks, the other finds the system's check under way and skips it.
    const [first, second] = await Promise.all([job(), job()]);
    expect([...first, ...second].map((r) => `${r.systemKey} ${r.ok}`)).toEqual(["google true"]);
    // The job again the same day (pg-boss delivering it once more): the day's check is done.
    clock.advance(60);
    expect(await job()).toEqual([]);
    expect((await scheduledRuns()).map((r) => r.status)).toEqual(["done"]);
    // The next day it runs again.
    clock.set("2026-11-24T02:30:00Z");
    expect((await job()).map((r) => r.systemKey)).toEqual(["google"]);
    expect(await scheduledRuns()).toHaveLength(2);
  });
});
