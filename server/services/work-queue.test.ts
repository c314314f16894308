import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, accessPlans, driftFindings, driftRuns, provisioningOperations } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { insertExpiringExceptions } from "@/test/support/expiring";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { runDueOperations } from "./provisioning/operations";
import { decideRequest } from "./requests/decide";
import { itWorkQueue } from "./work-queue";

/** Issue 15, point 4: IT's home lists what waits for IT. */
let t: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("IT's work queue", () => {
  it("shows the manual tasks, failed operations, held plans, drift, extensions and exceptions expiring this week", async () => {
    const it_ = await as(t.db, "priya.raman@company.com", clock);
    const empty = await itWorkQueue({ ctx: it_ });
    expect(
      [empty.tasks, empty.failedOperations, empty.plansHeld, empty.driftFindings, empty.extensions].map((w) => w.total),
    ).toEqual([0, 0, 0, 0, 0]);
    expect(empty.expiringThisWeek.total).toBe(0);

    // A grant on Google (a manual system): a task for IT.
    const r = await submit(await as(t.db, "sarah.chen@company.com", clock), financeReportsAsk);
    await decideRequest({
      ctx: await as(t.db, "cfo@company.com", clock),
      input: { requestId: r.id, decision: "approve" },
    });
    await runDueOperations({ ctx: { db: t.db, actor: systemActor("provisioning"), clock } });
    // Three exceptions expiring in 3 days, one in 10 (not this week); one operation failed.
    const soon = await insertExpiringExceptions(t.db, {
      systemKey: "slack",
      count: 3,
      expiresAt: new Date("2026-11-05T09:00:00Z"),
    });
    await insertExpiringExceptions(t.db, { systemKey: "okta", count: 1, expiresAt: new Date("2026-11-12T09:00:00Z") });
    const [granted] = await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, r.id));
    await t.db
      .update(provisioningOperations)
      .set({ status: "failed", lastError: "403 from the API" })
      .where(eq(provisioningOperations.exceptionId, granted!.id));

    // A mover plan held for IT's review.
    await t.db.insert(accessPlans).values({
      identityId: await identityIdByEmail(t.db, "sarah.chen@company.com"),
      kind: "mover",
      source: "hr_event",
      summary: "Sales Engineer → Solutions Architect",
      policiesBefore: [],
      policiesAfter: [],
      status: "awaiting_review",
      createdAt: clock(),
    });

    // Sarah asks to keep the access longer: an extension waiting.
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const extension = await submit(sarah, { ...financeReportsAsk, extension: true });
    expect(extension).toMatchObject({ kind: "extension", status: "pending" });

    // A drift check found two accounts on Slack nobody expects and one on Okta; one Slack finding is resolved.
    const [run] = await t.db
      .insert(driftRuns)
      .values({ systemKey: "slack", trigger: "schedule", requestedBy: "drift", status: "done", startedAt: clock() })
      .returning();
    const finding = (systemKey: string, username: string, status: string) => ({
      systemKey,
      firstRunId: run!.id,
      lastRunId: run!.id,
      username,
      resourceKey: `${systemKey}:channel:general`,
      kind: "excess",
      explanation: {},
      status,
      createdAt: clock(),
    });
    await t.db
      .insert(driftFindings)
      .values([
        finding("slack", "ghost.one", "open"),
        finding("slack", "ghost.two", "open"),
        finding("slack", "ghost.three", "resolved"),
        finding("okta", "ghost.four", "open"),
      ]);

    const q = await itWorkQueue({ ctx: it_ });
    expect(q.extensions).toMatchObject({ total: 1, first: [{ id: extension.id, person: "Sarah Chen" }] });
    expect(q.driftFindings).toEqual({
      total: 3,
      bySystem: [
        { systemKey: "okta", kind: "excess", n: 1 },
        { systemKey: "slack", kind: "excess", n: 2 },
      ],
    });
    expect(q.plansHeld).toMatchObject({ total: 1, first: [{ kind: "mover", person: "Sarah Chen" }] });
    expect(q.tasks.total).toBe(1);
    expect(q.tasks.first[0]).toMatchObject({ systemKey: "google", systemName: "Google Workspace" });
    expect(q.failedOperations).toMatchObject({
      total: 1,
      first: [{ systemKey: "google", lastError: "403 from the API" }],
    });
    expect(q.expiringThisWeek.total).toBe(3);
    expect(q.expiringThisWeek.first.map((e) => e.id).sort()).toEqual([...soon].sort());
  });
});
