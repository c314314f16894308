/**
 * The fixed cost of a signed-in call (issue 14): signs in through the dev sign-in of a running
 * production server, then calls each endpoint N times with C connections and reads the SERVER's
 * CPU time (utime + stime of its process, /proc/<pid>/stat) before and after, so the figure is
 * CPU per call whatever else the machine is doing. Also prints requests/s and p50/p95 (those do
 * depend on load: the load average is printed beside them).
 *
 *   node --import tsx bench/session-cost.ts --url http://127.0.0.1:3141 --pid <next-server pid> \
 *     [--email cfo@company.com] [--calls 2000] [--connections 10] [--paths inbox.count,me.profile] \
 *     [--pg-database <name>]
 *
 * With --pg-database (on the machine's PostgreSQL, LOAD_BENCH_ADMIN_URL or postgres@127.0.0.1:5432), also the
 * CPU of that database's backends (the server's pool connections) per call, from their /proc/<pid>/stat.
 * A path starting with "/" is fetched with GET as it is (a page such as /access, or a tRPC batch
 * `/api/trpc/a,b?batch=1&input=…`); paths are separated by spaces when one holds a comma.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import http from "node:http";
import pg from "pg";
import { percentile, table } from "./measure";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:3141" },
    pid: { type: "string" },
    email: { type: "string", default: "cfo@company.com" },
    calls: { type: "string", default: "2000" },
    connections: { type: "string", default: "10" },
    paths: { type: "string", default: "csrf,inbox.count,me.profile" },
    "pg-database": { type: "string" },
  },
});
const base = args.url!;
const calls = Number(args.calls);
const connections = Number(args.connections);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const ticks = 100; // USER_HZ

function cpuMsOf(pid: number | string): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticks;
}

function serverCpuMs(): number {
  return args.pid ? cpuMsOf(args.pid) : Number.NaN;
}

const admin = args["pg-database"]
  ? new pg.Client({
      connectionString: process.env.LOAD_BENCH_ADMIN_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    })
  : null;
await admin?.connect();

/** The local TCP ports of the server process's sockets: its pool's connections, not the jobs' (another process). */
function serverPorts(): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${args.pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${args.pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(file, "utf8").split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && inodes.has(cols[9]!)) ports.add(parseInt(cols[1]!.split(":")[1]!, 16));
    }
  }
  return ports;
}

/** CPU ms of each backend serving the server on --pg-database now, by pid (one that ends meanwhile is left out). */
async function backendCpu(): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!admin) return out;
  const { rows } = await admin.query<{ pid: number; port: number }>(
    "select pid, client_port as port from pg_stat_activity where datname = $1",
    [args["pg-database"]],
  );
  const ports = serverPorts();
  for (const { pid } of rows.filter((r) => ports.has(r.port))) {
    try {
      out.set(pid, cpuMsOf(pid));
    } catch {
      // ended
    }
  }
  return out;
}

function backendCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  if (!admin) return Number.NaN;
  let ms = 0;
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0);
  return ms;
}

function serverPeakRssMB(): number {
  if (!args.pid) return Number.NaN;
  const line = readFileSync(`/proc/${args.pid}/status`, "utf8").match(/VmHWM:\s+(\d+)/);
  return line ? Number(line[1]) / 1024 : Number.NaN;
}

interface Reply {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

function request(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(url, { agent, method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(opts.body);
  });
}

const cookieOf = (setCookie: string[] | string | undefined) =>
  ([] as string[])
    .concat(setCookie ?? [])
    .map((c) => c.split(";")[0]!)
    .join("; ");

async function signIn(email: string): Promise<string> {
  const csrf = await request(`${base}/api/auth/csrf`);
  const { csrfToken } = JSON.parse(csrf.text) as { csrfToken: string };
  const csrfCookie = cookieOf(csrf.headers["set-cookie"]);
  const res = await request(`${base}/api/auth/callback/dev-login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, origin: base },
    body: new URLSearchParams({ csrfToken, email, callbackUrl: `${base}/` }).toString(),
  });
  const session = ([] as string[])
    .concat(res.headers["set-cookie"] ?? [])
    .map((c) => c.split(";")[0]!)
    .find((c) => c.includes("session-token="));
  if (!session) throw new Error(`sign-in as ${email} failed: HTTP ${res.statusCode}`);
  return session;
}

async function once(path: string, cookie: string): Promise<number> {
  const t0 = performance.now();
  const res =
    path === "csrf"
      ? await request(`${base}/api/auth/csrf`)
      : path.startsWith("/")
        ? // a page or a GET batch, as a browser or the load benchmark asks for it
          await request(`${base}${path}`, { headers: { cookie } })
        : await request(`${base}/api/trpc/${path}`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie, origin: base, "sec-fetch-site": "same-origin" },
            body: '{"json":{}}',
          });
  if (res.statusCode !== 200) throw new Error(`${path}: HTTP ${res.statusCode}: ${res.text.slice(0, 300)}`);
  return performance.now() - t0;
}

async function run(path: string, cookie: string, n: number) {
  const latencies: number[] = [];
  let next = 0;
  const cpu0 = serverCpuMs();
  const pg0 = await backendCpu();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (next < n) {
        next++;
        latencies.push(await once(path, cookie));
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpuPerCall = (serverCpuMs() - cpu0) / n;
  return { cpuPerCall, pgPerCall: backendCpuSince(pg0, await backendCpu()) / n, rps: n / seconds, latencies };
}

const cookie = await signIn(args.email!);
const rows: string[][] = [];
const load0 = loadavg();
const paths = args.paths!.includes(" ") ? args.paths!.split(" ").filter(Boolean) : args.paths!.split(",");
for (const path of paths) {
  await run(path, cookie, Math.min(300, calls)); // warm-up: JIT, pools, caches
  const r = await run(path, cookie, calls);
  rows.push([
    path,
    String(connections),
    r.cpuPerCall.toFixed(2),
    r.pgPerCall.toFixed(2),
    r.rps.toFixed(0),
    percentile(r.latencies, 50).toFixed(1),
    percentile(r.latencies, 95).toFixed(1),
  ]);
}
const load1 = loadavg();
console.log(
  table(
    ["endpoint", "conns", "server CPU ms/call", "PostgreSQL CPU ms/call", "req/s (busy)", "p50 ms", "p95 ms"],
    rows,
  ),
);
console.log(
  `load average before ${load0.map((l) => l.toFixed(2)).join(" ")}, after ${load1.map((l) => l.toFixed(2)).join(" ")}; ` +
    `server peak RSS ${serverPeakRssMB().toFixed(0)} MB; ${calls} calls per endpoint`,
);
agent.destroy();
await admin?.end();
