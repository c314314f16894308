import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startInstance, type Instance } from "./support/instance";
import { until } from "./support/wait";

/**
 * What an operator's load balancer, Prometheus and log shipper see of a production instance
 * (issue 15, points 10-12): liveness, readiness with the jobs' heartbeat, metrics behind a token,
 * and one JSON log line per call.
 */
const TOKEN = "cluster-metrics-token-0123456789abcdef";
let t: TestDatabase;
let withJobs: Instance;
let withoutJobs: Instance;

beforeAll(async () => {
  t = await createTestDatabase();
  [withJobs, withoutJobs] = await Promise.all([
    startInstance({
      name: "web-1",
      databaseUrl: t.url,
      ownerUrl: t.ownerUrl,
      env: { CLEARANCE_INSTANCE_ID: "web-1", CLEARANCE_METRICS_TOKEN: TOKEN },
    }),
    startInstance({ name: "web-2", databaseUrl: t.url, ownerUrl: t.ownerUrl, env: { CLEARANCE_JOBS: "0" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([withJobs, withoutJobs].filter(Boolean).map((i) => i.stop()));
  await t?.close();
});

const json = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
};

describe("operator endpoints of a running instance", () => {
  it("health answers; ready says the database, the migrations and this instance's jobs are fine", async () => {
    expect(await json(`${withJobs.url}/api/health`)).toEqual({ status: 200, body: { status: "ok" } });
    // Idle connections outlive a load balancer's (CLEARANCE_KEEP_ALIVE_TIMEOUT_MS, 65 s), so it never reuses a closing one.
    const health = await fetch(`${withJobs.url}/api/health`);
    expect(health.headers.get("keep-alive")).toBe("timeout=65");
    expect(await json(`${withJobs.url}/api/ready`)).toMatchObject({
      status: 200,
      body: {
        status: "ready",
        checks: { database: { ok: true }, migrations: { state: "current" }, jobs: { state: "running" } },
      },
    });
    // Jobs off on purpose is ready too.
    expect(await json(`${withoutJobs.url}/api/ready`)).toMatchObject({
      status: 200,
      body: { checks: { jobs: { ok: true, state: "off" } } },
    });
  });

  it("metrics need the token, count this instance's calls and the instances running jobs; each call is one JSON log line", async () => {
    expect((await fetch(`${withJobs.url}/api/metrics`)).status).toBe(401);
    expect((await fetch(`${withoutJobs.url}/api/metrics`)).status).toBe(404);
    const scrape = async () => {
      const res = await fetch(`${withJobs.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      return res.text();
    };
    // The sign-in page calls it too (the launcher's first page): counted before and after one call.
    const calls = (text: string) =>
      Number(
        /^clearance_call_duration_seconds_count\{procedure="signIn\.setup",status="ok"\} (\d+)$/m.exec(text)?.[1] ?? 0,
      );
    const before = calls(await scrape());
    const call = await fetch(`${withJobs.url}/api/trpc/signIn.setup`, { headers: { "x-request-id": "lb-7f3a" } });
    expect(call.status).toBe(200);
    const text = await scrape();
    expect(calls(text)).toBe(before + 1);
    expect(text).toMatch(/^clearance_instances_with_jobs 1$/m);
    expect(text).toMatch(/^clearance_job_queue_depth\{queue="requests-escalate"\} \d+$/m);

    let line: Record<string, unknown> | undefined;
    await until(async () => {
      line = withJobs.lines
        .map((l) => l.replace(/^\[web-1\] /, ""))
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .find((l) => l.requestId === "lb-7f3a");
      return line !== undefined;
    }, "the call's log line");
    expect(line).toMatchObject({
      level: "info",
      instance: "web-1",
      msg: "call",
      procedure: "signIn.setup",
      status: "ok",
    });
  });
});
