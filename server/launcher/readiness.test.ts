import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "@/server/db/embedded";
import { isListening, waitUntilServing } from "./readiness";

/** A server whose first answers wait until the test releases them, like `next dev` compiling a page. */
function slowServer() {
  const held: ServerResponse[] = [];
  const requested: (() => void)[] = [];
  const server = createServer((_req, res) => {
    held.push(res);
    requested.splice(0).forEach((r) => r());
  });
  return {
    server,
    listen: (port = 0) =>
      new Promise<number>((resolve) =>
        server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)),
      ),
    /** Resolves once a request is being held. */
    requestArrived: () => (held.length ? Promise.resolve() : new Promise<void>((r) => requested.push(r))),
    /** Answers the requests held so far; later ones are held again. */
    answer(code: number) {
      held.splice(0).forEach((res) => res.writeHead(code).end());
    },
  };
}

const servers: ReturnType<typeof slowServer>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.server.close(r));
});

describe("waiting for the first page", () => {
  it("says the server listens, then resolves only once the page has answered", async () => {
    const app = slowServer();
    servers.push(app);
    const port = await app.listen();
    const events: string[] = [];
    const ready = waitUntilServing({
      port,
      path: "/signin",
      alive: () => true,
      onListening: () => events.push("listening"),
    }).then((ok) => events.push(`ready:${ok}`));

    await app.requestArrived();
    expect(events).toEqual(["listening"]);
    app.answer(200);
    await ready;
    expect(events).toEqual(["listening", "ready:true"]);
  });

  it("keeps asking while nothing listens yet, and while the page fails with 500", async () => {
    const port = await freePort(0);
    expect(await isListening(port)).toBe(false);
    const events: string[] = [];
    const ready = waitUntilServing({
      port,
      path: "/signin",
      alive: () => true,
      onListening: () => events.push("listening"),
    }).then((ok) => events.push(`ready:${ok}`));

    const app = slowServer();
    servers.push(app);
    await app.listen(port);
    await app.requestArrived();
    app.answer(500); // an error is no answer: it asks again
    await app.requestArrived();
    expect(events).toEqual(["listening"]);
    app.answer(307); // a redirect is an answer
    await ready;
    expect(events).toEqual(["listening", "ready:true"]);
  });

  it("gives up when the server process has exited", async () => {
    const port = await freePort(0);
    let alive = true;
    const ready = waitUntilServing({ port, path: "/signin", alive: () => alive });
    alive = false;
    expect(await ready).toBe(false);
  });

  it("reports the time waited while the first answer is awaited", async () => {
    const app = slowServer();
    servers.push(app);
    const port = await app.listen();
    const waited: number[] = [];
    let reported!: () => void;
    const twice = new Promise<void>((r) => (reported = r));
    const ready = waitUntilServing({
      port,
      path: "/signin",
      alive: () => true,
      progressEveryMs: 5,
      onStillWaiting: (ms) => {
        waited.push(ms);
        if (waited.length === 2) reported();
      },
    });
    await twice;
    app.answer(200);
    expect(await ready).toBe(true);
    expect(waited[1]!).toBeGreaterThanOrEqual(waited[0]!);
  });
});
