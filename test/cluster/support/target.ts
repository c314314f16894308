import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "@/server/adapters/webhook";

/** One grant or revoke as the target received it. */
export interface RecordedCall {
  action: "grant" | "revoke";
  username: string;
  resource: string;
  /** the Idempotency-Key header: the provisioning operation's id */
  idempotencyKey: string;
  /** operationId in the body (the contract sends both) */
  operationId: string;
  /** true once the target answered (false: not yet, or the caller went away first) */
  answered: boolean;
  /** the caller's TCP port, to tell which process made the call */
  remotePort: number;
}

/**
 * A SaaS admin API behind the webhook contract (server/adapters/webhook.ts) for tests with real
 * instances: it checks the signature, records every grant and revoke with its idempotency key,
 * and answers after `delayMs`, so calls from two instances overlap in time as they would against
 * a slow vendor. Health and list calls are answered and not recorded.
 */
export async function startRecordingTarget({ secret, delayMs }: { secret: string; delayMs: number }) {
  const calls: RecordedCall[] = [];
  /** While paused: the answers held back. */
  let held: (() => void)[] | null = null;
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      const timestamp = String(req.headers["x-clearance-timestamp"] ?? "");
      const signature = req.headers["x-clearance-signature"] as string | undefined;
      if (!verifyWebhookSignature(secret, timestamp, raw, signature, Math.floor(Date.now() / 1000)))
        return void res.writeHead(401).end("bad signature");
      const body = JSON.parse(raw) as { action: string; username?: string; resource?: string; operationId?: string };
      if (body.action === "health") return void res.writeHead(200, { "content-type": "application/json" }).end("{}");
      if (body.action === "list")
        return void res.writeHead(200, { "content-type": "application/json" }).end('{"access":[]}');
      const call: RecordedCall = {
        action: body.action as RecordedCall["action"],
        username: body.username ?? "",
        resource: body.resource ?? "",
        idempotencyKey: String(req.headers["idempotency-key"] ?? ""),
        operationId: body.operationId ?? "",
        answered: false,
        remotePort: req.socket.remotePort ?? 0,
      };
      calls.push(call);
      const answer = () =>
        setTimeout(() => {
          if (res.destroyed) return;
          call.answered = true;
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
        }, delayMs);
      if (held) held.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/clearance`,
    calls,
    /** Holds every grant and revoke open (unanswered) from now until resume(). */
    pause() {
      held ??= [];
    },
    resume() {
      const waiting = held ?? [];
      held = null;
      for (const answer of waiting) answer();
    },
    /** Calls not answered yet. */
    open: () => calls.filter((c) => !c.answered),
    /** Calls grouped by idempotency key. */
    byKey() {
      const keys = new Map<string, RecordedCall[]>();
      for (const c of calls) keys.set(c.idempotencyKey, [...(keys.get(c.idempotencyKey) ?? []), c]);
      return keys;
    },
    async close() {
      held = null;
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type RecordingTarget = Awaited<ReturnType<typeof startRecordingTarget>>;
