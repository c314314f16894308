import { count } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { hrEvents, identities } from "@/server/db/schema";
import { PEER_ADDRESS_HEADER } from "@/server/http/peer-address";
import { createHrSource } from "@/server/services/hr/events";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { handleHrEvent } from "./hr";
import { createUser, listUsers } from "./scim";

let t: TestDatabase;
let token: string;
const clock = movableClock("2026-06-01T08:00:30Z");
let nextAddress = 1;
/** Each test sends from its own address, so one test's wrong tokens do not spend another's limit. */
const freshAddress = () => `198.51.100.${nextAddress++}`;

beforeAll(async () => {
  t = await createTestDatabase();
  token = (
    await createHrSource({
      ctx: await as(t.db, "priya.raman@company.com", clock),
      input: { key: "workday", name: "Workday" },
    })
  ).token;
});
afterAll(() => t.close());
afterEach(() => {
  vi.unstubAllEnvs();
});

const hire = (id: string) => ({
  event: "employee.hired",
  event_id: id,
  user_id: id,
  display_name: "Test Person",
  start_date: "2026-05-20",
  job_title: "Sales Engineer",
  department: "Sales",
  employment_type: "FTE",
});

/** A POST whose body would be `total` bytes, counting the bytes the server pulled from it. */
function streaming(url: string, total: number, headers: Record<string, string>) {
  let pulled = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return {
    request: new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit),
    pulled: () => pulled,
  };
}

const hrPost = (body: unknown, headers: Record<string, string>) =>
  handleHrEvent(
    new Request("http://clearance.test/api/hr/events", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    }),
    t.db,
    clock,
  );

describe("HR events and SCIM check the token before the body", () => {
  it("answers a wrong token with 401 without reading any of a 50 MB body, on both endpoints", async () => {
    const address = freshAddress();
    const hr = streaming("http://clearance.test/api/hr/events", 50 * 1024 * 1024, {
      authorization: "Bearer hr_wrong",
      [PEER_ADDRESS_HEADER]: address,
    });
    expect((await handleHrEvent(hr.request, t.db, clock)).status).toBe(401);
    expect(hr.pulled()).toBe(0);

    const scim = streaming("http://clearance.test/api/scim/v2/Users", 50 * 1024 * 1024, {
      "content-type": "application/scim+json",
      [PEER_ADDRESS_HEADER]: address,
    });
    const reply = await createUser(scim.request, { db: t.db, clock });
    expect(reply.status).toBe(401);
    expect(await reply.json()).toMatchObject({ status: "401", detail: expect.stringMatching(/HR source token/) });
    expect(scim.pulled()).toBe(0);
  });

  it("with the right token, reads at most the limit (256 KB) of a larger body and answers 413 naming the body", async () => {
    const headers = {
      authorization: `Bearer ${token}`,
      "idempotency-key": "big-1",
      [PEER_ADDRESS_HEADER]: freshAddress(),
    };
    const hr = streaming("http://clearance.test/api/hr/events", 50 * 1024 * 1024, headers);
    const response = await handleHrEvent(hr.request, t.db, clock);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "The request body is larger than 256 KB", field: "body" });
    expect(hr.pulled()).toBeLessThanOrEqual(256 * 1024 + 2 * 64 * 1024);

    const scim = streaming("http://clearance.test/api/scim/v2/Users", 50 * 1024 * 1024, {
      ...headers,
      "content-type": "application/scim+json",
    });
    const reply = await createUser(scim.request, { db: t.db, clock });
    expect(reply.status).toBe(413);
    expect(await reply.json()).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "413",
      detail: "The request body is larger than 256 KB",
    });
    expect(scim.pulled()).toBeLessThanOrEqual(256 * 1024 + 2 * 64 * 1024);
    expect((await t.db.select({ n: count() }).from(hrEvents))[0]!.n).toBe(0);
  });
});

describe("the bearer scheme", () => {
  it("is accepted in any case on HR events and SCIM alike; another scheme is not", async () => {
    for (const [scheme, i] of [
      ["Bearer", 1],
      ["bearer", 2],
      ["BEARER", 3],
    ] as const) {
      const address = freshAddress();
      expect(
        (await hrPost(hire(`case-${i}`), { authorization: `${scheme} ${token}`, [PEER_ADDRESS_HEADER]: address }))
          .status,
      ).toBe(200);
      const list = await listUsers(
        new Request("http://clearance.test/api/scim/v2/Users", {
          headers: { authorization: `${scheme} ${token}`, [PEER_ADDRESS_HEADER]: address },
        }),
        { db: t.db, clock },
      );
      expect(list.status).toBe(200);
    }
    const address = freshAddress();
    expect(
      (await hrPost(hire("case-basic"), { authorization: `Basic ${token}`, [PEER_ADDRESS_HEADER]: address })).status,
    ).toBe(401);
    expect(
      (
        await listUsers(
          new Request("http://clearance.test/api/scim/v2/Users", {
            headers: { authorization: `Token ${token}`, [PEER_ADDRESS_HEADER]: address },
          }),
          { db: t.db, clock },
        )
      ).status,
    ).toBe(401);
  });
});

describe("the Idempotency-Key", () => {
  it("is capped like event_id: 200 characters pass, 201 (or an empty one) are refused naming the header, and nothing is recorded", async () => {
    const before = (await t.db.select({ n: count() }).from(hrEvents))[0]!.n;
    const headers = (key: string) => ({
      authorization: `Bearer ${token}`,
      "idempotency-key": key,
      [PEER_ADDRESS_HEADER]: freshAddress(),
    });
    for (const key of ["k".repeat(201), " "]) {
      const response = await hrPost(hire("idem-long"), headers(key));
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: "Idempotency-Key: between 1 and 200 characters",
        field: "Idempotency-Key",
      });
    }
    expect((await t.db.select({ n: count() }).from(hrEvents))[0]!.n).toBe(before);
    expect((await hrPost(hire("idem-ok"), headers("k".repeat(200)))).status).toBe(200);
  });
});

describe("rate limits on the token endpoints", () => {
  it("after 10 missing or wrong tokens an address gets 429 with Retry-After, even with the right token; other addresses go on", async () => {
    clock.set("2026-06-01T08:20:30Z");
    // Two right tokens an hour: the two refused below must not use them up.
    vi.stubEnv("CLEARANCE_RATE_LIMIT_TOKEN", "2/1h");
    const address = freshAddress();
    for (let i = 0; i < 10; i++) {
      const wrong: Record<string, string> = i % 2 ? { authorization: "Bearer hr_guess" } : {};
      expect((await hrPost(hire("guess"), { ...wrong, [PEER_ADDRESS_HEADER]: address })).status).toBe(401);
    }
    const refused = await hrPost(hire("rl-1"), { authorization: `Bearer ${token}`, [PEER_ADDRESS_HEADER]: address });
    expect(refused.status).toBe(429);
    // The window is 10 minutes (08:20–08:30); 08:20:30 leaves 570 seconds.
    expect(refused.headers.get("retry-after")).toBe("570");
    expect(await refused.json()).toEqual({
      error: "Too many requests with a missing or wrong token from your address: try again in 10 minutes",
    });
    const scim = await listUsers(
      new Request("http://clearance.test/api/scim/v2/Users", {
        headers: { authorization: `Bearer ${token}`, [PEER_ADDRESS_HEADER]: address },
      }),
      { db: t.db, clock },
    );
    expect(scim.status).toBe(429);
    expect(scim.headers.get("retry-after")).toBe("570");
    expect(await scim.json()).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "429",
    });

    expect(
      (await hrPost(hire("rl-2"), { authorization: `Bearer ${token}`, [PEER_ADDRESS_HEADER]: freshAddress() })).status,
    ).toBe(200);
    clock.advance(10);
    expect(
      (await hrPost(hire("rl-3"), { authorization: `Bearer ${token}`, [PEER_ADDRESS_HEADER]: address })).status,
    ).toBe(200);
    expect(
      (await hrPost(hire("rl-4"), { authorization: `Bearer ${token}`, [PEER_ADDRESS_HEADER]: address })).status,
    ).toBe(200);
  });

  it("a right token has its own, much larger limit per address", async () => {
    vi.stubEnv("CLEARANCE_RATE_LIMIT_TOKEN", "3/1m");
    const address = freshAddress();
    const people = (await t.db.select({ n: count() }).from(identities))[0]!.n;
    for (let i = 0; i < 3; i++)
      expect(
        (await hrPost(hire(`ok-${i}`), { authorization: `Bearer ${token}`, [PEER_ADDRESS_HEADER]: address })).status,
      ).toBe(200);
    const refused = await hrPost(hire("ok-3"), { authorization: `Bearer ${token}`, [PEER_ADDRESS_HEADER]: address });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await t.db.select({ n: count() }).from(identities))[0]!.n).toBe(people + 3);
  });
});
