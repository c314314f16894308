import { and, eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createDrizzle } from "@/server/db/client";
import { accessRequests, delegations, notifications, provisioningHandoffs, requestVotes } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { auditEventsOf, billingAsk, savePlatformAnyTemplate } from "@/test/support/decide-forms";
import { as, clearRequests, submit } from "@/test/support/requests";
import { decideRequest } from "./decide";

/** Approvers deciding one request at the same moment, each over a connection of their own. */
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  await savePlatformAnyTemplate(t.db);
});
afterAll(() => t.close());
beforeEach(async () => {
  await clearRequests(t.db);
  await t.db.delete(delegations);
});

const auditCount = (requestId: string, action: string) => auditEventsOf(t.db, requestId, action);

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

describe("2 of 3 platform owners, after the manager", () => {
  const owners = ["alice@company.com", "bob@company.com", "oncall-lead@company.com"];
  it("two owners approving at once over their own connections: the second sees the first's vote, and the request is approved once", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com");
    const john = await as(t.db, "john.doe@company.com");
    const pools = [new pg.Pool({ connectionString: t.url, max: 1 }), new pg.Pool({ connectionString: t.url, max: 1 })];
    try {
      const [alice, bob] = [
        await as(createDrizzle(pools[0]!), owners[0]!),
        await as(createDrizzle(pools[1]!), owners[1]!),
      ];
      for (let round = 0; round < 5; round++) {
        await clearRequests(t.db);
        const r = await submit(sarah, billingAsk());
        await decideRequest({ ctx: john, input: { requestId: r.id, decision: "approve" } });
        const outcomes = await Promise.all([
          decideRequest({ ctx: alice, input: { requestId: r.id, decision: "approve" } }),
          decideRequest({ ctx: bob, input: { requestId: r.id, decision: "approve" } }),
        ]);
        // Whoever took the lock second read the first vote after it: 2 of 3 reached, exactly once.
        expect(outcomes.map((o) => o.outcome).sort()).toEqual(["approved", "waiting"]);
        const [row] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id));
        expect(row!.status).toBe("approved");
        expect(await t.db.select().from(requestVotes).where(eq(requestVotes.requestId, r.id))).toHaveLength(3);
        expect(
          await t.db.select().from(provisioningHandoffs).where(eq(provisioningHandoffs.requestId, r.id)),
        ).toHaveLength(1);
      }
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });
});
