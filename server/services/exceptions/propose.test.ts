import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  accessExceptions,
  accessRequests,
  auditEvents,
  delegations,
  notifications,
  requestVotes,
} from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, movableClock } from "@/test/support/requests";
import { expectedAccessOf } from "../policies";
import { reportSource } from "../reports/sources";
import { decideRequest } from "../requests/decide";
import { listInbox } from "../requests/inbox";
import { getRequest } from "../requests/queries";
import { cancelRequest, postMessage } from "../requests/thread";
import { proposeException } from "./propose";

let t: TestDatabase;
const clock = movableClock("2026-11-22T12:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());
beforeEach(async () => {
  await clearRequests(t.db);
  await t.db.delete(delegations);
});

const RESOURCE = "gitlab:group:finance";
const inTwoWeeks = () => new Date(clock().getTime() + 14 * 86_400_000);
const proposal = (identityId: string, approverEmail = "cfo@company.com") => ({
  identityId,
  resource: RESOURCE,
  level: null,
  type: "project" as const,
  justification: "Quarter-end reconciliation scripts for Finance",
  references: { project: "Q4 close" },
  restrictions: {},
  approverEmail,
  expiresAt: inTwoWeeks(),
});
const exceptionsOf = async (identityId: string) =>
  t.db
    .select()
    .from(accessExceptions)
    .where(and(eq(accessExceptions.identityId, identityId), eq(accessExceptions.resourceKey, RESOURCE)));
const rows = async (kind: "exceptions" | "approvals" | "requests") => {
  const source = reportSource(t.db, kind, {});
  const out: Record<string, unknown>[] = [];
  for await (const batch of source.rows())
    for (const row of batch) out.push(Object.fromEntries(source.columns.map((c, i) => [c, row[i]])));
  return out;
};

describe("IT proposes, the named approver decides (issue 12, point 1)", () => {
  it("a proposal is not access: it waits in the approver's inbox, and counts only once they approve; reports show who proposed and who approved", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");

    const request = await proposeException({ ctx: priya, input: proposal(sarahId) });
    expect(request).toMatchObject({ status: "pending", requesterId: sarahId, proposedBy: priya.actor.identityId });
    expect(await exceptionsOf(sarahId)).toEqual([]);
    const access = await expectedAccessOf({ ctx: priya, input: { identityId: sarahId } });
    expect(access.grants.map((g) => g.resource)).not.toContain(RESOURCE);
    // The CFO is asked like for any request, and Sarah is told what IT proposed for her.
    expect((await listInbox({ ctx: cfo, input: {} })).rows.map((r) => [r.id, r.proposerName])).toEqual([
      [request.id, "Priya Raman"],
    ]);
    const told = await t.db
      .select({ recipientId: notifications.recipientId, kind: notifications.kind })
      .from(notifications)
      .where(eq(notifications.requestId, request.id));
    expect(told).toEqual(
      expect.arrayContaining([
        { recipientId: cfo.actor.identityId, kind: "approval_needed" },
        { recipientId: sarahId, kind: "request_progress" },
      ]),
    );
    // Priya proposed it: she is not asked, and cannot decide it.
    expect((await listInbox({ ctx: priya, input: {} })).rows).toEqual([]);
    await expect(
      decideRequest({ ctx: priya, input: { requestId: request.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    const approved = await decideRequest({
      ctx: cfo,
      input: { requestId: request.id, decision: "approve", note: "For the Q4 close only" },
    });
    expect(approved.outcome).toBe("approved");
    const [exception] = await exceptionsOf(sarahId);
    expect(exception).toMatchObject({
      source: "admin",
      approverId: cfo.actor.identityId,
      createdBy: "priya.raman@company.com",
      requestId: request.id,
      approvalNote: "For the Q4 close only",
      references: { project: "Q4 close" },
    });
    expect(exception!.expiresAt).toEqual(inTwoWeeks());
    expect((await getRequest({ ctx: priya, input: { requestId: request.id } })).proposal).toMatchObject({
      action: "grant",
      resource: RESOURCE,
      proposer: { email: "priya.raman@company.com" },
    });

    const log = (await rows("exceptions")).find((r) => r.exception === `EXC-${exception!.number}`);
    expect(log).toMatchObject({ proposed_by: "priya.raman@company.com", approved_by: "cfo@company.com" });
    const vote = (await rows("approvals")).find((r) => r.request === `REQ-${request.number}`);
    expect(vote).toMatchObject({
      requester: "sarah.chen@company.com",
      proposed_by: "priya.raman@company.com",
      approver: "cfo@company.com",
      decision: "approve",
      separation_of_duties: "passed",
    });
    expect((await rows("requests")).find((r) => r.request === `REQ-${request.number}`)).toMatchObject({
      proposed_by: "priya.raman@company.com",
      resource: RESOURCE,
    });
    expect(
      await t.db
        .select({ n: count() })
        .from(auditEvents)
        .where(and(eq(auditEvents.subjectId, request.id), eq(auditEvents.action, "request.proposed"))),
    ).toEqual([{ n: 1 }]);
  });

  it("nobody proposes for themselves or names themselves to approve, and nothing is written", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    const before = (await t.db.select({ n: count() }).from(auditEvents))[0]!.n;
    await expect(proposeException({ ctx: priya, input: proposal(priya.actor.identityId) })).rejects.toMatchObject({
      code: "FORBIDDEN",
      field: "identityId",
    });
    await expect(
      proposeException({ ctx: priya, input: proposal(sarahId, "priya.raman@company.com") }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "approverEmail" });
    await expect(
      proposeException({ ctx: priya, input: proposal(sarahId, "sarah.chen@company.com") }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "approverEmail" });
    expect(await t.db.select().from(accessRequests)).toEqual([]);
    expect((await t.db.select({ n: count() }).from(auditEvents))[0]!.n).toBe(before);
    // And the database refuses a proposal for oneself whatever the code does.
    await expect(
      t.db.insert(accessRequests).values({
        templateId:
          (await t.db.select().from(accessRequests).limit(1))[0]?.templateId ?? "00000000-0000-4000-8000-000000000000",
        requesterId: priya.actor.identityId,
        proposedBy: priya.actor.identityId,
        proposal: {},
        status: "pending",
        justification: "x",
        durationMinutes: 60,
        assessment: {},
        stageStartedAt: clock(),
        createdAt: clock(),
      }),
    ).rejects.toBeTruthy();
  });

  it("the proposer's own delegate cannot decide it either, and a second proposal of the same access waits for the first", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    // Priya is away and hands her decisions to the CFO; she then names the CFO to approve her proposal.
    await t.db.insert(delegations).values({
      delegatorId: priya.actor.identityId,
      delegateId: cfo.actor.identityId,
      startsAt: new Date("2026-11-01T00:00:00Z"),
      endsAt: new Date("2026-12-31T00:00:00Z"),
      createdAt: new Date("2026-11-01T00:00:00Z"),
    });
    await expect(proposeException({ ctx: priya, input: proposal(sarahId) })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "approverEmail",
      message: expect.stringMatching(/cannot decide this/),
    });
    await t.db.delete(delegations);

    await proposeException({ ctx: priya, input: proposal(sarahId) });
    await expect(
      proposeException({
        ctx: await as(t.db, "omar.haddad@company.com", clock),
        input: proposal(sarahId, "cto@company.com"),
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "resource" });
  });

  it("goes through the same thread and rules: the approver asks the proposer, who answers; a deny grants nothing; the proposer can withdraw", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const request = await proposeException({ ctx: priya, input: proposal(sarah.actor.identityId) });
    await decideRequest({
      ctx: cfo,
      input: { requestId: request.id, decision: "needs_info", note: "Why not the finance-reports group instead?" },
    });
    const asked = await t.db
      .select({ recipientId: notifications.recipientId })
      .from(notifications)
      .where(and(eq(notifications.requestId, request.id), eq(notifications.kind, "info_requested")));
    expect(asked.map((n) => n.recipientId)).toContain(priya.actor.identityId);
    expect((await getRequest({ ctx: priya, input: { requestId: request.id } })).viewer).toMatchObject({
      isAsker: true,
      canDecide: false,
      canCancel: true,
    });
    expect(
      (
        await postMessage({
          ctx: priya,
          input: { requestId: request.id, body: "The scripts live in the gitlab group, not in the reports." },
        })
      ).status,
    ).toBe("pending");
    const denied = await decideRequest({
      ctx: cfo,
      input: { requestId: request.id, decision: "deny", note: "Ask Finance to run them" },
    });
    expect(denied.outcome).toBe("denied");
    expect(await exceptionsOf(sarah.actor.identityId)).toEqual([]);
    // Decided once: a second click is told who decided.
    await expect(
      decideRequest({ ctx: cfo, input: { requestId: request.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await t.db.select().from(requestVotes).where(eq(requestVotes.requestId, request.id))).toHaveLength(1);

    const again = await proposeException({ ctx: priya, input: proposal(sarah.actor.identityId) });
    expect((await cancelRequest({ ctx: priya, input: { requestId: again.id } })).status).toBe("cancelled");
  });

  it("a vendor proposal carries the pattern's restrictions onto the exception; without them it is refused, naming the field (seed 000, pattern 5)", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const cfo = await as(t.db, "cfo@company.com", clock);
    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    const vendor = { ...proposal(sarahId), type: "vendor" as const };
    await expect(proposeException({ ctx: priya, input: vendor })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "restrictions.mfaRequired",
    });
    await expect(
      proposeException({ ctx: priya, input: { ...vendor, restrictions: { mfaRequired: true } } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "restrictions.sessionMinutes" });
    await expect(
      proposeException({ ctx: priya, input: { ...proposal(sarahId), restrictions: { mfaRequired: true } } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "restrictions" });
    const request = await proposeException({
      ctx: priya,
      input: { ...vendor, restrictions: { mfaRequired: true, ipAllowList: ["203.0.113.0/24"], sessionMinutes: 240 } },
    });
    await decideRequest({ ctx: cfo, input: { requestId: request.id, decision: "approve" } });
    expect((await exceptionsOf(sarahId))[0]).toMatchObject({
      type: "vendor",
      restrictions: { mfaRequired: true, ipAllowList: ["203.0.113.0/24"], sessionMinutes: 240 },
    });
  });

  it("an approval after the proposed expiry makes no access: the approver is told to deny it", async () => {
    const priya = await as(t.db, "priya.raman@company.com", clock);
    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    const request = await proposeException({
      ctx: priya,
      input: { ...proposal(sarahId), expiresAt: new Date(clock().getTime() + 86_400_000) },
    });
    clock.advance(2 * 24 * 60);
    const cfo = await as(t.db, "cfo@company.com", clock);
    await expect(
      decideRequest({ ctx: cfo, input: { requestId: request.id, decision: "approve" } }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/would already have ended/),
    });
    expect(await exceptionsOf(sarahId)).toEqual([]);
    expect((await t.db.select().from(accessRequests).where(eq(accessRequests.id, request.id)))[0]!.status).toBe(
      "pending",
    );
  });
});
