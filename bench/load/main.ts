/**
 * `npm run bench:load`: issue 14's load benchmark. A production build; the 10,000-person fixture
 * (built once into a template database, cloned per run); one and then two `npm start` instances
 * on that clone; sessions from a real sign-in; autocannon against every endpoint of endpoints.ts
 * at 10 and 50 connections; the decision mix on one and two instances; the slow-adapter expiry
 * scenario; then the tables and the goals. docs/benchmarks.md ("Load") says how to read them.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { AUDIT_KEYS, instanceEnv } from "./settings";

process.env.CLEARANCE_AUDIT_KEYS = AUDIT_KEYS;

const { ensureBuild } = await import("./build");
const { load } = await import("./cannon");
const { appUrl, dropDatabase, superUrl } = await import("./database");
const { DECISION_MAX_SECONDS, decisionMix, pendingFor, splitQueues } = await import("./decisions");
const { BASELINE, endpoints } = await import("./endpoints");
const { expiryScenario } = await import("./expiry");
const { cloneForRun, DECISION_APPROVERS, ensureFixture, leadEmail, personas } = await import("./fixture");
const { parseOptions } = await import("./options");
const report = await import("./report");
const { peakRss, startInstance, stopAllNow, stopInstance } = await import("./servers");
const { measureIdle, settle } = await import("./settle");
const { signIn } = await import("./sign-in");

type Instance = Awaited<ReturnType<typeof startInstance>>;
type Row = import("./report").Row;

const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const options = (() => {
  try {
    return parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error((err as Error).message);
    process.exit(2);
  }
})();
const wants = (name: string) => !options.only || name.toLowerCase().includes(options.only.toLowerCase());
const runDb = `clearance_load_run_${process.pid}`;
// The instances' data directory: their audit checkpoints belong to this run's database only.
const dataDir = mkdtempSync(path.join(tmpdir(), "clearance-load-"));
let cleaned = false;

async function cleanUp() {
  if (cleaned) return;
  cleaned = true;
  stopAllNow();
  if (options.keep) log(`kept the run's database ${runDb} (${appUrl(runDb)}) and data directory ${dataDir}`);
  else {
    await dropDatabase(runDb).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    log(`${signal}: stopping the instances and dropping ${runDb}`);
    void cleanUp().finally(() => process.exit(130));
  });
}
process.on("exit", () => stopAllNow());

const loadBefore = loadavg();
log(`load average before: ${report.loadAverage()}${loadBefore[0]! > report.BUSY_LOAD ? " (BUSY)" : ""}`);

ensureBuild(options.rebuild, log);
const fixture = await ensureFixture(options.refixture);
log(
  fixture.builtMs
    ? `fixture built in ${(fixture.builtMs / 1000).toFixed(0)} s into template ${fixture.template}`
    : `reusing the fixture template ${fixture.template}`,
);
let t = Date.now();
await cloneForRun(fixture.template, runDb);
log(`run database ${runDb} cloned from the template in ${((Date.now() - t) / 1000).toFixed(1)} s`);

const rows: Row[] = [];
const decisionRuns: { instances: number; result: import("./decisions").DecisionResult }[] = [];
let expiry: import("./expiry").ExpiryResult | null = null;
let chainVerdict: string | null = null;

try {
  const first = await startInstance(3301, appUrl(runDb), dataDir, log);
  t = Date.now();
  const cookies: Record<string, string> = { none: "" };
  for (const [persona, email] of Object.entries(personas)) cookies[persona] = await signIn(first.base, email);
  const leads = Array.from({ length: DECISION_APPROVERS }, (_, i) => leadEmail(i));
  const pending = await pendingFor(appUrl(runDb), [personas.cfo, ...leads]);
  const approvers = [];
  for (const email of leads)
    approvers.push({ email, cookie: await signIn(first.base, email), queue: pending.get(email)! });
  log(
    `signed in ${4 + leads.length} people through Auth.js's development sign-in in ${((Date.now() - t) / 1000).toFixed(1)} s; ` +
      `the CFO has ${pending.get(personas.cfo)!.length} pending, the 16 leads ${approvers.map((a) => a.queue.length).join("/")}`,
  );
  log(`instance 1 uses ${(100 * (await measureIdle(first))).toFixed(0)} % of a core when idle (its jobs)`);
  // Half of each lead's queue for the one-instance run, half for the two-instance one; each at most 10 s.
  const [approversOne, approversTwo] = splitQueues(approvers, 2) as [typeof approvers, typeof approvers];
  const decisionSeconds = Math.min(options.seconds, DECISION_MAX_SECONDS);
  const ctx = { cfoRequestId: pending.get(personas.cfo)![0]! };
  const chosen = endpoints.filter((e) => (e.baseline || wants(e.name)) && (!options.quick || e.quick));

  const measure = async (instances: Instance[], connections: number, baselineRps: number) => {
    for (const e of chosen) {
      if (e.baseline && baselineRps > 0) continue;
      const headers: Record<string, string> = e.persona === "none" ? {} : { cookie: cookies[e.persona]! };
      if (e.method === "POST") headers["content-type"] = "application/json";
      const urls = instances.map((i) => `${i.base}${e.path(ctx)}`);
      // One call first: a broken endpoint is reported, not loaded; it also warms the route up.
      const probe = await fetch(urls[0]!, { method: e.method, headers, body: e.body?.(ctx) });
      if (!probe.ok) {
        log(`${e.name}: HTTP ${probe.status} ${(await probe.text()).slice(0, 200)}; skipped`);
        continue;
      }
      await probe.arrayBuffer();
      const waited = await settle(instances);
      if (waited > 5_000)
        log(`waited ${(waited / 1000).toFixed(0)} s for the instances to finish the previous row's backlog`);
      const result = await load({
        urls,
        method: e.method,
        headers,
        body: e.body?.(ctx),
        connections,
        seconds: options.seconds,
      });
      if (e.baseline) baselineRps = result.rps;
      const rss = instances.map(peakRss);
      rows.push({
        endpoint: e.name,
        instances: instances.length,
        connections,
        result,
        baselineRps,
        rssNext: rss.map((r) => r.next),
        rssLauncher: rss.map((r) => r.launcher),
      });
      const last = rows.at(-1)!;
      log(
        `${e.name} ×${connections} on ${instances.length}: ${result.rps.toFixed(1)} req/s, p95 ${Math.round(result.p95)} ms (${e.name === BASELINE ? "baseline" : `${Math.round((result.rps / last.baselineRps) * 100)} % of no-db`})`,
      );
    }
  };

  const reads = chosen.length > 1 || wants(BASELINE);
  if (reads) for (const c of options.connections) await measure([first], c, 0);
  if (wants("decisions")) {
    await settle([first]);
    decisionRuns.push({
      instances: 1,
      result: await decisionMix({
        bases: [first.base],
        approvers: approversOne,
        seconds: decisionSeconds,
        monitorUrl: superUrl(runDb),
        database: runDb,
      }),
    });
    log(`decision mix on 1 instance: ${describeDecisions(decisionRuns.at(-1)!.result)}`);
  }

  const second = await startInstance(3302, appUrl(runDb), dataDir, log);
  log(`instance 2 uses ${(100 * (await measureIdle(second))).toFixed(0)} % of a core when idle (its jobs)`);
  if (reads) await measure([first, second], 50, 0);
  if (wants("decisions")) {
    await settle([first, second]);
    decisionRuns.push({
      instances: 2,
      result: await decisionMix({
        bases: [first.base, second.base],
        approvers: approversTwo,
        seconds: decisionSeconds,
        monitorUrl: superUrl(runDb),
        database: runDb,
      }),
    });
    log(`decision mix on 2 instances: ${describeDecisions(decisionRuns.at(-1)!.result)}`);
  }
  if (wants("expiry")) {
    await settle([first, second]);
    expiry = await expiryScenario({
      appUrl: appUrl(runDb),
      leadSeconds: 10,
      maxWaitSeconds: options.quick ? 60 : 120,
      log,
    });
  }
  await stopInstance(second);
  await stopInstance(first);
  if (options.verify) verifyChain();
} finally {
  await cleanUp();
}

function describeDecisions(r: import("./decisions").DecisionResult) {
  return (
    `${r.perSecond.toFixed(1)}/s over ${r.busySeconds.toFixed(1)} s with all 16 busy` +
    `${r.ranOut ? " (a worker ran out of pending requests)" : ""}; ${r.decisions} decisions in ${r.seconds.toFixed(1)} s`
  );
}

/** `clearance audit verify` on the run's database, with the instances' key and checkpoints: the chain stayed exact. */
function verifyChain() {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "server/cli.ts", "audit", "verify"], {
    env: instanceEnv(0, appUrl(runDb), { CLEARANCE_DATA_DIR: dataDir }),
    encoding: "utf8",
  });
  chainVerdict = `${(r.stdout + r.stderr).trim().split("\n").at(-1)} (exit ${r.status}, ${((Date.now() - t0) / 1000).toFixed(0)} s)`;
  log(`audit verify: ${chainVerdict}`);
}

const loadAfter = loadavg();
const busy = loadBefore[0]! > report.BUSY_LOAD;
console.log("");
console.log(
  `Load benchmark (issue 14) — ${options.quick ? "QUICK run, " : ""}${options.seconds} s per row; load average before ${loadBefore.map((l) => l.toFixed(2)).join(" ")}, after ${loadAfter.map((l) => l.toFixed(2)).join(" ")}${busy ? " — BUSY machine: figures are low bounds" : ""}`,
);
console.log(
  `fixture: ${fixture.builtMs ? `built in ${(fixture.builtMs / 1000).toFixed(0)} s` : `reused (${fixture.template})`}`,
);
console.log("");
if (rows.length) console.log(report.loadTable(rows), "\n");
if (decisionRuns.length) console.log(report.decisionTable(decisionRuns), "\n");
if (expiry) console.log(report.expiryTable(expiry), "\n");
console.log(report.goals(rows, decisionRuns, expiry));
if (chainVerdict) console.log(`\naudit verify after the run: ${chainVerdict}`);
console.log(`\npeak RSS of this benchmark process: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
process.exit(0);
