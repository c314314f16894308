import { and, count, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { createDrizzle } from "@/server/db/client";
import {
  accessRequests,
  auditEvents,
  delegations,
  notifications,
  provisioningHandoffs,
  requestMessages,
  requestVotes,
} from "@/server/db/schema";
import { seedTemplates } from "@/server/db/seed/requests";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, financeReportsAsk, submit } from "@/test/support/requests";
import { decideRequest, decideRequests } from "./decide";
import { getRequest, inboxCount, listInbox } from "./queries";
import { postMessage } from "./thread";
import { saveTemplate } from "./templates";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // A one-stage form any one platform owner decides: three people who could click at once.
  const base = seedTemplates.find((s) => s.key === "billing-rewrite-project")!.definition;
  await saveTemplate({
    ctx: { db: t.db, actor: systemActor("test"), clock: () => new Date("2026-11-22T12:00:00Z") },
    input: {
      create: true,
      key: "platform-any",
      name: "Platform (any owner)",
      description: "",
      definition: {
        ...base,
        startMode: "on_approval",
        fields: [],
        stages: [base.stages[1]!].map((s) => ({ ...s, threshold: { kind: "any" as const } })),
      },
    },
  });
});
afterAll(() => t.close());
// Each test starts with no requests, so one person's open or held access does not leak into the next.
beforeEach(async () => {
  await clearRequests(t.db);
  await t.db.delete(delegations);
});

const billingAsk = (extra: object = {}) => ({
  templateKey: "billing-rewrite-project",
  durationMinutes: 6 * 7 * 24 * 60,
  justification: "Sales Engineer supporting billing system rewrite to ensure sales workflow integration",
  requestedStart: new Date("2026-12-01T09:00:00Z"),
  fields: { project_id: "proj-billing-rewrite-2025", read_only_enough: true },
  ...extra,
});

const auditCount = async (requestId: string, action: string) =>
  (
    await t.db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, requestId), eq(auditEvents.action, action)))
  )[0]!.n;

describe("the inbox lists only what one may decide (issue 12)", () => {
  it("leaves out a request of someone who delegated to me after it reached me, and the request page offers no decision", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const cfo = await as(t.db, "cfo@company.com");
    const r = await submit(sarah, financeReportsAsk);
    expect((await listInbox({ ctx: cfo, input: {} })).map((x) => x.id)).toEqual([r.id]);
    // Sarah goes on leave and hands her decisions to the CFO, who approves her request.
    await t.db.insert(delegations).values({
      delegatorId: sarah.actor.identityId,
      delegateId: cfo.actor.identityId,
      startsAt: new Date("2026-11-01T00:00:00Z"),
      endsAt: new Date("2026-12-31T00:00:00Z"),
      createdAt: new Date("2026-11-01T00:00:00Z"),
    });
    expect(await listInbox({ ctx: cfo, input: {} })).toEqual([]);
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
    expect(approved.accessEndsAt!.getTime() - approved.accessStartsAt!.getTime()).toBe(6 * 7 * 86_400_000);
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
    const inbox = await listInbox({ ctx: alice, input: {} });
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

describe("two approvers at the same moment, over separate database connections", () => {
  it("produce one decision, one audit event and one hand-off; the other is told who decided", async () => {
    const pools = [new pg.Pool({ connectionString: t.url, max: 1 }), new pg.Pool({ connectionString: t.url, max: 1 })];
    try {
      const [alice, bob] = [
        await as(createDrizzle(pools[0]!), "alice@company.com"),
        await as(createDrizzle(pools[1]!), "bob@company.com"),
      ];
      const sarah = await as(t.db, "sarah.chen@company.com");
      for (let round = 0; round < 5; round++) {
        await clearRequests(t.db);
        const r = await submit(sarah, {
          templateKey: "platform-any",
          durationMinutes: 2 * 7 * 24 * 60,
          justification: `Concurrency round ${round} for the billing work`,
        });
        const decisions = round % 2 === 0 ? (["approve", "approve"] as const) : (["approve", "deny"] as const);
        const results = await Promise.allSettled([
          decideRequest({ ctx: alice, input: { requestId: r.id, decision: decisions[0], note: "looks fine" } }),
          decideRequest({ ctx: bob, input: { requestId: r.id, decision: decisions[1], note: "not needed" } }),
        ]);
        const won = results.filter((x) => x.status === "fulfilled");
        const lost = results.filter((x) => x.status === "rejected") as PromiseRejectedResult[];
        expect(won).toHaveLength(1);
        expect(lost).toHaveLength(1);
        expect(lost[0]!.reason).toMatchObject({
          code: "CONFLICT",
          message: expect.stringMatching(
            new RegExp(`^REQ-${r.number} was already (approved|denied) by (alice|bob)@company.com at `),
          ),
        });
        const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
        expect((await auditCount(r.id, "request.approved")) + (await auditCount(r.id, "request.denied"))).toBe(1);
        expect(await t.db.select().from(requestVotes).where(eq(requestVotes.requestId, r.id))).toHaveLength(1);
        expect(
          await t.db.select().from(provisioningHandoffs).where(eq(provisioningHandoffs.requestId, r.id)),
        ).toHaveLength(row!.status === "approved" ? 1 : 0);
        // Everyone who was asked, and the requester, learns the outcome; the decider needs no telling.
        const told = await t.db
          .select({ id: notifications.recipientId })
          .from(notifications)
          .where(and(eq(notifications.requestId, r.id), eq(notifications.kind, "request_decided")));
        const decider = row!.decidedBy === "alice@company.com" ? alice : bob;
        const owners = await Promise.all(
          ["alice@company.com", "bob@company.com", "oncall-lead@company.com"].map((e) => identityIdByEmail(t.db, e)),
        );
        expect(told.map((n) => n.id).sort()).toEqual(
          [sarah.actor.identityId, ...owners.filter((id) => id !== decider.actor.identityId)].sort(),
        );
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});

describe("a two-stage template: the manager, then 2 of 3 platform owners", () => {
  const owners = ["alice@company.com", "bob@company.com", "oncall-lead@company.com"];
  const orders = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
  ];
  const patterns = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) =>
    [0, 1, 2].map((i) => ((bits >> i) & 1 ? "deny" : "approve") as "approve" | "deny"),
  );

  it("decides correctly in every order of votes, and a deny at any point ends it", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const ctxs = await Promise.all(owners.map((e) => as(t.db, e)));
    let cases = 0;
    for (const order of orders) {
      for (const pattern of patterns) {
        await clearRequests(t.db);
        const r = await submit(sarah, billingAsk());
        await decideRequest({ ctx: john, input: { requestId: r.id, decision: "approve" } });
        // Expected: votes in order; the first deny ends it; the second approval approves it.
        let expected: "approved" | "denied" | null = null;
        let approvals = 0;
        for (const voter of order) {
          const decision = pattern[voter]!;
          if (expected) {
            await expect(
              decideRequest({ ctx: ctxs[voter]!, input: { requestId: r.id, decision, note: "late" } }),
            ).rejects.toMatchObject({ code: "CONFLICT" });
            continue;
          }
          const result = await decideRequest({
            ctx: ctxs[voter]!,
            input: { requestId: r.id, decision, note: decision === "deny" ? "no" : undefined },
          });
          if (decision === "deny") expected = "denied";
          else if (++approvals === 2) expected = "approved";
          expect(result.outcome).toBe(expected ?? "waiting");
        }
        const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
        expect(row!.status).toBe(expected);
        expect(
          await t.db.select().from(provisioningHandoffs).where(eq(provisioningHandoffs.requestId, r.id)),
        ).toHaveLength(expected === "approved" ? 1 : 0);
        cases++;
      }
    }
    expect(cases).toBe(48);
    // 48 requests through two stages: a few seconds idle, far longer on a busy CI runner.
  }, 180_000);

  it("ends at the first stage when the manager denies; the owners are never asked", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const r = await submit(sarah, billingAsk());
    const denied = await decideRequest({
      ctx: john,
      input: { requestId: r.id, decision: "deny", note: "Not this quarter" },
    });
    expect(denied).toMatchObject({ status: "denied", currentStage: 0 });
    const asked = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.kind, "approval_needed")));
    expect(asked.map((n) => n.recipientId)).toEqual([john.actor.identityId]);
    // An owner cannot vote on a stage that never opened.
    await expect(
      decideRequest({ ctx: await as(t.db, "alice@company.com"), input: { requestId: r.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("counts an owner and her own delegate once: 2 of 3 owners needs two different owners, in either order (issue 12)", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const [alice, bob, lead] = await Promise.all(owners.map((e) => as(t.db, e)));
    // Alice is away; Jane, who is no platform owner, stands in for her.
    const janet = await as(t.db, "jane.smith@company.com");
    await t.db.insert(delegations).values({
      delegatorId: alice!.actor.identityId,
      delegateId: janet.actor.identityId,
      startsAt: new Date("2026-11-01T00:00:00Z"),
      endsAt: new Date("2026-12-31T00:00:00Z"),
      createdAt: new Date("2026-11-01T00:00:00Z"),
    });

    const first = await submit(sarah, billingAsk());
    await decideRequest({ ctx: john, input: { requestId: first.id, decision: "approve" } });
    expect((await decideRequest({ ctx: alice!, input: { requestId: first.id, decision: "approve" } })).outcome).toBe(
      "waiting",
    );
    // Alice's vote is cast: her delegate has nothing left to decide, and is not asked to.
    expect((await listInbox({ ctx: janet, input: {} })).map((r) => r.id)).not.toContain(first.id);
    await expect(
      decideRequest({ ctx: janet, input: { requestId: first.id, decision: "approve" } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/approver you stand in for already decided/),
    });
    expect((await t.db.select().from(accessRequests).where(eq(accessRequests.id, first.id)))[0]!.status).toBe(
      "pending",
    );
    expect((await decideRequest({ ctx: bob!, input: { requestId: first.id, decision: "approve" } })).outcome).toBe(
      "approved",
    );

    await clearRequests(t.db);
    const second = await submit(sarah, billingAsk());
    await decideRequest({ ctx: john, input: { requestId: second.id, decision: "approve" } });
    expect((await listInbox({ ctx: janet, input: {} })).map((r) => r.id)).toContain(second.id);
    expect((await decideRequest({ ctx: janet, input: { requestId: second.id, decision: "approve" } })).outcome).toBe(
      "waiting",
    );
    await expect(
      decideRequest({ ctx: alice!, input: { requestId: second.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringMatching(/Your delegate already decided/) });
    const votes = await t.db
      .select()
      .from(requestVotes)
      .where(and(eq(requestVotes.requestId, second.id), eq(requestVotes.stage, 1)));
    expect(votes.map((v) => [v.identityId, v.principalId])).toEqual([
      [janet.actor.identityId, alice!.actor.identityId],
    ]);
    expect((await decideRequest({ ctx: lead!, input: { requestId: second.id, decision: "approve" } })).outcome).toBe(
      "approved",
    );
  });

  it("does not let a first-stage approver vote on the second stage unless they are in it", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const r = await submit(sarah, billingAsk());
    await decideRequest({ ctx: john, input: { requestId: r.id, decision: "approve" } });
    await expect(decideRequest({ ctx: john, input: { requestId: r.id, decision: "approve" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: "You are not an approver of this request's current stage",
    });
    await decideRequest({
      ctx: await as(t.db, "bob@company.com"),
      input: { requestId: r.id, decision: "deny", note: "cleanup" },
    });
  });
});
