/**
 * CPU per call of the load benchmark's endpoints (endpoints.ts), against one instance of this
 * worktree's production build on a clone of the fixture: the Next.js server's own CPU time and
 * that of the PostgreSQL backends of the run's database (/proc/<pid>/stat, utime + stime, before
 * and after N calls), so the figure holds on a busy machine, unlike requests/s.
 *
 *   npm run bench:load-cpu -- [--port 3430] [--only exceptions] [--calls 2000] [--connections 10]
 *     [--db <an existing run database>] [--keep] [--profile <dir>]
 *
 * --profile <dir>: the Next.js server profiles itself (cpu-profile.mjs); each endpoint's measured calls are
 * written to <dir> as next-<pid>-<n>.cpuprofile (odd n: the measured calls; even n: the warm-up before them).
 */
import http from "node:http";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";
import { AUDIT_KEYS } from "./settings";
import { encodeInput } from "./trpc";

process.env.CLEARANCE_AUDIT_KEYS = AUDIT_KEYS;
const { appUrl, dropDatabase, superUrl, templateName } = await import("./database");
const { endpoints } = await import("./endpoints");
const { cloneForRun, DECISION_APPROVERS, leadEmail, personas } = await import("./fixture");
const { pendingFor } = await import("./decisions");
const { cpuTicksOf, descendants, startInstance, stopInstance } = await import("./servers");
const { signIn } = await import("./sign-in");
const { percentile, table } = await import("../measure");

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "3430" },
    only: { type: "string" },
    calls: { type: "string", default: "2000" },
    connections: { type: "string", default: "10" },
    db: { type: "string" },
    keep: { type: "boolean", default: false },
    profile: { type: "string" },
  },
});
const calls = Number(args.calls);
/** Not a list read: an approval over HTTP (the decision mix's call), each on another pending request. */
const DECIDE: (typeof endpoints)[number] = {
  name: "requests.decide (leads, write)",
  persona: "none",
  method: "POST",
  path: () => "/api/trpc/requests.decide",
};
const connections = Number(args.connections);
const TICKS = 100; // USER_HZ

const cpuMs = (pids: number[]): number => (cpuTicksOf(pids) * 1000) / TICKS;

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** Local TCP ports of the sockets `pids` hold open: their PostgreSQL connections' client ports. */
function localPortsOf(pids: number[]): Set<number> {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // ended meanwhile
    }
  }
  const ports = new Set<number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9]!)) ports.add(parseInt(f[1]!.split(":")[1]!, 16));
    }
  }
  return ports;
}

const runDb = args.db ?? `clearance_load_cpu_${process.pid}`;
const dataDir = mkdtempSync(path.join(tmpdir(), "clearance-cpu-"));
if (!args.db) {
  const t0 = Date.now();
  await cloneForRun(templateName(), runDb);
  console.log(`cloned ${runDb} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
if (args.profile) {
  process.env.NODE_OPTIONS = `--import ${pathToFileURL(path.resolve("bench/load/cpu-profile.mjs")).href}`;
  process.env.CLEARANCE_CPU_PROFILE_DIR = path.resolve(args.profile);
}
const instance = await startInstance(Number(args.port), appUrl(runDb), dataDir, console.log);
delete process.env.NODE_OPTIONS;
const monitor = new pg.Client({ connectionString: superUrl(runDb) });
await monitor.connect();
try {
  const nextPids = descendants(instance.child.pid!).filter((p) => /next/.test(commandOf(p)));
  const cookies: Record<string, string> = { none: "" };
  for (const [persona, email] of Object.entries(personas)) cookies[persona] = await signIn(instance.base, email);
  const cfoRequestId = (await pendingFor(appUrl(runDb), [personas.cfo])).get(personas.cfo)![0]!;
  // The decision mix's approvals, one call each: the 16 leads' pending requests, taken in turn.
  const decisions: { cookie: string; requestId: string }[] = [];
  if (args.only && DECIDE.name.toLowerCase().includes(args.only.toLowerCase())) {
    const leads = Array.from({ length: DECISION_APPROVERS }, (_, i) => leadEmail(i));
    const pending = await pendingFor(appUrl(runDb), leads);
    const queues = await Promise.all(
      leads.map(async (email) => ({ cookie: await signIn(instance.base, email), ids: pending.get(email)! })),
    );
    for (let k = 0; queues.some((q) => k < q.ids.length); k++)
      for (const q of queues) if (k < q.ids.length) decisions.push({ cookie: q.cookie, requestId: q.ids[k]! });
    console.log(`${decisions.length} pending requests for the ${leads.length} leads`);
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  // The backends serving the Next.js server's own connections (not the jobs' in the launcher).
  const backends = async () => {
    const ports = localPortsOf(nextPids);
    const { rows } = await monitor.query<{ pid: number; port: number }>(
      "select pid, client_port as port from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [runDb],
    );
    return rows.filter((r) => ports.has(r.port)).map((r) => r.pid);
  };

  const once = (e: (typeof endpoints)[number]) =>
    new Promise<number>((resolve, reject) => {
      const t0 = performance.now();
      const decision = e === DECIDE ? decisions.shift() : undefined;
      if (e === DECIDE && !decision) return reject(new Error("no pending request left for the leads"));
      const headers: Record<string, string> = decision
        ? { cookie: decision.cookie }
        : e.persona === "none"
          ? {}
          : { cookie: cookies[e.persona]! };
      if (e.method === "POST") headers["content-type"] = "application/json";
      const req = http.request(
        `${instance.base}${e.path({ cfoRequestId })}`,
        { agent, method: e.method, headers },
        (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200
              ? resolve(performance.now() - t0)
              : reject(new Error(`${e.name}: ${res.statusCode}`)),
          );
        },
      );
      req.on("error", reject);
      req.end(
        decision ? encodeInput({ requestId: decision.requestId, decision: "approve" }) : e.body?.({ cfoRequestId }),
      );
    });
  const run = async (e: (typeof endpoints)[number], n: number) => {
    const latencies: number[] = [];
    let next = 0;
    // Backends come and go (the pool closes idle ones): each one's CPU is sampled while the run lasts,
    // counted from its first sample (0 for one opened during the run) to its last.
    const seen = new Map<number, { first: number; last: number }>();
    const sample = async (opening: boolean) => {
      for (const pid of await backends()) {
        const now = cpuMs([pid]);
        const s = seen.get(pid);
        if (s) s.last = Math.max(s.last, now);
        else seen.set(pid, { first: opening ? now : 0, last: now });
      }
    };
    await sample(true);
    let running = true;
    const sampler = (async () => {
      while (running) {
        await new Promise((r) => setTimeout(r, 200));
        await sample(false);
      }
    })();
    const node0 = cpuMs(nextPids);
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (next < n) {
          next++;
          latencies.push(await once(e));
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const node = (cpuMs(nextPids) - node0) / n;
    running = false;
    await sampler;
    await sample(false);
    const pgMs = [...seen.values()].reduce((sum, s) => sum + s.last - s.first, 0);
    return { node, pg: pgMs / n, rps: n / seconds, latencies };
  };

  const rows: string[][] = [];
  const load0 = loadavg();
  const chosen = [...endpoints, DECIDE].filter(
    (e) => e.baseline || (args.only && e.name.toLowerCase().includes(args.only.toLowerCase())),
  );
  for (const e of chosen) {
    await run(e, Math.min(300, calls)); // warm-up: JIT, pools, caches
    if (args.profile) for (const pid of nextPids) process.kill(pid, "SIGUSR2"); // a profile of the warm-up, then anew
    const r = await run(e, calls);
    if (args.profile) {
      for (const pid of nextPids) process.kill(pid, "SIGUSR2");
      await new Promise((r) => setTimeout(r, 2000));
    }
    rows.push([
      e.name,
      r.node.toFixed(2),
      r.pg.toFixed(2),
      (r.node + r.pg).toFixed(2),
      r.rps.toFixed(0),
      percentile(r.latencies, 50).toFixed(1),
      percentile(r.latencies, 95).toFixed(1),
    ]);
  }
  const load1 = loadavg();
  console.log(
    table(["endpoint", "next CPU ms/call", "pg CPU ms/call", "sum", "req/s (busy)", "p50 ms", "p95 ms"], rows),
  );
  console.log(
    `${calls} calls each, ${connections} connections; load average before ${load0.map((l) => l.toFixed(2)).join(" ")}, ` +
      `after ${load1.map((l) => l.toFixed(2)).join(" ")}`,
  );
  agent.destroy();
} finally {
  await monitor.end();
  await stopInstance(instance);
  if (args.keep || args.db) console.log(`kept ${runDb}`);
  else await dropDatabase(runDb);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(0);
