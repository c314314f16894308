/**
 * The SCIM part of `npm run bench:lifecycle` (issue 16), on a database of its own:
 *  1. a full load of USERS Users through the SCIM handlers (POST /Users, CONCURRENCY at a time):
 *     total time, writes per second, p50/p99 per request; goal ≥ 200 writes/s;
 *  2. GROUPS groups created with their members (sizes spread up to MAX_MEMBERS) by POST /Groups;
 *  3. one membership change of CHANGE people (PATCH add of CHANGE members to a group a policy
 *     names): every person's groups attribute, history, audit event and plan are stored when the
 *     request answers, so the request's time is every plan's; goal ≤ 2 s.
 * The handlers are the route handlers Next.js calls (server/api/scim.ts, scim-groups.ts), given real
 * Requests: everything but Next's routing and the socket. With `--scim-http` the same requests go
 * over HTTP to an `npm start` instance of the production build (bench/load: built first when the
 * sources are newer) on the benchmark's database; Node CPU is then the instance's processes'.
 * BENCH_JOBS=0 starts it without jobs; BENCH_NODE_OPTIONS (with CLEARANCE_CPU_PROFILE_DIR and
 * `--import` of bench/load/cpu-profile.mjs) profiles its Next.js server; BENCH_ENCODING sets the
 * requests' Accept-Encoding (fetch asks for gzip: `identity` shows what compressing answers costs).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createGroup, patchGroup } from "@/server/api/scim-groups";
import { createUser } from "@/server/api/scim";
import { systemActor } from "@/server/core/actor";
import { createDrizzle } from "@/server/db/client";
import { seedIfEmpty } from "@/server/services/demo-organization";
import { createHrSource } from "@/server/services/hr/events";
import { activeVersion, savePolicyChange } from "@/server/services/policies";
import { closing, cpuMs, fmtInt, machine, peakRssMB, percentile, postgresCpuMs } from "./measure";
import { ensureBuild } from "./load/build";
import { appUrl, createEmptyDatabase, dropDatabase } from "./load/database";
import { descendants, peakRss, startInstance, stopInstance } from "./load/servers";
import { scratchDatabase } from "./scratch-database";

// A real initial load is throttled by the IdP and by CLEARANCE_RATE_LIMIT_TOKEN (1,200 a minute per
// address by default: raise it for a first sync); this measures Clearance, so the limit is lifted.
process.env.CLEARANCE_RATE_LIMIT_TOKEN = "1000000/1m";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const USERS = arg("scim-users", 10_000);
const GROUPS = arg("scim-groups", 500);
const MAX_MEMBERS = arg("scim-max-members", 2_000);
const CHANGE = arg("scim-change", 1_000);
const CONCURRENCY = arg("scim-concurrency", 8);
const HTTP = process.argv.includes("--scim-http");
const HTTP_PORT = 3917;

async function inParallel<T>(items: T[], limit: number, run: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await run(items[next++]!);
    }),
  );
}

export async function scimBenchmark() {
  const before = machine();
  // Over HTTP, `npm start` refuses a superuser: the database is made as docs/deploy.md has it (an owner and an app role).
  const { url, done } = HTTP
    ? await deployedDatabase(`clearance_bench_scim_http_${process.pid}`)
    : await scratchDatabase("scim", { keep: process.env.BENCH_KEEP === "1" });
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY + 2, idleTimeoutMillis: 0 });
  const pgCpu = () => postgresCpuMs((q) => pool.query<{ pid: number }>(q));
  try {
    const db = createDrizzle(pool);
    const clock = () => new Date();
    await seedIfEmpty(db, clock);
    const it = { db, clock, actor: systemActor("bench") };
    const { token } = await createHrSource({ ctx: it, input: { key: "bench-idp", name: "Bench IdP" } });
    await savePolicyChange({
      ctx: it,
      input: {
        baseVersionId: (await activeVersion(db))?.id ?? null,
        message: "On-call access follows the directory group",
        changes: [
          {
            path: "oncall-access.yaml",
            source:
              "name: oncall-access\nwhen:\n  - groups: { includes: [bench-oncall] }\ngrants:\n  - okta:group:sales-team\n",
          },
        ],
      },
    });
    const deps = { db, clock };
    const headers = {
      authorization: `Bearer ${token}`,
      "content-type": "application/scim+json",
      ...(process.env.BENCH_ENCODING ? { "accept-encoding": process.env.BENCH_ENCODING } : {}),
    };
    const server = HTTP ? await startServer(url) : null;
    cpuOf = server ? server.cpuMs : cpuMs;
    const base = `${server?.base ?? "http://clearance.bench"}/api/scim/v2`;
    const call = async (handler: (r: Request) => Promise<Response>, path: string, method: string, body: unknown) => {
      const started = performance.now();
      const request = new Request(`${base}${path}`, { method, headers, body: JSON.stringify(body) });
      const response = await (server ? fetch(request) : handler(request));
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
      return { ms: performance.now() - started, body: JSON.parse(text) as { id: string } };
    };

    // 1. Users.
    const ids: string[] = [];
    const userTimes: number[] = [];
    let [c0, p0] = [cpuOf(), await pgCpu()];
    const client0 = cpuMs();
    let t = performance.now();
    await inParallel(
      Array.from({ length: USERS }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const r = await call((req) => createUser(req, deps), "/Users", "POST", {
          schemas: [
            "urn:ietf:params:scim:schemas:core:2.0:User",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
          ],
          userName: `U${i}@idp.bench`,
          externalId: `ext-${i}`,
          name: { givenName: "Bench", familyName: `User ${i}` },
          displayName: `Bench User ${i}`,
          emails: [{ value: `bench.user${i}@company.bench`, type: "work", primary: true }],
          title: "Engineer",
          "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Engineering" },
        });
        ids[i] = r.body.id;
        userTimes.push(r.ms);
      },
    );
    const userSeconds = (performance.now() - t) / 1000;
    const userCpu = cpuOf() - c0;
    const clientCpu = cpuMs() - client0;
    const userPg = p0 === null ? null : (await pgCpu())! - p0;

    // 2. Groups with members, sizes spread from 1 to MAX_MEMBERS.
    const sizes = Array.from({ length: GROUPS }, (_, g) => 1 + ((g * 397) % MAX_MEMBERS));
    const groupTimes: number[] = [];
    [c0, p0] = [cpuOf(), await pgCpu()];
    t = performance.now();
    await inParallel(
      sizes.map((size, g) => ({ size, g })),
      CONCURRENCY,
      async ({ size, g }) => {
        const members = Array.from({ length: size }, (_, k) => ({ value: ids[(g * 131 + k) % ids.length]! }));
        const r = await call((req) => createGroup(req, deps), "/Groups", "POST", {
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
          displayName: `bench-group-${g}`,
          members,
        });
        groupTimes.push(r.ms);
      },
    );
    const groupSeconds = (performance.now() - t) / 1000;
    const groupCpu = cpuOf() - c0;
    const groupPg = p0 === null ? null : (await pgCpu())! - p0;
    const memberships = sizes.reduce((a, b) => a + b, 0);

    // 3. One change of CHANGE people, into the group a policy names.
    const oncall = await call((req) => createGroup(req, deps), "/Groups", "POST", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "bench-oncall",
    });
    const plansBefore = Number((await pool.query("select count(*) as n from access_plans")).rows[0].n);
    const change = await call((req) => patchGroup(req, oncall.body.id, deps), `/Groups/${oncall.body.id}`, "PATCH", {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "add", path: "members", value: ids.slice(0, CHANGE).map((value) => ({ value })) }],
    });
    const plans = Number((await pool.query("select count(*) as n from access_plans")).rows[0].n) - plansBefore;

    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(52) : c.padStart(14))).join("  ");
    const secs = (ms: number | null) => (ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`);
    const over = server
      ? `over HTTP to an npm start instance (its peak RSS ${server.peakRss()} MB)`
      : "to the handlers";
    console.log(`\nClearance SCIM benchmark — ${before}; ${CONCURRENCY} requests at a time, ${over}`);
    console.log(line(["measure", "total", "per second", "p50 / p99", "Node / PG CPU", "goal"]));
    console.log(
      line([
        `POST /Users × ${fmtInt(USERS)}`,
        `${userSeconds.toFixed(1)} s`,
        `${(USERS / userSeconds).toFixed(0)} writes/s`,
        `${percentile(userTimes, 50).toFixed(0)} / ${percentile(userTimes, 99).toFixed(0)} ms`,
        `${secs(userCpu)} / ${secs(userPg)}`,
        "≥ 200 writes/s",
      ]),
    );
    console.log(
      line([
        `POST /Groups × ${GROUPS} (${fmtInt(memberships)} members)`,
        `${groupSeconds.toFixed(1)} s`,
        `${(memberships / groupSeconds).toFixed(0)} members/s`,
        `${percentile(groupTimes, 50).toFixed(0)} / ${percentile(groupTimes, 99).toFixed(0)} ms`,
        `${secs(groupCpu)} / ${secs(groupPg)}`,
        "",
      ]),
    );
    console.log(
      line([
        `PATCH add ${fmtInt(CHANGE)} members → ${fmtInt(plans)} plans stored`,
        `${(change.ms / 1000).toFixed(2)} s`,
        "",
        "",
        "",
        "≤ 2 s",
      ]),
    );
    if (server) console.log(`the load generator (this process) used ${secs(clientCpu)} of CPU for the Users`);
    console.log(`peak RSS (VmHWM) ${peakRssMB().toFixed(0)} MB; ${closing()}`);
    console.log(
      `goals: users ${USERS / userSeconds >= 200 ? "met" : "MISSED"}; ` +
        `membership change ${change.ms <= 2000 ? "met" : "MISSED"} (${(change.ms / 1000).toFixed(2)} s)`,
    );
  } finally {
    await stopServer?.();
    await pool.end();
    await done();
  }
}

async function deployedDatabase(name: string) {
  await createEmptyDatabase(name);
  return { url: appUrl(name), done: () => dropDatabase(name) };
}

let cpuOf = cpuMs;
let stopServer: (() => Promise<void>) | null = null;

/** An `npm start` instance of the production build on the benchmark's database, for --scim-http. */
async function startServer(databaseUrl: string) {
  ensureBuild(false, console.log);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "clearance-scim-bench-"));
  const instance = await startInstance(HTTP_PORT, databaseUrl, dataDir, console.log, {
    CLEARANCE_AUDIT_KEYS: process.env.CLEARANCE_AUDIT_KEYS!,
    ...(process.env.BENCH_JOBS ? { CLEARANCE_JOBS: process.env.BENCH_JOBS } : {}),
    ...(process.env.BENCH_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS } : {}),
  });
  stopServer = async () => {
    await stopInstance(instance);
    rmSync(dataDir, { recursive: true, force: true });
  };
  const pids = () => descendants(instance.child.pid!);
  return {
    base: instance.base,
    /** user and system CPU of the instance's processes, in ms (clock ticks of 10 ms) */
    cpuMs: () =>
      pids().reduce((sum, pid) => {
        try {
          const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
          return sum + (Number(fields[11]) + Number(fields[12])) * 10;
        } catch {
          return sum;
        }
      }, 0),
    peakRss: () => Math.round(Math.max(...Object.values(peakRss(instance)))),
  };
}
