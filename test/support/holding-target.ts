import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One change call as the target received it. */
export interface HeldCall {
  system: string;
  action: string;
  operationId: string;
  idempotencyKey: string;
  answered: boolean;
}

/**
 * A webhook target that holds every grant and revoke: while its gate is closed each call waits
 * until it opens; once open, each call is answered 200 after `delayMs` (a slow admin API). It
 * counts calls in flight per system (the x-clearance-system header) and the most there ever were.
 */
export async function startHoldingTarget({ delayMs = 0, open = false }: { delayMs?: number; open?: boolean } = {}) {
  const calls: HeldCall[] = [];
  const inFlight = new Map<string, number>();
  const maxInFlight = new Map<string, number>();
  let answered = 0;
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  const closeGate = () => {
    let openIt!: () => void;
    gate = { promise: new Promise<void>((r) => (openIt = r)), open: () => openIt() };
  };
  if (!open) closeGate();

  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk: Buffer) => (raw += chunk.toString()));
    req.on("end", () => {
      void (async () => {
        const body = JSON.parse(raw) as { action: string; operationId?: string };
        if (body.action !== "grant" && body.action !== "revoke")
          return res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true,"access":[]}');
        const system = String(req.headers["x-clearance-system"] ?? "");
        const call: HeldCall = {
          system,
          action: body.action,
          operationId: body.operationId ?? "",
          idempotencyKey: String(req.headers["idempotency-key"] ?? ""),
          answered: false,
        };
        calls.push(call);
        const now = (inFlight.get(system) ?? 0) + 1;
        inFlight.set(system, now);
        maxInFlight.set(system, Math.max(maxInFlight.get(system) ?? 0, now));
        while (gate) await gate.promise;
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
        inFlight.set(system, inFlight.get(system)! - 1);
        call.answered = true;
        answered++;
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/clearance`,
    calls,
    inFlight: (system: string) => inFlight.get(system) ?? 0,
    maxInFlight: (system: string) => maxInFlight.get(system) ?? 0,
    answered: () => answered,
    /** Lets every held call (and every later one) be answered. */
    open() {
      const g = gate;
      gate = null;
      g?.open();
    },
    async close() {
      this.open();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type HoldingTarget = Awaited<ReturnType<typeof startHoldingTarget>>;
