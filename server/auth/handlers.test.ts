import { NextRequest } from "next/server";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PEER_ADDRESS_HEADER } from "@/server/http/peer-address";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";

let t: TestDatabase;
const seen: { method: string; path: string; body: string }[] = [];

// Auth.js itself is replaced: these tests are about what runs in front of it.
vi.mock("./index", () => ({
  handlers: {
    GET: async (request: NextRequest) => {
      seen.push({ method: "GET", path: request.nextUrl.pathname, body: "" });
      return new Response("auth.js");
    },
    POST: async (request: NextRequest) => {
      seen.push({ method: "POST", path: request.nextUrl.pathname, body: await request.text() });
      return new Response("auth.js");
    },
  },
}));
// The limiter uses the application's database; here, the test's.
vi.mock("@/server/db/client", async (importOriginal) => ({ ...(await importOriginal<object>()), getDb: () => t.db }));

const { GET, POST } = await import("./handlers");
const { countSignInAttempt } = await import("./sign-in-limit");

beforeAll(async () => {
  t = await createTestDatabase("empty");
});
afterAll(() => t.close());
afterEach(() => {
  vi.unstubAllEnvs();
  seen.length = 0;
});

const at = (path: string, address: string, init: { method?: string; body?: string; accept?: string } = {}) =>
  new NextRequest(`http://clearance.test${path}`, {
    method: init.method ?? "GET",
    body: init.body,
    headers: { [PEER_ADDRESS_HEADER]: address, accept: init.accept ?? "text/html" },
  });

describe("sign-in attempts are limited per address", () => {
  it("the OIDC callback answers 429 with Retry-After and a page saying how long to wait; another address signs in", async () => {
    vi.stubEnv("CLEARANCE_RATE_LIMIT_SIGN_IN", "3/1h");
    for (let i = 0; i < 3; i++)
      expect((await GET(at("/api/auth/callback/oidc?code=x&state=y", "203.0.113.20"))).status).toBe(200);
    const refused = await GET(at("/api/auth/callback/oidc?code=x&state=y", "203.0.113.20"));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await refused.text()).toMatch(
      /Too many sign-in attempts from your address: try again in \d+ (minutes|seconds?)/,
    );
    expect(seen.filter((s) => s.path === "/api/auth/callback/oidc")).toHaveLength(3);

    // Credentials posted straight to Auth.js count too, as JSON for a client that is not a browser.
    const posted = await POST(
      at("/api/auth/callback/dev-login", "203.0.113.20", {
        method: "POST",
        body: "email=a%40b.c",
        accept: "application/json",
      }),
    );
    expect(posted.status).toBe(429);
    expect(await posted.json()).toMatchObject({ error: expect.stringMatching(/^Too many sign-in attempts/) });

    expect((await GET(at("/api/auth/callback/oidc?code=x&state=y", "203.0.113.21"))).status).toBe(200);
    // Reading the session is not a sign-in attempt.
    expect((await GET(at("/api/auth/session", "203.0.113.20"))).status).toBe(200);
  });

  it("the development sign-in counts against the same bucket", async () => {
    vi.stubEnv("CLEARANCE_RATE_LIMIT_SIGN_IN", "2/1h");
    const headers = new Headers({ [PEER_ADDRESS_HEADER]: "203.0.113.30" });
    expect(await countSignInAttempt(headers)).toBeNull();
    expect(await GET(at("/api/auth/callback/oidc", "203.0.113.30"))).toHaveProperty("status", 200);
    expect(await countSignInAttempt(headers)).toBeGreaterThan(0);
  });
});

describe("Auth.js's form posts", () => {
  it("are refused over 16 KB, read within it", async () => {
    const refused = await POST(
      at("/api/auth/signout", "203.0.113.40", { method: "POST", body: `csrfToken=${"x".repeat(17 * 1024)}` }),
    );
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({ error: "The request body is larger than 16 KB", field: "body" });
    const ok = await POST(at("/api/auth/signout", "203.0.113.40", { method: "POST", body: "csrfToken=abc" }));
    expect(ok.status).toBe(200);
    expect(seen).toEqual([{ method: "POST", path: "/api/auth/signout", body: "csrfToken=abc" }]);
  });
});
