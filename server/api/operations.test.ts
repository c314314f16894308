import { count, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDrizzle } from "@/server/db/client";
import { accessExceptions, accessRequests } from "@/server/db/schema";
import { PEER_ADDRESS_HEADER } from "@/server/http/peer-address";
import { beatInstance } from "@/server/services/operations/instances";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { insertExpiringExceptions } from "@/test/support/expiring";
import { as, financeReportsAsk, submit } from "@/test/support/requests";
import { handleHealth, handleMetrics, handleReady } from "./operations";

let t: TestDatabase;
const now = new Date("2026-11-30T09:00:00Z");
const clock = () => now;
let nextAddress = 1;
/** Each test asks from its own address, so one test's requests do not spend another's limit. */
const get = (path: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, {
    headers: { [PEER_ADDRESS_HEADER]: `203.0.113.${nextAddress++}`, ...headers },
  });
const TOKEN = "metrics-token-for-the-tests-0123456789";

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("GET /api/health", () => {
  it("answers ok without asking the database, however often one address asks", async () => {
    for (let i = 0; i < 1000; i++) expect(handleHealth().status).toBe(200);
    const res = handleHealth();
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
  });
});

describe("GET /api/ready", () => {
  const ask = async (env: Record<string, string>, db = t.db) => {
    const res = await handleReady(get("/api/ready"), { db, env, clock, fresh: true });
    return { status: res.status, body: await res.json() };
  };

  it("is ready with the jobs deliberately off (CLEARANCE_JOBS=0)", async () => {
    const { status, body } = await ask({ CLEARANCE_JOBS: "0" });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      status: "ready",
      checks: { database: { ok: true }, migrations: { ok: true, state: "current" }, jobs: { ok: true, state: "off" } },
    });
  });

  it("is not ready while this instance's jobs have not beaten, and ready once they have", async () => {
    const env = { CLEARANCE_INSTANCE_ID: "web-1" };
    expect(await ask(env)).toMatchObject({
      status: 503,
      body: { status: "not_ready", checks: { jobs: { state: "stopped" } } },
    });
    expect(await ask({})).toMatchObject({ status: 503, body: { checks: { jobs: { ok: false } } } });

    await beatInstance(
      t.db,
      { instanceId: "web-1", host: "h", pid: 1, startedAt: now },
      new Date(now.getTime() - 5_000),
    );
    expect(await ask(env)).toMatchObject({
      status: 200,
      body: { status: "ready", checks: { jobs: { ok: true, state: "running", lastBeatSecondsAgo: 5 } } },
    });
    // Another instance's beat says nothing about this one's jobs.
    expect((await ask({ CLEARANCE_INSTANCE_ID: "web-2" })).status).toBe(503);
  });

  it("is not ready when the last beat is older than 30 s (the jobs stopped or hang)", async () => {
    await beatInstance(
      t.db,
      { instanceId: "web-3", host: "h", pid: 1, startedAt: now },
      new Date(now.getTime() - 45_000),
    );
    expect(await ask({ CLEARANCE_INSTANCE_ID: "web-3" })).toMatchObject({
      status: 503,
      body: { checks: { jobs: { ok: false, state: "stopped", lastBeatSecondsAgo: 45 } } },
    });
  });

  it("is not ready when the database does not answer, and says so without its address", async () => {
    const pool = new pg.Pool({
      connectionString: "postgres://clearance@127.0.0.1:1/none",
      connectionTimeoutMillis: 1000,
    });
    try {
      const { status, body } = await ask({ CLEARANCE_JOBS: "0" }, createDrizzle(pool));
      expect(status).toBe(503);
      expect(body.checks.database).toEqual({ ok: false, error: "database error ECONNREFUSED" });
      expect(JSON.stringify(body)).not.toContain("127.0.0.1");
    } finally {
      await pool.end();
    }
  });
});

describe("GET /api/ready under a flood", () => {
  it("asks the database at most once a second, whoever asks", async () => {
    let asked = 0;
    const counting = new Proxy(t.db, {
      get(target, key, receiver) {
        if (key === "execute") asked++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    let now = new Date("2026-11-30T10:00:00Z");
    const ask = () => handleReady(get("/api/ready"), { db: counting, env: { CLEARANCE_JOBS: "0" }, clock: () => now });
    const answers = await Promise.all(Array.from({ length: 50 }, ask));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(asked).toBe(1);
    now = new Date(now.getTime() + 1_000);
    await ask();
    expect(asked).toBe(2);
  });
});

describe("GET /api/metrics", () => {
  const env = { CLEARANCE_METRICS_TOKEN: TOKEN };

  it("does not exist without CLEARANCE_METRICS_TOKEN", async () => {
    const res = await handleMetrics(get("/api/metrics", { authorization: `Bearer ${TOKEN}` }), {
      db: t.db,
      env: {},
      clock,
    });
    expect(res.status).toBe(404);
  });

  it("answers 401 with WWW-Authenticate to a missing or wrong token, then 429 once an address spent its wrong tokens", async () => {
    const from = { [PEER_ADDRESS_HEADER]: "203.0.113.251" };
    const missing = await handleMetrics(get("/api/metrics", from), { db: t.db, env, clock });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    const limited = { ...env, CLEARANCE_RATE_LIMIT_WRONG_TOKEN: "3/10m" };
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (
          await handleMetrics(get("/api/metrics", { ...from, authorization: "Bearer wrong" }), {
            db: t.db,
            env: limited,
            clock,
          })
        ).status,
      );
    expect(statuses).toEqual([401, 401, 429]);
    // Refused before the token is compared: even the right one, from that address, this window.
    const right = await handleMetrics(get("/api/metrics", { ...from, authorization: `Bearer ${TOKEN}` }), {
      db: t.db,
      env: limited,
      clock,
    });
    expect(right.status).toBe(429);
  });

  it("serves Prometheus text with the database's figures and this process's call durations", async () => {
    // Two exceptions 10 minutes past their expiry and still open; one request waiting.
    await insertExpiringExceptions(t.db, {
      systemKey: "google",
      count: 2,
      expiresAt: new Date(now.getTime() - 600_000),
    });
    await submit(await as(t.db, "sarah.chen@company.com", clock), financeReportsAsk);
    const res = await handleMetrics(get("/api/metrics", { authorization: `Bearer ${TOKEN}` }), {
      db: t.db,
      env,
      clock,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    const [pending] = await t.db
      .select({ n: count() })
      .from(accessRequests)
      .where(sql`${accessRequests.status} in ('pending', 'needs_info')`);
    const [open] = await t.db
      .select({ n: count() })
      .from(accessExceptions)
      .where(sql`${accessExceptions.endedAt} is null`);
    expect([open!.n, pending!.n]).toEqual([2, 1]);
    expect(value("clearance_pending_requests")).toBe(pending!.n);
    expect(value("clearance_open_exceptions")).toBe(open!.n);
    expect(text).toMatch(/^clearance_job_queue_depth\{queue="provisioning"\} \d+$/m);
    expect(text).toMatch(/^clearance_job_queue_oldest_age_seconds\{queue="audit-chain"\} /m);
    expect(value("clearance_enforcement_lag_seconds")).toBe(600);
    expect(text).toContain("# TYPE clearance_call_duration_seconds histogram");
    expect(text).toContain("# TYPE clearance_adapter_calls_total counter");
    expect(text).toContain("process_resident_memory_bytes");
  });
});
