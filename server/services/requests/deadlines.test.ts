import { and, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { createDrizzle, type Db } from "@/server/db/client";
import { accessRequests, auditEvents, notifications, requestApprovers } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { escalateOverdueRequests, expireStaleRequests, remindApprovers } from "./deadlines";
import { decideRequest } from "./decide";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());
beforeEach(async () => {
  await clearRequests(t.db);
});

const jobCtx = (db: Db, clock: () => Date) => ({ db, actor: systemActor("test-jobs"), clock });
const incidentAsk = {
  templateKey: "production-admin-incident",
  durationMinutes: 240,
  justification: "Critical production incident #1234 - database corruption requiring direct access",
  fields: { incident_id: "INC-1234" },
};

describe("escalation (production admin: 15 minutes, then the SRE leads)", () => {
  it("fires after the configured minutes, once, and the escalation group may decide", async () => {
    const clock = movableClock("2026-11-22T12:00:00Z");
    const john = await as(t.db, "john.doe@company.com", clock);
    const r = await submit(john, incidentAsk);
    const cto = await identityIdByEmail(t.db, "cto@company.com");

    clock.advance(14);
    expect(await escalateOverdueRequests({ ctx: jobCtx(t.db, clock) })).toBe(0);
    clock.advance(1);
    expect(await escalateOverdueRequests({ ctx: jobCtx(t.db, clock) })).toBe(1);
    expect(await escalateOverdueRequests({ ctx: jobCtx(t.db, clock) })).toBe(0);

    const approvers = await t.db
      .select({ id: requestApprovers.identityId, via: requestApprovers.via, notifiedAt: requestApprovers.notifiedAt })
      .from(requestApprovers)
      .where(eq(requestApprovers.requestId, r.id));
    expect(approvers).toContainEqual({ id: cto, via: "escalation:sre-leads", notifiedAt: clock() });
    const told = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.recipientId, cto)));
    expect(told[0]!.title).toMatch(/^Escalated: REQ-\d+ from John Doe waits for a decision$/);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, r.id), eq(auditEvents.action, "request.escalated")));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorLabel: "system:test-jobs", reason: "no decision within 15 minutes" });

    const marcus = await as(t.db, "cto@company.com", clock);
    await expect(
      decideRequest({ ctx: marcus, input: { requestId: r.id, decision: "approve" } }),
    ).resolves.toMatchObject({ status: "approved" });
  });

  it("does not escalate a request waiting on the requester's answer", async () => {
    const clock = movableClock();
    const john = await as(t.db, "john.doe@company.com", clock);
    const kenji = await as(t.db, "oncall-lead@company.com", clock);
    const r = await submit(john, incidentAsk);
    await decideRequest({ ctx: kenji, input: { requestId: r.id, decision: "needs_info", note: "Which cluster?" } });
    clock.advance(60);
    expect(await escalateOverdueRequests({ ctx: jobCtx(t.db, clock) })).toBe(0);
  });

  it("is safe on several instances at once: two runs over separate connections escalate once", async () => {
    const clock = movableClock();
    const john = await as(t.db, "john.doe@company.com", clock);
    const r = await submit(john, incidentAsk);
    clock.advance(20);
    const pools = [new pg.Pool({ connectionString: t.url, max: 1 }), new pg.Pool({ connectionString: t.url, max: 1 })];
    try {
      const counts = await Promise.all(
        pools.map((p) => escalateOverdueRequests({ ctx: jobCtx(createDrizzle(p), clock) })),
      );
      expect(counts.reduce((a, b) => a + b, 0)).toBe(1);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    expect(
      await t.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectId, r.id), eq(auditEvents.action, "request.escalated"))),
    ).toHaveLength(1);
  });
});

describe("reminders and pending expiry", () => {
  it("reminds the approvers who have not decided, once per window", async () => {
    const clock = movableClock();
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const r = await submit(sarah, financeReportsAsk);
    clock.advance(23 * 60);
    expect(await remindApprovers({ ctx: jobCtx(t.db, clock) })).toBe(0);
    clock.advance(60);
    expect(await remindApprovers({ ctx: jobCtx(t.db, clock) })).toBe(1);
    expect(await remindApprovers({ ctx: jobCtx(t.db, clock) })).toBe(0);
    clock.advance(24 * 60);
    expect(await remindApprovers({ ctx: jobCtx(t.db, clock) })).toBe(1);
    const reminders = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.kind, "reminder")));
    expect(reminders.map((n) => n.recipientId)).toEqual([
      await identityIdByEmail(t.db, "cfo@company.com"),
      await identityIdByEmail(t.db, "cfo@company.com"),
    ]);
  });

  it("expires a request nobody decided within the template's days, telling the requester", async () => {
    const clock = movableClock();
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const r = await submit(sarah, financeReportsAsk);
    clock.advance(7 * 24 * 60 - 1);
    expect(await expireStaleRequests({ ctx: jobCtx(t.db, clock) })).toBe(0);
    clock.advance(1);
    expect(await expireStaleRequests({ ctx: jobCtx(t.db, clock) })).toBe(1);
    expect(await expireStaleRequests({ ctx: jobCtx(t.db, clock) })).toBe(0);
    const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
    expect(row).toMatchObject({ status: "expired", decidedBy: "system:pending-expiry" });
    const told = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.kind, "request_decided")));
    expect(told.map((n) => n.recipientId).sort()).toEqual(
      [sarah.actor.identityId, await identityIdByEmail(t.db, "cfo@company.com")].sort(),
    );
    // The expired request no longer blocks a new one.
    await expect(submit(sarah, financeReportsAsk)).resolves.toMatchObject({ status: "pending" });
  });
});
