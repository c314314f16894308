import { mkdtempSync, readdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhookSignature } from "@/server/adapters/webhook";
import { checkpointName } from "@/server/core/audit/checkpoint";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { writeAuditCheckpoint } from "./checkpoints";
import { checkpointSettings } from "./settings";
import { directoryCheckpointStore, webhookCheckpointStore } from "./stores";

describe("the checkpoint directory", () => {
  it("names checkpoints so the newest lists first, writes them read-only, and never replaces one", async () => {
    const directory = path.join(mkdtempSync(path.join(tmpdir(), "clearance-dir-")), "checkpoints");
    const store = directoryCheckpointStore(directory);
    expect(await store.latest!()).toBeNull();
    const older = checkpointName({ at: "2026-11-22T12:00:00.000Z", count: 9 });
    const newer = checkpointName({ at: "2026-11-22T13:00:00.000Z", count: 10 });
    expect(newer < older).toBe(true);
    expect(await store.write(older, "older", new Date())).toBe("written");
    expect(await store.write(newer, "newer", new Date())).toBe("written");
    expect(await store.write(newer, "replaced", new Date())).toBe("exists");
    expect(await store.latest!()).toEqual({ name: newer, text: "newer" });
    expect(readdirSync(directory).sort()).toEqual([newer, older]);
    expect(statSync(path.join(directory, newer)).mode & 0o222).toBe(0);
  });
});

describe("the checkpoint webhook", () => {
  let t: TestDatabase;
  const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  let status = 204;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(status).end();
    });
  });
  let url = "";
  beforeAll(async () => {
    t = await createTestDatabase();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/audit-checkpoints`;
  });
  afterAll(async () => {
    server.close();
    await t.close();
  });

  it("receives each checkpoint signed as the webhook adapter signs, and a failure is reported, not hidden", async () => {
    const settings = checkpointSettings({
      CLEARANCE_AUDIT_WEBHOOK_URL: url,
      CLEARANCE_AUDIT_WEBHOOK_SECRET: "shared-secret",
    });
    expect(settings.webhook).toEqual({ url, secret: "shared-secret" });
    const store = webhookCheckpointStore(settings.webhook!);
    const result = await writeAuditCheckpoint({ ctx: { db: t.db, clock: () => new Date() }, stores: [store] });
    expect(result).toMatchObject({
      ok: true,
      written: [{ location: `webhook ${new URL(url).origin}`, outcome: "written" }],
    });
    const [call] = received;
    expect(call!.headers["x-clearance-event"]).toBe("audit.checkpoint");
    expect(
      verifyWebhookSignature(
        "shared-secret",
        String(call!.headers["x-clearance-timestamp"]),
        call!.body,
        String(call!.headers["x-clearance-signature"]),
        Date.now() / 1000,
      ),
    ).toBe(true);
    expect(JSON.parse(call!.body)).toEqual(result.ok && result.checkpoint);

    status = 503;
    expect(await writeAuditCheckpoint({ ctx: { db: t.db, clock: () => new Date() }, stores: [store] })).toMatchObject({
      ok: true,
      written: [],
      failed: [{ problem: "HTTP 503" }],
    });
  });

  it("needs its secret", () => {
    expect(() => checkpointSettings({ CLEARANCE_AUDIT_WEBHOOK_URL: url })).toThrow(
      /^CLEARANCE_AUDIT_WEBHOOK_SECRET is not set/,
    );
  });
});
