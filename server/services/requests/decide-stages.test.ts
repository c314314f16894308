import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { accessRequests, delegations, notifications, provisioningHandoffs, requestVotes } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { billingAsk } from "@/test/support/decide-forms";
import { as, clearRequests, submit } from "@/test/support/requests";
import { decideRequest } from "./decide";
import { listInbox } from "./inbox";

/** The billing form's two stages: the requester's manager, then 2 of 3 platform owners (N of M, issue 12). */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());
beforeEach(async () => {
  await clearRequests(t.db);
  await t.db.delete(delegations);
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
    expect((await listInbox({ ctx: janet, input: {} })).rows.map((r) => r.id)).not.toContain(first.id);
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
    expect((await listInbox({ ctx: janet, input: {} })).rows.map((r) => r.id)).toContain(second.id);
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
