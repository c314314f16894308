/**
 * `npm run bench:metrics` (issue 15, point 12): what a Prometheus scrape of /api/metrics costs
 * the database when the adapter call log is long. On a database of its own: `--calls` logged
 * adapter calls (default 1,000,000: years of a 10,000-person company), a few hundred open
 * exceptions and pending operations. Times readOperationalFigures: the first scrape of a process,
 * the one that counts the whole log (30 s later), and the scrapes after it with 1,000 new calls
 * each; then, for comparison, counting the whole log every time. Prints a table with the load
 * average and the process's peak RSS. Last, the CPU each call's observation costs (its duration in
 * the histogram and, at LOG_LEVEL=info, its JSON log line written to /dev/null).
 *
 * Options: --calls=1000000 --scrapes=20 --keep. DATABASE_URL's server or the project's own PostgreSQL.
 */
import pg from "pg";
import { sql } from "drizzle-orm";
import pino from "pino";
import { createDrizzle } from "@/server/db/client";
import { recordCall } from "@/server/http/observe";
import { replaceLogger } from "@/server/log";
import { newAdapterCallTotals, readOperationalFigures } from "@/server/services/operations/figures";
import { loadAverage, median, now, peakRssMB, percentile, table } from "./measure";
import { scratchDatabase } from "./scratch-database";

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const CALLS = arg("calls", 1_000_000);
const SCRAPES = arg("scrapes", 20);
const KEEP = process.argv.includes("--keep");

async function logCalls(db: ReturnType<typeof createDrizzle>, n: number, from: number) {
  await db.execute(sql`
    insert into adapter_calls (system_key, call, outcome, duration_ms, at)
    select (array['google', 'github', 'okta', 'ldap', 'postgres'])[1 + g % 5],
           (array['grant', 'revoke', 'list'])[1 + g % 3],
           (array['done', 'done', 'done', 'error', 'waiting'])[1 + g % 5],
           g % 900, now() - make_interval(secs => g)
      from generate_series(${from}::int, ${from + n - 1}::int) g`);
}

/** CPU per recordCall() at a log level: the histogram, plus the JSON line at info. */
function observeCost(level: "info" | "warn"): string[] {
  replaceLogger(pino({ level }, pino.destination({ dest: "/dev/null", sync: true })));
  const calls = 200_000;
  const call = { procedure: "inbox.list", status: "ok", durationMs: 3.2, requestId: "req", actorId: "actor" };
  for (let i = 0; i < 20_000; i++) recordCall(call);
  const before = process.cpuUsage();
  for (let i = 0; i < calls; i++) recordCall(call);
  const used = process.cpuUsage(before);
  const what = level === "info" ? "LOG_LEVEL=info: histogram + JSON line" : "LOG_LEVEL=warn: histogram only";
  return [what, `${((used.user + used.system) / calls).toFixed(2)} µs`, calls.toLocaleString("en")];
}

async function main() {
  const loadBefore = loadAverage();
  const { url, done } = await scratchDatabase("metrics", { keep: KEEP });
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  const db = createDrizzle(pool);
  try {
    const t0 = now();
    await logCalls(db, CALLS, 1);
    await db.execute(sql`analyze adapter_calls`);
    console.log(`${CALLS.toLocaleString("en")} adapter calls logged in ${((now() - t0) / 1000).toFixed(1)} s`);

    const start = Date.now();
    const at = (s: number) => new Date(start + s * 1000);
    const totals = newAdapterCallTotals();
    const timedScrape = async (when: Date, t = totals) => {
      const t1 = now();
      const figures = await readOperationalFigures(db, when, t);
      return { ms: now() - t1, figures };
    };
    const first = await timedScrape(at(0));
    const counting = await timedScrape(at(31));
    const after: number[] = [];
    for (let i = 0; i < SCRAPES; i++) {
      await logCalls(db, 1000, CALLS + 1 + i * 1000);
      after.push((await timedScrape(at(62 + i * 15))).ms);
    }
    const whole: number[] = [];
    for (let i = 0; i < Math.min(SCRAPES, 5); i++) {
      const fresh = newAdapterCallTotals();
      await readOperationalFigures(db, at(0), fresh);
      whole.push((await timedScrape(at(31), fresh)).ms);
    }
    const counted = counting.figures.adapterCalls.reduce((n, c) => n + c.count, 0);
    const ms = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      table(
        ["scrape", "median", "p95", "max", "runs"],
        [
          ["first of a process (counts nothing yet)", ms(first.ms), ms(first.ms), ms(first.ms), "1"],
          [
            `30 s later: counts the whole log (${counted.toLocaleString("en")} calls)`,
            ms(counting.ms),
            ms(counting.ms),
            ms(counting.ms),
            "1",
          ],
          [
            "each later one, 1,000 new calls since",
            ms(median(after)),
            ms(percentile(after, 95)),
            ms(Math.max(...after)),
            String(after.length),
          ],
          [
            "counting the whole log every time (before)",
            ms(median(whole)),
            ms(percentile(whole, 95)),
            ms(Math.max(...whole)),
            String(whole.length),
          ],
        ],
      ),
    );
    console.log(table(["observing one call", "CPU per call", "calls"], [observeCost("info"), observeCost("warn")]));
    console.log(`load average before: ${loadBefore}; after: ${loadAverage()}`);
    console.log(`peak RSS (VmHWM) of the whole process: ${peakRssMB().toFixed(0)} MB`);
  } finally {
    await pool.end();
    await done();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
