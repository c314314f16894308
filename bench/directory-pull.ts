/**
 * The directory-pull part of `npm run bench:lifecycle` (issue 16, point 5), on a database of its
 * own: a local Okta org (test/fakes/okta.ts) of PULL_USERS people in PULL_GROUPS groups, read by
 * the product's connector through Okta's SDK and applied by the sync service:
 *  1. the first, full pull: every person hired (joiner plans), managers, groups; goal ≤ 30 s;
 *  2. a delta pull after PULL_CHANGES people changed department; goal ≤ 2 s;
 *  3. a full pull of the unchanged directory (what a daily full read costs).
 */
import pg from "pg";
import { systemActor } from "@/server/core/actor";
import { createDrizzle } from "@/server/db/client";
import { oktaConnector } from "@/server/directory/okta";
import { seedIfEmpty } from "@/server/services/demo-organization";
import { createDirectoryPull, runDirectoryPull } from "@/server/services/directory/pulls";
import { oktaUsers, startFakeOkta } from "@/test/fakes/okta";
import { closing, cpuMs, fmtInt, machine, peakRssMB, postgresCpuMs } from "./measure";
import { scratchDatabase } from "./scratch-database";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const USERS = arg("pull-users", 10_000);
const GROUPS = arg("pull-groups", 50);
const CHANGES = arg("pull-changes", 100);

export async function directoryPullBenchmark() {
  const before = machine();
  const { url, done } = await scratchDatabase("pull");
  const pool = new pg.Pool({ connectionString: url, max: 4, idleTimeoutMillis: 0 });
  const pgCpu = () => postgresCpuMs((q) => pool.query<{ pid: number }>(q));
  const users = oktaUsers(USERS, "2026-01-01T00:00:00.000Z");
  for (let i = 1; i < users.length; i++) users[i]!.profile.managerId = users[Math.floor(i / 10)]!.id;
  const okta = await startFakeOkta({
    users,
    groups: Array.from({ length: GROUPS }, (_, g) => ({
      id: `00gbench${String(g).padStart(4, "0")}`,
      name: `bench-group-${g}`,
      members: users.filter((_, i) => i % GROUPS === g).map((u) => u.id),
      lastUpdated: "2026-01-01T00:00:00.000Z",
      lastMembershipUpdated: "2026-01-01T00:00:00.000Z",
    })),
  });
  process.env.BENCH_OKTA_TOKEN = okta.token;
  try {
    const db = createDrizzle(pool);
    const clock = () => new Date();
    await seedIfEmpty(db, clock);
    const it = { db, clock, actor: systemActor("bench") };
    const settings = { orgUrl: okta.url, tokenEnv: "BENCH_OKTA_TOKEN" };
    await createDirectoryPull({
      ctx: it,
      input: { key: "bench-okta", name: "Bench Okta", kind: "okta", settings, intervalMinutes: 60 },
    });
    const connect = () => oktaConnector(settings);
    const pull = async () => {
      const [c0, p0, t] = [cpuMs(), await pgCpu(), performance.now()];
      const outcome = await runDirectoryPull({ ctx: it, input: { key: "bench-okta" }, connect });
      if (outcome.status !== "ok") throw new Error(`pull ${outcome.status}: ${outcome.error}`);
      const ms = performance.now() - t;
      return { ms, node: cpuMs() - c0, pg: p0 === null ? null : (await pgCpu())! - p0, result: outcome.result! };
    };

    const full = await pull();
    for (const u of users.slice(1, 1 + CHANGES)) {
      u.profile = { ...u.profile, department: "Finance" };
      u.lastUpdated = okta.now();
    }
    const delta = await pull();
    // a full read of an unchanged directory: the daily one (the cursor is dropped to force it)
    await pool.query("update directory_pulls set cursor = null");
    const again = await pull();

    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(16))).join("  ");
    const secs = (ms: number | null) => (ms === null ? "—" : `${(ms / 1000).toFixed(1)} s`);
    const row = (name: string, r: Awaited<ReturnType<typeof pull>>, goal: string) =>
      line([
        name,
        `${(r.ms / 1000).toFixed(2)} s`,
        `${fmtInt(r.result.users.created)} / ${fmtInt(r.result.users.changed)} / ${fmtInt(r.result.users.unchanged)}`,
        fmtInt(r.result.stats.requests),
        `${secs(r.node)} / ${secs(r.pg)}`,
        goal,
      ]);
    console.log(`\nClearance directory pull benchmark (Okta, local org) — ${before}`);
    console.log(line(["pull", "total", "hired/changed/same", "requests", "Node / PG CPU", "goal"]));
    console.log(row(`full: ${fmtInt(USERS)} people, ${GROUPS} groups`, full, "≤ 30 s"));
    console.log(row(`delta: ${fmtInt(CHANGES)} changed`, delta, "≤ 2 s"));
    console.log(row("full again, nothing changed", again, ""));
    console.log(`peak RSS (VmHWM) ${peakRssMB().toFixed(0)} MB; ${closing()}`);
    console.log(
      `goals: full pull ${full.ms <= 30_000 ? "met" : "MISSED"} (${(full.ms / 1000).toFixed(1)} s); ` +
        `delta ${delta.ms <= 2_000 ? "met" : "MISSED"} (${(delta.ms / 1000).toFixed(2)} s)`,
    );
  } finally {
    await okta.close();
    await pool.end();
    await done();
  }
}
