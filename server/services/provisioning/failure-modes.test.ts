import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyWebhookSignature } from "@/server/adapters/webhook";
import { systemActor } from "@/server/core/actor";
import {
  accessExceptions,
  accessRequests,
  adapterCalls,
  provisioningOperations,
  requestTemplates,
} from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { revokeException } from "../exceptions/end";
import { listExceptions } from "../exceptions/queries";
import { decideRequest } from "../requests/decide";
import { closeAdapters } from "./adapters";
import { retryOperation, runDueOperations } from "./operations";
import { configureSystemAdapter } from "./system-admin";

const SECRET = "whsec_failure_modes";
let t: TestDatabase;
let server: Server;
/** What the fake Google Workspace admin API answers next: it speaks the webhook contract, signature checked. */
let answer: 200 | 400 | 500 = 200;
const received: string[] = [];
const clock = movableClock("2026-11-16T09:00:00Z");
const jobs = () => ({ db: t.db, actor: systemActor("provisioning"), clock });

beforeAll(async () => {
  t = await createTestDatabase();
  server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const ok = verifyWebhookSignature(
        SECRET,
        String(req.headers["x-clearance-timestamp"]),
        raw,
        req.headers["x-clearance-signature"] as string,
        Math.floor(Date.now() / 1000),
      );
      if (!ok) return res.writeHead(401).end("bad signature");
      received.push((JSON.parse(raw) as { action: string }).action);
      if (answer === 200) return res.writeHead(200, { "content-type": "application/json" }).end("{}");
      res
        .writeHead(answer, { "content-type": "text/plain" })
        .end(answer === 400 ? "group finance-reports is locked by policy" : "backend unavailable");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const priya = await as(t.db, "priya.raman@company.com", clock);
  await configureSystemAdapter({
    ctx: priya,
    input: {
      systemKey: "google",
      adapterKind: "webhook",
      adapterConfig: { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/clearance`, secret: SECRET },
    },
  });
});
afterAll(async () => {
  await closeAdapters();
  await new Promise((r) => server.close(r));
  await t.close();
});
beforeEach(async () => {
  await clearRequests(t.db);
  answer = 200;
});

async function onGrantFailure(mode: "ignore" | "retry" | "block", maxAttempts = 3) {
  await t.db.execute(
    sql`update ${requestTemplates} set definition = jsonb_set(definition, '{onGrantFailure}', ${JSON.stringify({ mode, maxAttempts })}::jsonb) where key = 'finance-reports'`,
  );
}

async function approvedSarah() {
  const sarah = await as(t.db, "sarah.chen@company.com", clock);
  const cfo = await as(t.db, "cfo@company.com", clock);
  const r = await submit(sarah, financeReportsAsk);
  return { r, approve: () => decideRequest({ ctx: cfo, input: { requestId: r.id, decision: "approve" } }) };
}
const exceptionOf = async (requestId: string) =>
  (await t.db.select().from(accessExceptions).where(eq(accessExceptions.requestId, requestId)))[0];

describe("grant failure modes (seed 003's trigger tasks)", () => {
  it("block: a failed grant undoes the approval, logs the call, and the approval succeeds once the system does", async () => {
    await onGrantFailure("block");
    const { r, approve } = await approvedSarah();
    answer = 400;
    await expect(approve()).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringMatching(
        /^Could not grant google:group:finance-reports@company.com: .*locked by policy.*The approval did not complete/,
      ),
    });
    expect((await t.db.select().from(accessRequests).where(eq(accessRequests.id, r.id)))[0]!.status).toBe("pending");
    expect(await exceptionOf(r.id)).toBeUndefined();
    expect((await t.db.select().from(adapterCalls).where(eq(adapterCalls.outcome, "error"))).at(-1)!.detail).toMatch(
      /locked by policy/,
    );

    answer = 200;
    await approve();
    expect(await exceptionOf(r.id)).toMatchObject({ status: "active", deliveredAt: clock() });
  });

  it("retry: backs off 5 s, 10 s, ..., gives up after the maximum as grant_failed; IT's retry delivers it", async () => {
    await onGrantFailure("retry", 3);
    const { r, approve } = await approvedSarah();
    answer = 500;
    await approve();
    const run = () => runDueOperations({ ctx: jobs() });
    expect(await run()).toBe(1);
    expect(await run()).toBe(0); // not due before its back-off
    clock.advance(5 / 60);
    expect(await run()).toBe(1);
    clock.advance(9 / 60);
    expect(await run()).toBe(0);
    clock.advance(1 / 60);
    expect(await run()).toBe(1);
    const [op] = await t.db
      .select()
      .from(provisioningOperations)
      .where(eq(provisioningOperations.exceptionId, (await exceptionOf(r.id))!.id));
    expect(op).toMatchObject({ status: "failed", attempts: 3, lastError: expect.stringMatching(/500/) });
    expect(await exceptionOf(r.id)).toMatchObject({ status: "grant_failed", deliveredAt: null });

    answer = 200;
    await retryOperation({ ctx: await as(t.db, "priya.raman@company.com", clock), input: { operationId: op!.id } });
    expect(await run()).toBe(1);
    expect(await exceptionOf(r.id)).toMatchObject({ status: "active" });
  });

  it("ignore: one attempt; the exception stands without a confirmed delivery", async () => {
    await onGrantFailure("ignore");
    const { r, approve } = await approvedSarah();
    answer = 500;
    await approve();
    expect(await runDueOperations({ ctx: jobs() })).toBe(1);
    clock.advance(60);
    expect(await runDueOperations({ ctx: jobs() })).toBe(0);
    expect(await exceptionOf(r.id)).toMatchObject({ status: "active", deliveredAt: null });
  });
});

describe("revocation that keeps failing", () => {
  it("is retried with backoff and then shown as revoke failed, never as removed, until it works", async () => {
    await onGrantFailure("retry", 3);
    const { r, approve } = await approvedSarah();
    await approve();
    await runDueOperations({ ctx: jobs() });
    const e = (await exceptionOf(r.id))!;
    expect(e.status).toBe("active");

    answer = 500;
    const priya = await as(t.db, "priya.raman@company.com", clock);
    await revokeException({ ctx: priya, input: { exceptionId: e.id, reason: "Project cancelled" } });
    for (let i = 0; i < 8; i++) {
      expect(await runDueOperations({ ctx: jobs() })).toBe(1);
      expect((await exceptionOf(r.id))!.status).toBe(i < 7 ? "removing" : "revoke_failed");
      clock.advance(16);
    }
    const failed = await listExceptions({ ctx: priya, input: { limit: 25, status: "revoke_failed" } });
    expect(failed.rows.map((x) => x.id)).toEqual([e.id]);
    expect(failed.counts.revokeFailed).toBe(1);

    answer = 200;
    const [revoke] = await t.db
      .select()
      .from(provisioningOperations)
      .where(and(eq(provisioningOperations.exceptionId, e.id), eq(provisioningOperations.action, "revoke")));
    await retryOperation({ ctx: priya, input: { operationId: revoke!.id } });
    await runDueOperations({ ctx: jobs() });
    expect(await exceptionOf(r.id)).toMatchObject({
      status: "removed",
      endReason: "revoked",
      endNote: "Project cancelled",
    });
    expect(received.filter((a) => a === "revoke")).toHaveLength(9);
  });
});
