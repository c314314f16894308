import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyWebhookSignature } from "@/server/adapters/webhook";
import { systemActor } from "@/server/core/actor";
import {
  accessExceptions,
  accessRequests,
  adapterCalls,
  auditEvents,
  identities,
  notifications,
  provisioningHandoffs,
  provisioningOperations,
  requestMessages,
  requestTemplates,
  requestVotes,
} from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { activeExceptionsOf } from "../exceptions/active";
import { closeAdapters } from "../provisioning/adapters";
import { retryOperation, runDueOperations } from "../provisioning/operations";
import { configureSystemAdapter } from "../provisioning/system-admin";
import { decideRequest, recordDecision } from "./decide";

/**
 * onGrantFailure "block" without an adapter call inside the approval's transaction (issue 14,
 * goal 2): approve (commit "granting", grant claimed), call the system, settle.
 */

const SECRET = "whsec_block_grant";
let t: TestDatabase;
let server: Server;
let answer: 200 | 400 = 200;
/** What the fake Google Workspace API received: action and idempotency key. */
let received: { action: string; key: string }[] = [];
/** What the target saw of the database while it was being called, from a connection of its own. */
let seen: { requestStatus: string; rowLocked: boolean | string; idleInTransaction: number }[] = [];
let watchedRequest: string | null = null;
const clock = movableClock("2026-11-16T09:00:00Z");
const jobs = () => ({ db: t.db, actor: systemActor("provisioning"), clock });
const FINANCE = "google:group:finance-reports@company.com";

/** While the system is being called: is the request's row locked, and is any transaction of this database held open? */
async function look(requestId: string) {
  const [row] = await t.db
    .select({ status: accessRequests.status })
    .from(accessRequests)
    .where(eq(accessRequests.id, requestId));
  let rowLocked: boolean | string = false;
  try {
    await t.db.transaction(async (tx) => {
      await tx.execute(sql`set local lock_timeout = '200ms'`);
      await tx.execute(sql`select id from access_requests where id = ${requestId} for update`);
    });
  } catch (err) {
    const text = String((err as { cause?: unknown }).cause ?? err);
    rowLocked = /lock timeout/i.test(text) || text;
  }
  const { rows } = await t.db.execute<{ n: number }>(
    sql`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and state like 'idle in transaction%'`,
  );
  seen.push({ requestStatus: row!.status, rowLocked, idleInTransaction: rows[0]!.n });
}

beforeAll(async () => {
  t = await createTestDatabase();
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      void (async () => {
        const ok = verifyWebhookSignature(
          SECRET,
          String(req.headers["x-clearance-timestamp"]),
          raw,
          req.headers["x-clearance-signature"] as string,
          Math.floor(Date.now() / 1000),
        );
        if (!ok) return res.writeHead(401).end("bad signature");
        received.push({
          action: (JSON.parse(raw) as { action: string }).action,
          key: String(req.headers["idempotency-key"]),
        });
        if (watchedRequest === "newest") {
          const [newest] = await t.db
            .select({ id: accessRequests.id })
            .from(accessRequests)
            .orderBy(desc(accessRequests.number))
            .limit(1);
          await look(newest!.id);
        } else if (watchedRequest) await look(watchedRequest);
        if (answer === 200) return res.writeHead(200, { "content-type": "application/json" }).end("{}");
        res.writeHead(400, { "content-type": "text/plain" }).end("group finance-reports is locked by policy");
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const priya = await as(t.db, "priya.raman@company.com", clock);
  for (const systemKey of ["google", "aws"])
    await configureSystemAdapter({
      ctx: priya,
      input: {
        systemKey,
        adapterKind: "webhook",
        adapterConfig: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/clearance`, secret: SECRET },
      },
    });
  await t.db.execute(
    sql`update ${requestTemplates}
        set definition = jsonb_set(definition, '{onGrantFailure}', '{"mode":"block","maxAttempts":1}'::jsonb)
        where key in ('finance-reports', 'production-admin-incident')`,
  );
});
afterAll(async () => {
  await closeAdapters();
  await new Promise((r) => server.close(r));
  await t.close();
});
beforeEach(async () => {
  await clearRequests(t.db);
  answer = 200;
  received = [];
  seen = [];
});

async function sarahAsks() {
  const sarah = await as(t.db, "sarah.chen@company.com", clock);
  const cfo = await as(t.db, "cfo@company.com", clock);
  const r = await submit(sarah, financeReportsAsk);
  watchedRequest = r.id;
  return { r, sarah, cfo, approve: () => decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } }) };
}
const requestRow = async (id: string) =>
  (await t.db.select().from(accessRequests).where(eq(accessRequests.id, id)))[0]!;
const exceptionsOf = (requestId: string) =>
  t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, requestId));
const actionsOn = async (subjectIds: string[]) =>
  (await t.db.select().from(auditEvents).orderBy(asc(auditEvents.id)))
    .filter((e) => e.subjectId && subjectIds.includes(e.subjectId))
    .map((e) => e.action);

describe("block: the system is called after the approval commits, never inside it", () => {
  it("approves: the target sees the request granting, its row not locked, no transaction held open", async () => {
    const { r, approve } = await sarahAsks();
    const decided = await approve();
    expect(decided).toMatchObject({ status: "approved", outcome: "approved" });
    expect(received).toHaveLength(1);
    expect(seen).toEqual([{ requestStatus: "granting", rowLocked: false, idleInTransaction: 0 }]);
    const [e] = await exceptionsOf(r.id);
    expect(e).toMatchObject({ status: "active", deliveredAt: clock() });
    const [op] = await t.db.select().from(provisioningOperations).where(eq(provisioningOperations.exceptionId, e!.id));
    expect(op).toMatchObject({ status: "done", attempts: 1, claimToken: null });
    expect(received[0]!.key).toBe(op!.id);
    expect(await actionsOn([r.id])).toEqual([
      "request.submitted",
      "request.vote_approve",
      "request.granting",
      "request.handed_off",
      "request.approved",
    ]);
    const [told] = await t.db
      .select({ title: notifications.title })
      .from(notifications)
      .innerJoin(identities, eq(identities.id, notifications.recipientId))
      .where(and(eq(notifications.requestId, r.id), eq(identities.email, "sarah.chen@company.com")));
    expect(told!.title).toMatch(/approved by/);
  });

  it("a refused grant: the target was called outside the transaction; nothing is left approved or held", async () => {
    const { r, cfo, approve } = await sarahAsks();
    answer = 400;
    await expect(approve()).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(
        /^Could not grant google:group:finance-reports@company.com: .*locked by policy.*The approval did not complete/,
      ),
    });
    expect(seen).toEqual([{ requestStatus: "granting", rowLocked: false, idleInTransaction: 0 }]);

    // The request waits for approval again; the CFO's vote, the hand-off and the exception are gone.
    expect(await requestRow(r.id)).toMatchObject({ status: "pending", decidedAt: null, decidedBy: null });
    expect(await exceptionsOf(r.id)).toEqual([]);
    expect(await t.db.select().from(requestVotes).where(eq(requestVotes.requestId, r.id))).toEqual([]);
    expect(await t.db.select().from(provisioningHandoffs).where(eq(provisioningHandoffs.requestId, r.id))).toEqual([]);
    const sarahId = (await requestRow(r.id)).requesterId;
    expect((await activeExceptionsOf(t.db, sarahId, clock())).map((x) => x.e.resourceKey)).not.toContain(FINANCE);

    // The call is on record; its operation is cancelled (IT cannot retry a grant nobody approved).
    const [call] = await t.db.select().from(adapterCalls).where(eq(adapterCalls.outcome, "error"));
    expect(call!.detail).toMatch(/locked by policy/);
    const [op] = await t.db
      .select()
      .from(provisioningOperations)
      .where(eq(provisioningOperations.id, call!.operationId!));
    expect(op).toMatchObject({
      status: "cancelled",
      exceptionId: null,
      lastError: expect.stringMatching(/locked by policy/),
    });
    const priya = await as(t.db, "priya.raman@company.com", clock);
    await expect(retryOperation({ ctx: priya, input: { operationId: op!.id } })).rejects.toMatchObject({
      code: "CONFLICT",
    });

    // Every step is in the audit trail, and the thread says why.
    const exceptionId = (await t.db.select().from(auditEvents).where(eq(auditEvents.action, "exception.withdrawn")))[0]!
      .subjectId!;
    expect(await actionsOn([r.id, exceptionId, op!.id])).toEqual([
      "request.submitted",
      "request.vote_approve",
      "request.granting",
      "request.handed_off",
      "exception.created",
      "provisioning.failed",
      "exception.grant_failed",
      "provisioning.cancelled",
      "exception.withdrawn",
      "request.grant_blocked",
    ]);
    const thread = await t.db.select().from(requestMessages).where(eq(requestMessages.requestId, r.id));
    expect(thread.at(-1)!.body).toMatch(
      /^The approval did not complete\. Could not grant .*locked by policy.*waits for approval again/,
    );
    // The decider saw the error at once: no notification about it on top.
    const toCfo = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.recipientId, cfo.actor.identityId)));
    expect(toCfo.filter((n) => n.kind === "request_progress")).toEqual([]);

    // Once the system takes it, the same approver approves again.
    answer = 200;
    await approve();
    expect(await requestRow(r.id)).toMatchObject({ status: "approved" });
    expect(await exceptionsOf(r.id)).toMatchObject([{ status: "active" }]);
    expect(received.map((x) => x.action)).toEqual(["grant", "grant"]);
  });

  it("while granting, another decision is refused, saying the request is being granted", async () => {
    const { r, cfo } = await sarahAsks();
    const decided = await recordDecision(cfo, { requestId: r.id, decision: "approve" }, null);
    expect(decided.outcome).toBe("granting");
    await expect(
      decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "deny", note: "no" } }),
    ).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^REQ-\d+ was already approved by cfo@company.com at .* and is being granted$/),
    });
  });
});

describe("block with an auto-approval rule", () => {
  const incident = { templateKey: "production-admin-incident", durationMinutes: 240, fields: { incident_id: "INC-1" } };

  it("approves once the system has taken the grant, called after the submission committed", async () => {
    const jane = await as(t.db, "jane.smith@company.com", clock);
    watchedRequest = "newest";
    const r = await submit(jane, incident);
    expect(r).toMatchObject({ status: "approved", autoApproved: expect.stringMatching(/^Auto-approved/) });
    expect(seen).toEqual([{ requestStatus: "granting", rowLocked: false, idleInTransaction: 0 }]);
    expect(await exceptionsOf(r.id)).toMatchObject([{ status: "active", resourceKey: "aws:role:production-admin" }]);
  });

  it("a refused grant closes the request (no approver was asked), says why, and holds nothing", async () => {
    const jane = await as(t.db, "jane.smith@company.com", clock);
    watchedRequest = "newest";
    answer = 400;
    await expect(submit(jane, incident)).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(/^Could not grant aws:role:production-admin: .*locked by policy/),
    });
    expect(seen).toEqual([{ requestStatus: "granting", rowLocked: false, idleInTransaction: 0 }]);
    const [r] = await t.db.select().from(accessRequests).where(eq(accessRequests.requesterId, jane.actor.identityId));
    expect(r).toMatchObject({
      status: "cancelled",
      decisionNote: expect.stringMatching(/^Auto-approval did not stand/),
    });
    expect(await exceptionsOf(r!.id)).toEqual([]);
    expect((await actionsOn([r!.id])).slice(-1)).toEqual(["request.grant_blocked"]);
    // Closed, so the requester can ask again.
    answer = 200;
    await expect(submit(jane, incident)).resolves.toMatchObject({ status: "approved" });
  });
});

describe("block: a crash between the approval's commit and its settlement", () => {
  /** The approval committed, its grant claimed; the process that was to call the system stopped. */
  async function crashedAfterApproval() {
    const asked = await sarahAsks();
    const decided = await recordDecision(asked.cfo, { requestId: asked.r.id, decision: "approve" }, null);
    expect(decided.outcome).toBe("granting");
    const [op] = await t.db
      .select()
      .from(provisioningOperations)
      .innerJoin(accessExceptions, eq(accessExceptions.id, provisioningOperations.exceptionId))
      .where(eq(accessExceptions.requestId, asked.r.id));
    return { ...asked, op: op!.provisioning_operations };
  }
  const leaseRunsOut = (opId: string) =>
    t.db.execute(sql`update provisioning_operations set lease_until = now() - interval '1 second' where id = ${opId}`);

  it("no other runner calls it while the claim's lease lasts; after it, the loop calls once and approves", async () => {
    const { r, op } = await crashedAfterApproval();
    expect(op).toMatchObject({ status: "pending", attempts: 1, claimToken: expect.any(String) });
    expect(await runDueOperations({ ctx: jobs() })).toBe(0);
    expect(received).toEqual([]);
    expect(await requestRow(r.id)).toMatchObject({ status: "granting" });

    await leaseRunsOut(op.id);
    expect(await runDueOperations({ ctx: jobs() })).toBe(1);
    expect(received).toEqual([{ action: "grant", key: op.id }]);
    expect(seen).toEqual([{ requestStatus: "granting", rowLocked: false, idleInTransaction: 0 }]);
    expect(await requestRow(r.id)).toMatchObject({ status: "approved" });
    expect(await exceptionsOf(r.id)).toMatchObject([{ status: "active" }]);
    expect(await runDueOperations({ ctx: jobs() })).toBe(0);
    expect(received).toHaveLength(1);
    expect(await t.db.select().from(adapterCalls).where(eq(adapterCalls.operationId, op.id))).toHaveLength(1);
  });

  it("a refusal the loop gets undoes the approval and tells the approver, who was not there to see it", async () => {
    const { r, cfo, op } = await crashedAfterApproval();
    await leaseRunsOut(op.id);
    answer = 400;
    expect(await runDueOperations({ ctx: jobs() })).toBe(1);
    expect(received).toHaveLength(1);
    expect(await requestRow(r.id)).toMatchObject({ status: "pending" });
    expect(await exceptionsOf(r.id)).toEqual([]);
    const toCfo = await t.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.requestId, r.id), eq(notifications.recipientId, cfo.actor.identityId)));
    expect(toCfo.filter((n) => n.kind === "request_progress").map((n) => n.title)).toEqual([
      `REQ-${r.number}: the approval did not complete`,
    ]);
    expect(await runDueOperations({ ctx: jobs() })).toBe(0);
    expect(received).toHaveLength(1);
  });

  it("a runner that stops in the second call too: no third call, the approval undone, a revoke in case", async () => {
    const { r, op } = await crashedAfterApproval();
    await leaseRunsOut(op.id);
    await t.db.execute(
      sql`update provisioning_operations
          set attempts = 2, claim_token = gen_random_uuid(), lease_until = now() - interval '1 second'
          where id = ${op.id}`,
    );
    // The abandoned grant is failed without a third call; the revoke it leaves runs in the same pass.
    expect(await runDueOperations({ ctx: jobs() })).toBe(2);
    expect(received.map((x) => x.action)).toEqual(["revoke"]);
    expect(await requestRow(r.id)).toMatchObject({ status: "pending" });
    expect(await exceptionsOf(r.id)).toEqual([]);
    // The system may have taken it before the runner stopped: it is taken away again.
    const revokes = await t.db
      .select()
      .from(provisioningOperations)
      .where(and(eq(provisioningOperations.action, "revoke"), eq(provisioningOperations.resourceKey, FINANCE)));
    expect(revokes).toMatchObject([{ status: "done", exceptionId: null, identityId: op.identityId }]);
  });
});
