import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyWebhookSignature } from "@/server/adapters/webhook";

/** One call as the target received it, in arrival order. */
export interface TargetCall {
  /** arrival order at the target, from 1 */
  n: number;
  action: string;
  username: string;
  resource: string;
  operationId: string;
  /** the test's clock when the call arrived */
  at: Date;
  /** what the target answered */
  status: number;
}

type Answer = number;

/**
 * A real HTTP target speaking the webhook contract (signature checked), as a SaaS admin API
 * would: it keeps memberships, records every call with its arrival order and the test's clock,
 * answers 503 to grants while `failGrantsUntil` is ahead of that clock, and can hold the next
 * call of an action open until the test releases it (a call in flight).
 */
export async function startFlakyTarget({ secret, clock }: { secret: string; clock: () => Date }) {
  const calls: TargetCall[] = [];
  const members = new Set<string>();
  /** Calls that arrived while another call for the same person and resource was still open. */
  const overlaps: TargetCall[] = [];
  const open = new Map<string, number>();
  let failGrantsUntil: Date | null = null;
  const holds = new Map<string, { arrived: boolean; release: (status: Answer) => void; answer: Promise<Answer> }>();

  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      void (async () => {
        const timestamp = String(req.headers["x-clearance-timestamp"] ?? "");
        if (
          !verifyWebhookSignature(
            secret,
            timestamp,
            raw,
            req.headers["x-clearance-signature"] as string | undefined,
            Math.floor(Date.now() / 1000),
          )
        ) {
          return res.writeHead(401).end("bad signature");
        }
        const body = JSON.parse(raw) as { action: string; username?: string; resource?: string; operationId?: string };
        if (body.action === "health")
          return res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
        if (body.action === "list") {
          const access = [...members].map((m) => ({
            username: m.split("|")[0],
            resource: m.split("|")[1],
            level: null,
          }));
          return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ access }));
        }
        const call: TargetCall = {
          n: calls.length + 1,
          action: body.action,
          username: body.username ?? "",
          resource: body.resource ?? "",
          operationId: body.operationId ?? "",
          at: clock(),
          status: 0,
        };
        calls.push(call);
        const key = `${call.username}|${call.resource}`;
        if (open.get(key)) overlaps.push(call);
        open.set(key, (open.get(key) ?? 0) + 1);
        res.on("finish", () => open.set(key, open.get(key)! - 1));
        let status: Answer = body.action === "grant" && failGrantsUntil && clock() < failGrantsUntil ? 503 : 200;
        const hold = holds.get(body.action);
        if (hold && !hold.arrived) {
          hold.arrived = true;
          status = await hold.answer;
        }
        call.status = status;
        if (status === 200) {
          if (body.action === "grant") members.add(key);
          if (body.action === "revoke") members.delete(key);
          return res.writeHead(200, { "content-type": "application/json" }).end("{}");
        }
        res.writeHead(status, { "content-type": "text/plain" }).end(status === 503 ? "service unavailable" : "refused");
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/clearance`,
    calls,
    members,
    overlaps,
    /** Grants answer 503 until the test's clock reaches `at` (null: never). */
    failGrantsUntil(at: Date | null) {
      failGrantsUntil = at;
    },
    /**
     * Holds the next call of `action` open. `arrived()` polls until it is at the target;
     * `release(status)` lets it answer (200 applies it).
     */
    holdNext(action: "grant" | "revoke") {
      let release!: (status: Answer) => void;
      const answer = new Promise<Answer>((resolve) => (release = resolve));
      const hold = { arrived: false, release, answer };
      holds.set(action, hold);
      return {
        arrived: () => waitFor(() => hold.arrived, `a ${action} call to arrive at the target`),
        release: (status: Answer) => {
          holds.delete(action);
          hold.release(status);
        },
      };
    },
    has: (username: string, resource: string) => members.has(`${username}|${resource}`),
    async close() {
      for (const hold of holds.values()) hold.release(503);
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type FlakyTarget = Awaited<ReturnType<typeof startFlakyTarget>>;

/** Polls until `condition` holds, with a generous deadline (busy CI machines are slow). */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, deadlineMs = 15_000) {
  const until = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
