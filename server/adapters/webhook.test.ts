import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AdapterError, type AccessTarget } from "./types";
import { signWebhookBody, verifyWebhookSignature, webhookAdapter } from "./webhook";

const SECRET = "whsec_test_4f1c2a";

interface Call {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * A SaaS-like receiver: checks the signature, keeps memberships, drops repeated idempotency keys,
 * and misbehaves on purpose for a few resource names.
 */
function startReceiver() {
  const calls: Call[] = [];
  const memberships = new Map<string, { username: string; resource: string; level: string | null }>();
  const seenKeys = new Map<string, { status: number; text: string }>();

  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const answer = (status: number, payload?: unknown) => {
        const text = payload === undefined ? "" : typeof payload === "string" ? payload : JSON.stringify(payload);
        res
          .writeHead(status, { "content-type": typeof payload === "string" ? "text/plain" : "application/json" })
          .end(text);
        return { status, text };
      };
      const timestamp = String(req.headers["x-clearance-timestamp"] ?? "");
      if (
        !verifyWebhookSignature(
          SECRET,
          timestamp,
          raw,
          req.headers["x-clearance-signature"] as string | undefined,
          Math.floor(Date.now() / 1000),
        )
      ) {
        return answer(401, { error: "bad signature" });
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      calls.push({ headers: req.headers, body });
      const key = req.headers["idempotency-key"] as string | undefined;
      const repeat = key ? seenKeys.get(key) : undefined;
      if (repeat) return answer(repeat.status, repeat.text ? JSON.parse(repeat.text) : undefined);

      const resource = String(body.resource ?? "");
      const remember = (result: { status: number; text: string }) =>
        key && result.status < 500 && seenKeys.set(key, result);
      switch (body.action) {
        case "health":
          return answer(200, { ok: true, detail: "receiver up" });
        case "list":
          return answer(200, { access: [...memberships.values()] });
        case "grant":
        case "revoke": {
          if (resource.endsWith(":needs-approval"))
            return remember(answer(202, { status: "waiting", detail: "Waiting for the workspace owner" }));
          if (resource.endsWith(":broken")) return answer(500, "upstream exploded");
          if (resource.endsWith(":unknown"))
            return remember(answer(400, { error: "channel_not_found", detail: "x".repeat(2_000) }));
          if (resource.endsWith(":slow")) return void setTimeout(() => answer(200, {}), 1_000);
          const id = `${body.username}|${resource}`;
          if (body.action === "grant")
            memberships.set(id, {
              username: String(body.username),
              resource,
              level: (body.level as string | null) ?? null,
            });
          else memberships.delete(id);
          return remember(answer(200, { ok: true }));
        }
        default:
          return answer(400, { error: "unknown action" });
      }
    });
  });
  return { server, calls, memberships };
}

let receiver: ReturnType<typeof startReceiver>;
let url: string;

beforeAll(async () => {
  receiver = startReceiver();
  await new Promise<void>((resolve) => receiver.server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/clearance`;
});

afterAll(async () => {
  receiver.server.closeAllConnections();
  await new Promise((resolve) => receiver.server.close(resolve));
});

beforeEach(() => {
  receiver.calls.length = 0;
});

function target(resourceName: string, operationId = `op-${resourceName}`): AccessTarget {
  return {
    email: "sarah.chen@company.com",
    username: "sarah.chen",
    resource: `slack:channel:${resourceName}`,
    type: "channel",
    name: resourceName,
    level: "member",
    restrictions: { mfaRequired: true },
    operationId,
  };
}

async function failure(promise: Promise<unknown>): Promise<AdapterError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AdapterError);
  return error as AdapterError;
}

const adapter = () => webhookAdapter({ url, secret: SECRET }, { systemKey: "slack" });

describe("webhook adapter against an HTTP receiver", () => {
  it("grants with a signed body, the operation as idempotency key, and lists the result", async () => {
    expect(await adapter().grant(target("finance", "op-1"))).toMatchObject({ status: "done" });

    const [call] = receiver.calls;
    expect(call?.body).toEqual({
      action: "grant",
      version: 2,
      operationId: "op-1",
      email: "sarah.chen@company.com",
      username: "sarah.chen",
      resource: "slack:channel:finance",
      level: "member",
      expiresAt: null,
      restrictions: { ipAllowList: null, mfaRequired: true, sessionMinutes: null, maxSessions: null },
    });
    expect(call?.headers["content-type"]).toBe("application/json");
    expect(call?.headers["idempotency-key"]).toBe("op-1");
    expect(call?.headers["x-clearance-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(Math.abs(Number(call?.headers["x-clearance-timestamp"]) - Date.now() / 1000)).toBeLessThan(5);

    expect(await adapter().listActual()).toEqual([
      { username: "sarah.chen", resource: "slack:channel:finance", level: "member" },
    ]);
    expect(receiver.calls.at(-1)?.body).toEqual({ action: "list", version: 2 });
  });

  it("contract v2: sends the exception's expiry and every vendor restriction, null where none applies", async () => {
    const vendor: AccessTarget = {
      ...target("audit", "op-vendor"),
      expiresAt: new Date("2026-12-15T00:00:00Z"),
      restrictions: {
        ipAllowList: ["203.0.113.0/24", "2001:db8::/48"],
        mfaRequired: true,
        sessionMinutes: 480,
        maxSessions: 2,
      },
    };
    await adapter().grant(vendor);
    expect(receiver.calls[0]?.body).toMatchObject({
      version: 2,
      expiresAt: "2026-12-15T00:00:00.000Z",
      restrictions: {
        ipAllowList: ["203.0.113.0/24", "2001:db8::/48"],
        mfaRequired: true,
        sessionMinutes: 480,
        maxSessions: 2,
      },
    });
    await adapter().revoke({ ...target("audit", "op-plain"), restrictions: {} });
    expect(receiver.calls[1]?.body).toMatchObject({
      action: "revoke",
      expiresAt: null,
      restrictions: { ipAllowList: null, mfaRequired: false, sessionMinutes: null, maxSessions: null },
    });
  });

  it("repeats are safe: the same operation twice, and revoking twice", async () => {
    expect(await adapter().grant(target("finance", "op-1"))).toMatchObject({ status: "done" });
    expect(await adapter().revoke(target("finance", "op-2"))).toMatchObject({ status: "done" });
    expect(await adapter().revoke(target("finance", "op-2"))).toMatchObject({ status: "done" });
    expect(receiver.calls.map((c) => c.headers["idempotency-key"])).toEqual(["op-1", "op-2", "op-2"]);
    expect(await adapter().listActual()).toEqual([]);
  });

  it("passes a 202 waiting answer on", async () => {
    expect(await adapter().grant(target("needs-approval"))).toEqual({
      status: "waiting",
      detail: "Waiting for the workspace owner",
    });
  });

  it("treats a 500 as retryable", async () => {
    const error = await failure(adapter().grant(target("broken")));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("HTTP 500: upstream exploded");
  });

  it("treats a 400 as final, quoting the answer (truncated)", async () => {
    const error = await failure(adapter().revoke(target("unknown")));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("HTTP 400");
    expect(error.message).toContain("channel_not_found");
    expect(error.message.length).toBeLessThan(800);
  });

  it("treats a timeout as retryable", async () => {
    const impatient = webhookAdapter({ url, secret: SECRET, timeoutMs: 100 }, { systemKey: "slack" });
    const error = await failure(impatient.grant(target("slow")));
    expect(error).toMatchObject({ retryable: true, message: expect.stringContaining("no answer within 100 ms") });
  });

  it("treats a refused connection as retryable", async () => {
    const nowhere = webhookAdapter({ url: "http://127.0.0.1:1/clearance", secret: SECRET }, { systemKey: "slack" });
    expect(await failure(nowhere.grant(target("finance")))).toMatchObject({ retryable: true });
    expect(await nowhere.health()).toMatchObject({ ok: false });
  });

  it("is refused by the receiver when signed with the wrong secret", async () => {
    const impostor = webhookAdapter({ url, secret: "not-the-secret" }, { systemKey: "slack" });
    expect(await failure(impostor.grant(target("finance")))).toMatchObject({
      retryable: false,
      message: expect.stringContaining("HTTP 401"),
    });
    expect(receiver.calls).toEqual([]);
  });

  it("reads the secret from the named environment variable", async () => {
    process.env.CLEARANCE_TEST_WEBHOOK_SECRET = SECRET;
    const fromEnv = webhookAdapter({ url, secretEnv: "CLEARANCE_TEST_WEBHOOK_SECRET" }, { systemKey: "slack" });
    expect(await fromEnv.grant(target("finance", "op-env"))).toMatchObject({ status: "done" });
    delete process.env.CLEARANCE_TEST_WEBHOOK_SECRET;
    expect(await failure(fromEnv.grant(target("finance")))).toMatchObject({
      retryable: false,
      message: expect.stringContaining("CLEARANCE_TEST_WEBHOOK_SECRET"),
    });
  });

  it("reports health", async () => {
    expect(await adapter().health()).toEqual({ ok: true, detail: "receiver up" });
    expect(receiver.calls.at(-1)?.body).toEqual({ action: "health", version: 2 });
  });
});

describe("verifyWebhookSignature", () => {
  const body = JSON.stringify({ action: "grant", resource: "slack:channel:finance" });
  const now = 1_900_000_000;
  const signature = signWebhookBody(SECRET, now, body);

  it("accepts the signature it made", () => {
    expect(verifyWebhookSignature(SECRET, String(now), body, signature, now)).toBe(true);
  });

  it("rejects a tampered body, signature, timestamp or secret", () => {
    expect(verifyWebhookSignature(SECRET, now, body.replace("finance", "payroll"), signature, now)).toBe(false);
    expect(
      verifyWebhookSignature(
        SECRET,
        now,
        body,
        signature.replace(/.$/, (c) => (c === "0" ? "1" : "0")),
        now,
      ),
    ).toBe(false);
    expect(verifyWebhookSignature(SECRET, now + 1, body, signature, now)).toBe(false);
    expect(verifyWebhookSignature("other", now, body, signature, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, body, undefined, now)).toBe(false);
  });

  it("rejects a replay outside the tolerance", () => {
    expect(verifyWebhookSignature(SECRET, now, body, signature, now + 300)).toBe(true);
    expect(verifyWebhookSignature(SECRET, now, body, signature, now + 301)).toBe(false);
    expect(verifyWebhookSignature(SECRET, now, body, signature, now + 60, 30)).toBe(false);
  });
});
