import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { TRPCContext } from "@/server/api/trpc";
import { replaceLogger } from "@/server/log";
import { actorFor, fixedClock } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { processMetrics } from "./metrics-registry";
import { observed } from "./observe";

let t: TestDatabase;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  t = await createTestDatabase();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  replaceLogger(pino({ level: "info" }, sink));
});
afterAll(() => t.close());

const callsOf = async (procedure: string, status: string) =>
  (await processMetrics().callDuration.get()).values.find(
    (v) =>
      v.metricName === "clearance_call_duration_seconds_count" &&
      v.labels.procedure === procedure &&
      v.labels.status === status,
  )?.value ?? 0;

describe("one log line and one observed duration per call", () => {
  it("a tRPC call: its procedure, status, request id and the actor's id, never an email or a name", async () => {
    const actor = await actorFor(t.db, "sarah.chen@company.com");
    const ctx: TRPCContext = {
      db: t.db,
      clock: fixedClock(),
      actor,
      request: { ip: "192.0.2.7", userAgent: null },
      requestId: "req-1",
    };
    const before = await callsOf("inbox.count", "ok");
    await createCaller(ctx).inbox.count();
    await expect(createCaller(ctx).identities.list({})).rejects.toThrow();

    const mine = lines.filter((l) => l.requestId === "req-1");
    expect(mine).toMatchObject([
      { level: 30, msg: "call", procedure: "inbox.count", status: "ok", actorId: actor.identityId },
      { level: 30, msg: "call", procedure: "identities.list", status: "FORBIDDEN", actorId: actor.identityId },
    ]);
    expect(typeof mine[0]!.durationMs).toBe("number");
    const text = JSON.stringify(mine);
    for (const personal of [actor.email, actor.displayName, "192.0.2.7"]) expect(text).not.toContain(personal);
    expect(await callsOf("inbox.count", "ok")).toBe(before + 1);
    expect(await callsOf("identities.list", "FORBIDDEN")).toBeGreaterThanOrEqual(1);
  });

  it("an HTTP endpoint: its name and HTTP status; a handler that throws is logged at error level as 500", async () => {
    const ok = observed("test.ok", async () => new Response(null, { status: 204 }));
    const broken = observed("test.broken", async () => {
      throw new Error("boom");
    });
    const request = new Request("http://localhost/x", { headers: { "x-request-id": "edge-42" } });
    expect((await ok(request)).status).toBe(204);
    await expect(broken(new Request("http://localhost/x"))).rejects.toThrow("boom");
    expect(lines.find((l) => l.procedure === "test.ok")).toMatchObject({
      level: 30,
      status: "204",
      requestId: "edge-42",
    });
    expect(lines.find((l) => l.procedure === "test.broken")).toMatchObject({ level: 50, status: "500" });
    // A request id that is not a plain token is not believed: a new one is made.
    await ok(new Request("http://localhost/x", { headers: { "x-request-id": "a b\u0007c" } }));
    expect(lines.filter((l) => l.procedure === "test.ok").at(-1)!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });
});
