import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  accessExceptions,
  accessRequests,
  delegations,
  notifications,
  provisioningHandoffs,
  requestMessages,
  requestVotes,
} from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { auditEventsOf, billingAsk, savePlatformAnyTemplate } from "@/test/support/decide-forms";
import { as, clearRequests, financeReportsAsk, submit } from "@/test/support/requests";
import { decideRequest, decideRequests } from "./decide";
import { inboxCount, listInbox } from "./inbox";
import { getRequest } from "./queries";
import { postMessage } from "./thread";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await savePlatformAnyTemplate(t.db);
});
afterAll(() => t.close());
// Each test starts with no requests, so one person's open or held access does not leak into the next.
beforeEach(async () => {
  await clearRequests(t.db);
  await t.db.delete(delegations);
});

const auditCount = (requestId: string, action: string) => auditEventsOf(t.db, requestId, action);

describe("the inbox lists only what one may decide (issue 12)", () => {
  it("leaves out a request of someone who delegated to me after it reached me, and the request page offers no decision", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const cfo = await as(t.db, "cfo@company.com");
    const r = await submit(sarah, financeReportsAsk);
    expect((await listInbox({ ctx: cfo, input: {} })).rows.map((x) => x.id)).toEqual([r.id]);
    // Sarah goes on leave and hands her decisions to the CFO, who approves her request.
    await t.db.insert(delegations).values({
      delegatorId: sarah.actor.identityId,
      delegateId: cfo.actor.identityId,
      startsAt: new Date("2026-11-01T00:00:00Z"),
      endsAt: new Date("2026-12-31T00:00:00Z"),
      createdAt: new Date("2026-11-01T00:00:00Z"),
    });
    expect((await listInbox({ ctx: cfo, input: {} })).rows).toEqual([]);
    expect(await inboxCount({ ctx: cfo })).toBe(0);
    expect((await getRequest({ ctx: cfo, input: { requestId: r.id } })).viewer.canDecide).toBe(false);
    await expect(decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});

describe("deciding a request", () => {
  it("plays seed 000: the CFO asks for more information, Sarah answers in the thread, the CFO approves", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const cfo = await as(t.db, "cfo@company.com");
    const r = await submit(sarah, financeReportsAsk);
    expect(await inboxCount({ ctx: cfo })).toBe(1);
    await expect(decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "needs_info" } })).rejects.toMatchObject(
      { code: "INVALID_INPUT", field: "note" },
    );
    const asked = await decideRequest({
      ctx: cfo,
      input: { requestId: r.id, decision: "needs_info", note: "Which sales regions does the analysis cover?" },
    });
    expect(asked).toMatchObject({ status: "needs_info", outcome: "needs_info" });
    const answered = await postMessage({
      ctx: sarah,
      input: { requestId: r.id, body: "EMEA and North America, Q4 only." },
    });
    expect(answered.status).toBe("pending");
    const approved = await decideRequest({
      ctx: cfo,
      input: { requestId: r.id, decision: "approve", note: "OK for the Q4 analysis" },
    });
    expect(approved).toMatchObject({ status: "approved", outcome: "approved", decidedBy: "cfo@company.com" });
    // Six weeks, to the end of the last day in the organization's zone: the end the exception has.
    const sixWeeks = 6 * 7 * 86_400_000;
    const lasts = approved.accessEndsAt!.getTime() - approved.accessStartsAt!.getTime();
    expect(lasts).toBeGreaterThanOrEqual(sixWeeks);
    expect(lasts).toBeLessThan(sixWeeks + 86_400_000);
    const [exception] = await t.db
      .select({ expiresAt: accessExceptions.expiresAt })
      .from(accessExceptions)
      .where(eq(accessExceptions.requestId, r.id));
    expect(exception!.expiresAt).toEqual(approved.accessEndsAt);
    const thread = await t.db
      .select({ kind: requestMessages.kind })
      .from(requestMessages)
      .where(eq(requestMessages.requestId, r.id))
      .orderBy(requestMessages.id);
    expect(thread.map((m) => m.kind)).toEqual(["event", "info_request", "info_answer", "event"]);
    expect(await t.db.select().from(provisioningHandoffs).where(eq(provisioningHandoffs.requestId, r.id))).toHaveLength(
      1,
    );
    const told = await t.db
      .select({ kind: notifications.kind, recipient: notifications.recipientId })
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.kind, "request_decided")));
    expect(told).toEqual([{ kind: "request_decided", recipient: sarah.actor.identityId }]);
    expect(await inboxCount({ ctx: cfo })).toBe(0);
  });

  it("refuses self-approval, and a deny without a reason, changing nothing", async () => {
    const john = await as(t.db, "john.doe@company.com");
    const alice = await as(t.db, "alice@company.com");
    const r = await submit(john, {
      templateKey: "platform-any",
      durationMinutes: 2 * 7 * 24 * 60,
      justification: "Reviewing the billing design with the platform team",
    });
    await expect(decideRequest({ ctx: john, input: { requestId: r.id, decision: "approve" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Nobody approves their own request",
    });
    await expect(decideRequest({ ctx: alice, input: { requestId: r.id, decision: "deny" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "note",
      message: "Say why the request is denied",
    });
    expect(await t.db.select().from(requestVotes).where(eq(requestVotes.requestId, r.id))).toHaveLength(0);
    const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
    expect(row!.status).toBe("pending");
    await decideRequest({ ctx: alice, input: { requestId: r.id, decision: "deny", note: "Use the read-only role" } });
  });

  it("refuses a delegate deciding the request of the person who delegated to them", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const r = await submit(sarah, {
      templateKey: "sandbox-training",
      durationMinutes: 7 * 24 * 60,
      requestedStart: new Date("2026-11-23T09:00:00Z"),
      fields: { training_program: "AWS Solutions Architect" },
    });
    // Sarah goes away and hands her decisions to John, her manager, who approves her training request.
    await t.db.insert(delegations).values({
      delegatorId: sarah.actor.identityId,
      delegateId: john.actor.identityId,
      startsAt: new Date("2026-11-01"),
      endsAt: new Date("2026-12-31"),
      createdAt: new Date(),
    });
    await expect(decideRequest({ ctx: john, input: { requestId: r.id, decision: "approve" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "A delegate cannot decide a request of the person who delegated to them",
    });
    expect(await auditCount(r.id, "request.vote_approve")).toBe(0);
    await t.db.delete(delegations);
  });

  it("refuses a terminated approver, who was never told either", async () => {
    const jane = await as(t.db, "jane.smith@company.com");
    const tom = await identityIdByEmail(t.db, "tom.becker@company.com");
    const r = await submit(jane, {
      templateKey: "platform-any",
      durationMinutes: 2 * 7 * 24 * 60,
      justification: "Pairing with the platform team on billing",
    });
    // A session that outlived the termination: the service checks employment status itself.
    const ghost = {
      ...(await as(t.db, "jane.smith@company.com")),
      actor: {
        type: "identity" as const,
        identityId: tom,
        email: "tom.becker@company.com",
        displayName: "Tom Becker",
        roles: ["employee" as const],
      },
    };
    await expect(decideRequest({ ctx: ghost, input: { requestId: r.id, decision: "approve" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "Only Active people can decide requests",
    });
    expect(await t.db.select().from(notifications).where(eq(notifications.recipientId, tom))).toHaveLength(0);
    const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
    expect(row!.status).toBe("pending");
  });

  it("lets an approver's out-of-office delegate decide, and shows it in the delegate's inbox", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const alice = await as(t.db, "alice@company.com");
    await t.db.insert(delegations).values({
      delegatorId: john.actor.identityId,
      delegateId: alice.actor.identityId,
      startsAt: new Date("2026-11-01"),
      endsAt: new Date("2026-12-31"),
      createdAt: new Date(),
    });
    const r = await submit(sarah, {
      templateKey: "sandbox-training",
      durationMinutes: 4 * 7 * 24 * 60,
      requestedStart: new Date("2026-11-23T09:00:00Z"),
      fields: { training_program: "Kubernetes (CKA)" },
      justification: "Preparing for the CKA exam next month",
    });
    const inbox = (await listInbox({ ctx: alice, input: {} })).rows;
    expect(inbox.find((i) => i.id === r.id)).toMatchObject({ via: `delegate:${john.actor.identityId}` });
    // John is away: his delegate is told, not him.
    const told = await t.db
      .select({ id: notifications.recipientId })
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.kind, "approval_needed")));
    expect(told.map((n) => n.id)).toEqual([alice.actor.identityId]);
    await expect(decideRequest({ ctx: alice, input: { requestId: r.id, decision: "approve" } })).resolves.toMatchObject(
      { status: "approved" },
    );
    await t.db.delete(delegations);
  });

  it("counts a decision once per person", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const alice = await as(t.db, "alice@company.com");
    const r = await submit(sarah, billingAsk());
    await decideRequest({ ctx: john, input: { requestId: r.id, decision: "approve" } });
    await decideRequest({ ctx: alice, input: { requestId: r.id, decision: "approve" } });
    await expect(decideRequest({ ctx: alice, input: { requestId: r.id, decision: "approve" } })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("counts once per person"),
    });
    const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
    expect(row).toMatchObject({ status: "pending", currentStage: 1 });
    await decideRequest({ ctx: alice, input: { requestId: r.id, decision: "deny", note: "x" } }).catch(() => undefined);
    await decideRequest({
      ctx: await as(t.db, "bob@company.com"),
      input: { requestId: r.id, decision: "deny", note: "closing the test request" },
    });
  });

  it("approves in bulk, reporting each outcome", async () => {
    const cfo = await as(t.db, "cfo@company.com");
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const a = await submit(sarah, { ...financeReportsAsk, durationMinutes: 7 * 24 * 60 });
    const b = await submit(john, { ...financeReportsAsk, durationMinutes: 7 * 24 * 60 });
    const results = await decideRequests({ ctx: cfo, input: { requestIds: [a.id, b.id, a.id], decision: "approve" } });
    expect(results).toEqual([
      { requestId: a.id, ok: true, outcome: "approved" },
      { requestId: b.id, ok: true, outcome: "approved" },
      {
        requestId: a.id,
        ok: false,
        code: "CONFLICT",
        error: expect.stringMatching(/^REQ-\d+ was already approved by cfo@company.com/),
      },
    ]);
  });
});
