/**
 * `npm run bench:decisions` (issue 14, goal 2): how many approvals per second the database path
 * allows, at the service level (no HTTP), with 16 approvers deciding at once on separate
 * connections. A new database each run (DATABASE_URL's server, e.g. postgres://postgres@127.0.0.1:5432/postgres,
 * or the project's own PostgreSQL under .data/bench), dropped at the end: the demo organization,
 * N bench people with one pending finance-reports request each (the CFO decides), then 16 loops
 * of decideRequest(approve). While they run, a separate connection samples pg_stat_activity every
 * 50 ms: how many of the bench's connections are active, and how many wait on a lock (and which).
 * With the audit sequencer (issue 14) it also runs in the background, as in the app's workers, and
 * the sampler records, for each event, how long it stayed committed but unlinked (first sample that
 * sees it unlinked to the first that sees it linked, so 50 ms resolution): the chain's lag. At the end `audit verify`
 * must pass. Options: --requests=N (default 2000), --workers=N (default 16), --keep.
 */
import { eq } from "drizzle-orm";
import pg from "pg";
import { createDrizzle, type Db } from "@/server/db/client";
import { identities } from "@/server/db/schema";
import { newAuditKeyEntry } from "@/server/services/audit-keys";
import { verifyAuditChain } from "@/server/services/audit-log";
import { seedIfEmpty } from "@/server/services/demo-organization";
import { decideRequest } from "@/server/services/requests/decide";
import { submitRequest } from "@/server/services/requests/submit";
import { actorForIdentity } from "@/server/services/sessions";
import { loadAverage, peakRssMB, percentile, table } from "./measure";
import { scratchDatabase } from "./scratch-database";

// The benchmark's database is thrown away: a key of its own signs its audit events.
process.env.CLEARANCE_AUDIT_KEYS ||= newAuditKeyEntry("bench-1");

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const REQUESTS = arg("requests", 2000);
const WORKERS = arg("workers", 16);
const KEEP = process.argv.includes("--keep");

// Round trips: every statement the bench's process sends, counted during the decisions only.
let statements = 0;
let counting = false;
const send = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  if (counting) statements++;
  return (send as (...a: unknown[]) => unknown).apply(this, args);
} as typeof send;

/** The sequencer, when this version of Clearance has one (the bench also runs on the code before it). */
async function sequencer(db: Db) {
  try {
    const { chainAuditEvents } = await import("@/server/services/audit-sequencer");
    const { startAuditSequencer } = await import("@/server/jobs/audit-sequencer");
    return {
      chain: () => chainAuditEvents({ db }),
      start: () => startAuditSequencer({ db, everyMs: 200, log: console.log }),
    };
  } catch {
    return null;
  }
}

/** REQUESTS pending requests, one per bench person: one submitted through the service, the rest copies of it. */
async function pendingRequests(pool: pg.Pool, db: Db): Promise<string[]> {
  await pool.query(
    `insert into identities (external_id, email, display_name, department, job_title, employment_status, employment_type, hire_date)
     select 'bench.' || g, 'bench.user' || g || '@bench.test', 'Bench User ' || g, 'Sales', 'Analyst', 'Active', 'FTE', '2024-01-01'
     from generate_series(1, ${REQUESTS}) g`,
  );
  const [sarah] = await db.select().from(identities).where(eq(identities.email, "sarah.chen@company.com"));
  const actor = (await actorForIdentity(db, sarah!.id))!;
  const first = await submitRequest({
    ctx: { db, actor, clock: () => new Date() },
    input: {
      templateKey: "finance-reports",
      durationMinutes: 7 * 24 * 60,
      justification: "Q4 sales commission analysis project, for the decisions benchmark.",
      requestedStart: null,
      fields: { project: "bench" },
      ticketReference: null,
    },
  });
  const columns = async (table: string, without: string[]) =>
    (
      await pool.query<{ c: string }>(
        `select quote_ident(column_name) as c from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position`,
        [table],
      )
    ).rows
      .map((r) => r.c)
      .filter((c) => !without.includes(c));
  const requestCols = await columns("access_requests", ["id", "number", "requester_id"]);
  const approverCols = await columns("request_approvers", ["request_id"]);
  const { rows } = await pool.query<{ id: string }>(
    `with copies as (
       insert into access_requests (requester_id, ${requestCols.join(", ")})
       select i.id, ${requestCols.map((c) => `r.${c}`).join(", ")}
       from access_requests r, identities i where r.id = $1 and i.external_id like 'bench.%' and i.external_id <> 'bench.1'
       returning id)
     , approvers as (
       insert into request_approvers (request_id, ${approverCols.join(", ")})
       select copies.id, ${approverCols.map((c) => `a.${c}`).join(", ")} from copies, request_approvers a where a.request_id = $1
       returning request_id)
     select id from copies`,
    [first.id],
  );
  return [first.id, ...rows.map((r) => r.id)];
}

async function main() {
  const scratch = await scratchDatabase("decisions", { keep: KEEP });
  const setup = new pg.Pool({ connectionString: scratch.url, max: 4 });
  const db = createDrizzle(setup);
  const workerPools = Array.from({ length: WORKERS }, () => new pg.Pool({ connectionString: scratch.url, max: 1 }));
  const sampler = new pg.Client({ connectionString: scratch.url });
  const seqPool = new pg.Pool({ connectionString: scratch.url, max: 1 });
  // Dropping the database at the end ends any connection still open; that is expected.
  for (const p of [setup, seqPool, ...workerPools]) p.on("error", () => undefined);
  sampler.on("error", () => undefined);
  try {
    await seedIfEmpty(db, () => new Date());
    const ids = await pendingRequests(setup, db);
    const seq = await sequencer(createDrizzle(seqPool));
    await seq?.chain();
    const [cfo] = await db.select().from(identities).where(eq(identities.email, "cfo@company.com"));
    const actor = (await actorForIdentity(db, cfo!.id))!;
    await sampler.connect();
    await Promise.all(workerPools.map((p) => p.query("select 1")));

    const samples: { active: number; lockWaits: number; advisory: number }[] = [];
    // Chain lag: when each event was first seen committed and unlinked, and how long until it was linked.
    const firstSeen = new Map<string, number>();
    const lags: number[] = [];
    let sampling = true;
    const sampling$ = (async () => {
      while (sampling) {
        const { rows } = await sampler.query<{
          active: number;
          lock_waits: number;
          advisory: number;
          unlinked: string[] | null;
        }>(
          `select count(*) filter (where state = 'active')::int as active,
                  count(*) filter (where wait_event_type = 'Lock')::int as lock_waits,
                  count(*) filter (where wait_event_type = 'Lock' and wait_event = 'advisory')::int as advisory,
                  ${seq ? "(select array_agg(id::text) from audit_events where seq is null)" : "null::text[]"} as unlinked
           from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
        );
        const r = rows[0]!;
        samples.push({ active: r.active, lockWaits: r.lock_waits, advisory: r.advisory });
        const at = performance.now();
        const still = new Set(r.unlinked ?? []);
        for (const id of still) if (!firstSeen.has(id)) firstSeen.set(id, at);
        for (const [id, seen] of firstSeen)
          if (!still.has(id)) {
            lags.push(at - seen);
            firstSeen.delete(id);
          }
        await new Promise((res) => setTimeout(res, 50));
      }
    })();
    const background = seq?.start();

    const queue = [...ids];
    const latencies: number[] = [];
    const failures: string[] = [];
    const loadBefore = loadAverage();
    const cpu0 = process.cpuUsage();
    counting = true;
    const t0 = performance.now();
    await Promise.all(
      workerPools.map(async (pool) => {
        const wdb = createDrizzle(pool);
        const ctx = { db: wdb, actor, clock: () => new Date(), request: { ip: "127.0.0.1", userAgent: "bench" } };
        for (let id = queue.pop(); id; id = queue.pop()) {
          const s = performance.now();
          try {
            await decideRequest({ ctx, input: { requestId: id, decision: "approve" } });
          } catch (err) {
            failures.push((err as Error).message);
          }
          latencies.push(performance.now() - s);
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    counting = false;
    const cpu = process.cpuUsage(cpu0);
    const loadAfter = loadAverage();
    await background?.stop();
    sampling = false;
    await sampling$;
    const verify = seq ? await verifyAuditChain({ ctx: { db }, stores: [] }) : null;

    const decided = latencies.length - failures.length;
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const lockWaits = samples.map((s) => s.lockWaits);
    console.log(
      table(
        ["figure", "value"],
        [
          ["code", seq ? "audit sequencer (no chain lock)" : "AUDIT_CHAIN_LOCK (before)"],
          ["approvers (connections)", String(WORKERS)],
          ["decisions", `${decided} (${failures.length} failed${failures[0] ? `: ${failures[0]}` : ""})`],
          ["decisions/s", (decided / elapsed).toFixed(1)],
          ["latency p50 / p95 / p99", [50, 95, 99].map((p) => `${percentile(latencies, p).toFixed(0)} ms`).join(" / ")],
          ["statements sent per decision (incl. sampler, sequencer)", (statements / Math.max(1, decided)).toFixed(1)],
          ["Node CPU per decision", `${((cpu.user + cpu.system) / 1000 / Math.max(1, decided)).toFixed(2)} ms`],
          [
            "active connections (mean, samples)",
            `${mean(samples.map((s) => s.active)).toFixed(1)} (${samples.length})`,
          ],
          ["waiting on a lock: mean / max", `${mean(lockWaits).toFixed(1)} / ${Math.max(0, ...lockWaits)}`],
          [
            "of which advisory: mean / max",
            `${mean(samples.map((s) => s.advisory)).toFixed(1)} / ${Math.max(0, ...samples.map((s) => s.advisory))}`,
          ],
          [
            "chain lag, commit seen to linked seen: p50 / p99 / max (events)",
            seq
              ? `${[50, 99, 100].map((p) => `${percentile(lags, p).toFixed(0)} ms`).join(" / ")} (${lags.length})`
              : "n/a",
          ],
          [
            "audit verify after the run",
            verify
              ? verify.ok
                ? `ok, ${verify.checked} events, ${verify.unchained.count} unlinked`
                : `BROKEN: ${verify.problem}`
              : "n/a",
          ],
          ["load average before / after (1 5 15 min; 2 cores, shared)", `${loadBefore} / ${loadAfter}`],
          ["peak RSS (VmHWM, whole process)", `${peakRssMB().toFixed(0)} MB`],
        ],
      ),
    );
    if (verify && !verify.ok) process.exitCode = 1;
  } finally {
    await sampler.end().catch(() => undefined);
    await Promise.all([...workerPools, seqPool, setup].map((p) => p.end()));
    await scratch.done();
  }
}

await main();
