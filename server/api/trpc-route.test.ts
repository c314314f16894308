import { createTRPCClient } from "@trpc/client";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { browserLink } from "@/components/providers/trpc-link";
import { PEER_ADDRESS_HEADER } from "@/server/http/peer-address";
import { actorFor, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { movableClock } from "@/test/support/requests";
import type { AppRouter } from "./root";
import { handleTrpcRequest } from "./trpc-route";
import type { TRPCContext } from "./trpc";

const ORIGIN = "http://clearance.test";
let t: TestDatabase;
const clock = movableClock("2026-06-01T08:00:05Z");
let contexts = 0;

/** The tRPC context of a real request, for `email` (or signed out), on the test database. */
async function contextFor(email: string | null, ip = "192.0.2.10"): Promise<TRPCContext> {
  contexts++;
  return { db: t.db, clock, actor: email ? await actorFor(t.db, email) : null, request: { ip, userAgent: "vitest" } };
}

interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tRPC's JSON, picked apart by each test
  body: any;
}

/** A call through the route as the browser makes it: POST (methodOverride), JSON, same origin unless told otherwise. */
async function call(
  path: string,
  opts: {
    email?: string | null;
    body?: string;
    headers?: Record<string, string>;
    method?: string;
    ip?: string;
    dropOrigin?: boolean;
  } = {},
): Promise<Reply> {
  const method = opts.method ?? "POST";
  const headers: Record<string, string> = {
    host: "clearance.test",
    "content-type": "application/json",
    origin: ORIGIN,
    "sec-fetch-site": "same-origin",
    ...opts.headers,
  };
  if (opts.dropOrigin) delete headers.origin;
  const request = new Request(`${ORIGIN}/api/trpc/${path}`, {
    method,
    headers,
    body: method === "GET" ? undefined : (opts.body ?? "{}"),
  });
  const email = opts.email === undefined ? personaEmails.employee : opts.email;
  const response = await handleTrpcRequest(request, { createContext: () => contextFor(email, opts.ip) });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

const firstError = (reply: Reply) => (Array.isArray(reply.body) ? reply.body[0] : reply.body).error.json;
const batchOf = (n: number, path = "me.profile") => `${Array.from({ length: n }, () => path).join(",")}?batch=1`;

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());
afterEach(() => {
  vi.unstubAllEnvs();
});

describe("the tRPC route: batches", () => {
  it("runs a batch of 20 calls and refuses 21 (or 1,000) with a 400 naming the batch, before any procedure or session lookup", async () => {
    const twenty = await call(batchOf(20));
    expect(twenty.status).toBe(200);
    expect(twenty.body).toHaveLength(20);

    for (const size of [21, 1000]) {
      contexts = 0;
      const refused = await call(batchOf(size));
      expect(refused.status).toBe(400);
      expect(firstError(refused)).toMatchObject({
        message: "A request may batch at most 20 calls",
        data: { code: "BAD_REQUEST", field: "batch" },
      });
      expect(contexts).toBe(0);
    }
  });

  it("the browser's link splits 45 concurrent calls into batches the server accepts", async () => {
    const sizes: number[] = [];
    const client = createTRPCClient<AppRouter>({
      links: [
        browserLink({
          url: `${ORIGIN}/api/trpc`,
          fetch: async (input, init) => {
            const request = new Request(input as string, {
              ...init,
              headers: { ...(init?.headers as Record<string, string>), host: "clearance.test", origin: ORIGIN },
            });
            sizes.push(new URL(request.url).pathname.split(",").length);
            return handleTrpcRequest(request, { createContext: () => contextFor(personaEmails.employee) });
          },
        }),
      ],
    });
    const profiles = await Promise.all(Array.from({ length: 45 }, () => client.me.profile.query()));
    expect(profiles.every((p) => p.email === personaEmails.employee)).toBe(true);
    expect(sizes.sort((a, b) => b - a)).toEqual([20, 20, 5]);
  });
});

describe("the tRPC route: requests from other sites", () => {
  it("refuses a POST whose Origin is another site, or that a browser says came from another site", async () => {
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example" },
      { origin: "null" },
      { origin: "http://clearance.test.evil.example" },
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
    ]) {
      const reply = await call("me.profile", { headers, dropOrigin: !headers.origin });
      expect(reply.status, JSON.stringify(headers)).toBe(403);
      expect(firstError(reply)).toMatchObject({
        message: expect.stringMatching(/^Refused: this request came from another site/),
        data: { code: "FORBIDDEN", field: "origin" },
      });
    }
  });

  it("accepts the site itself (by Host or its published URL), a same-origin fetch without Origin, and non-browser clients", async () => {
    vi.stubEnv("CLEARANCE_PUBLIC_URL", "https://clearance.bank.example");
    const cases: Record<string, string>[] = [
      { origin: ORIGIN },
      { origin: "https://clearance.bank.example" },
      { "sec-fetch-site": "same-origin" },
      {},
    ];
    for (const headers of cases) {
      const request = new Request(`${ORIGIN}/api/trpc/me.profile`, {
        method: "POST",
        headers: { host: "clearance.test", "content-type": "application/json", ...headers },
        body: "{}",
      });
      const response = await handleTrpcRequest(request, { createContext: () => contextFor(personaEmails.employee) });
      expect(response.status, JSON.stringify(headers)).toBe(200);
    }
  });

  it("a cross-site GET is a read the browser will not hand to the other site, so it is not refused here", async () => {
    expect(
      (
        await call("me.profile", {
          method: "GET",
          headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
        })
      ).status,
    ).toBe(200);
  });
});

describe("the tRPC route: body limits", () => {
  const bigJson = (bytes: number) => JSON.stringify({ json: { search: "x".repeat(bytes) } });

  it("refuses more than 64 KB without a session with a 413 naming the body", async () => {
    const reply = await call("signIn.devCandidates", { email: null, body: bigJson(70 * 1024) });
    expect(reply.status).toBe(413);
    expect(firstError(reply)).toMatchObject({
      message: "The request body is larger than 64 KB",
      data: { code: "PAYLOAD_TOO_LARGE", field: "body" },
    });
  });

  it("refuses a body over its declared Content-Length limit before reading it", async () => {
    const reply = await call("me.profile", { body: "{}", headers: { "content-length": String(2 * 1024 * 1024) } });
    expect(reply.status).toBe(413);
    expect(firstError(reply).data.field).toBe("body");
  });

  it("allows a signed-in person 1 MB, and a call that carries a file 32 MB", async () => {
    const employee = await call("requests.mine", { body: bigJson(1100 * 1024) });
    expect(employee.status).toBe(413);
    // A 3 MB identity CSV for IT's import preview is read (and then judged on its content, not its size).
    const csv = `external_id,email,display_name\n${"a".repeat(3 * 1024 * 1024)}`;
    const admin = await call("identities.previewImport", {
      email: personaEmails.it_admin,
      body: JSON.stringify({ json: { csv } }),
    });
    expect(admin.status).toBe(200);
  });
});

describe("the tRPC route: rate limits", () => {
  it("counts each call of a batch against the person, and answers 429 with Retry-After and the wait in the error's data", async () => {
    vi.stubEnv("CLEARANCE_RATE_LIMIT_CALLS", "5/1m");
    clock.set("2026-06-01T08:10:05Z");
    expect((await call(batchOf(3), { email: personaEmails.approver })).status).toBe(200);
    expect((await call(batchOf(2), { email: personaEmails.approver })).status).toBe(200);
    const refused = await call(batchOf(2), { email: personaEmails.approver });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("55");
    expect(firstError(refused)).toMatchObject({
      message: "Too many requests from your account: try again in 55 seconds",
      data: { code: "TOO_MANY_REQUESTS", retryAfterSeconds: 55 },
    });
    // Someone else is not affected; the person is served again in the next window.
    expect((await call("me.profile", { email: personaEmails.it_admin })).status).toBe(200);
    clock.advance(1);
    expect((await call("me.profile", { email: personaEmails.approver })).status).toBe(200);
  });

  it("limits calls without a session per address", async () => {
    vi.stubEnv("CLEARANCE_RATE_LIMIT_ANONYMOUS_CALLS", "2/1m");
    const anonymous = (ip: string) =>
      call("signIn.devCandidates", { email: null, ip, body: JSON.stringify({ json: {} }) });
    await anonymous("198.51.100.1");
    await anonymous("198.51.100.1");
    expect((await anonymous("198.51.100.1")).status).toBe(429);
    expect((await anonymous("198.51.100.2")).status).not.toBe(429);
  });
});

describe("the inbox count", () => {
  let made = 0;
  /** `n` pending requests (each from someone else) waiting for the approver persona, written straight to the table. */
  async function waitingForTheApprover(n: number) {
    const from = made;
    made += n;
    await t.db.execute(sql`
      with made as (
        insert into access_requests (template_id, requester_id, status, justification, duration_minutes, assessment,
          stage_started_at, created_at)
        select (select id from request_templates order by key limit 1),
          (select id from identities where email <> ${personaEmails.approver} and employment_status = 'Active'
            order by email offset g limit 1),
          'pending', 'Asked ' || g, 60, '{"overall":"inside","grants":[]}'::jsonb, now(), now()
        from generate_series(${from}::int, ${from + n - 1}::int) g
        returning id)
      insert into request_approvers (request_id, stage, identity_id, via)
      select id, 0, (select id from identities where email = ${personaEmails.approver}), 'manager' from made`);
  }
  const count = async () =>
    (await call("inbox.count", { email: personaEmails.approver, body: "{}" })).body.result.data.json as number;

  it("is kept up to 5 seconds per person, and any mutation through the route drops it at once", async () => {
    clock.set("2026-06-01T09:00:00Z");
    const before = await count();
    await waitingForTheApprover(2);
    // Written behind the route's back (as another instance or a job would): not seen for up to 5 s.
    expect(await count()).toBe(before);
    clock.advance(4.9 / 60);
    expect(await count()).toBe(before);
    clock.advance(0.2 / 60);
    expect(await count()).toBe(before + 2);
    // A mutation through this instance's route, by anyone: the next count is exact.
    await waitingForTheApprover(1);
    expect(await count()).toBe(before + 2);
    expect((await call("notifications.markRead", { email: personaEmails.employee, body: '{"json":{}}' })).status).toBe(
      200,
    );
    expect(await count()).toBe(before + 3);
  });
});

describe("the peer address header", () => {
  it("is the one a client cannot choose: recordPeerAddresses overwrites it on every request", async () => {
    const http = await import("node:http");
    const { recordPeerAddresses } = await import("@/server/http/peer-address");
    recordPeerAddresses();
    const seen: (string | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.headers[PEER_ADDRESS_HEADER] as string | undefined);
      res.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await fetch(`http://127.0.0.1:${port}/`, {
      headers: { [PEER_ADDRESS_HEADER]: "203.0.113.66", "x-forwarded-for": "203.0.113.66" },
    });
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(seen).toEqual(["127.0.0.1"]);
  });
});
