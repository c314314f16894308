/**
 * `npm run bench:export`: streams the audit trail as CSV and JSON, the way POST /api/reports/
 * audit-events does, over 1,000,000 events, and prints rows per second and peak memory.
 * Targets (issue 6): ≥ 50,000 rows/s and < 200 MB.
 *
 * The events go into a database of their own: DATABASE_URL's server (a new database, dropped at
 * the end) or the project's own PostgreSQL under .data/bench (kept, so a second run starts at once).
 * They are written with one INSERT … SELECT generate_series (realistic sizes, not a valid chain:
 * the export reads rows, it does not verify them).
 */
import pg from "pg";
import { createDrizzle } from "@/server/db/client";
import { prepareDatabase } from "@/server/db/bootstrap";
import { runMigrations } from "@/server/db/migrate";
import { reportChunks } from "@/server/services/reports/export";
import { reportSource } from "@/server/services/reports/sources";
import { peakRssMB, rssMB } from "./measure";

const EVENTS = Number(process.argv.find((a) => a.startsWith("--events="))?.slice(9) ?? 1_000_000);

async function database(): Promise<{ url: string; done: () => Promise<void> }> {
  const base = process.env.DATABASE_URL;
  if (base) {
    const name = `clearance_bench_export_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(base);
    url.pathname = `/${name}`;
    await runMigrations(url.toString());
    return {
      url: url.toString(),
      done: async () => {
        const c = new pg.Client({ connectionString: base });
        await c.connect();
        await c.query(`drop database if exists ${name} with (force)`);
        await c.end();
      },
    };
  }
  const prepared = await prepareDatabase({ ...process.env, CLEARANCE_DATA_DIR: ".data/bench" });
  return { url: prepared.url, done: async () => (prepared.embedded?.owned ? prepared.embedded.stop() : undefined) };
}

async function fill(pool: pg.Pool) {
  const { rows } = await pool.query<{ n: string }>("select count(*) as n from audit_events");
  const have = Number(rows[0]!.n);
  if (have >= EVENTS) return { inserted: 0, ms: 0 };
  const t = performance.now();
  await pool.query(
    `insert into audit_events (occurred_at, actor_type, actor_id, actor_label, action, subject_type, subject_id, before, after, reason, context, prev_hash, hash)
     select timestamptz '2025-01-01' + g * interval '30 seconds', 'identity', md5(g::text), 'person' || (g % 5000) || '@company.com',
            (array['request.submitted','request.approved','exception.created','exception.extended','exception.expired','auth.signed_in'])[1 + g % 6],
            'access_exception', md5((g * 7)::text),
            jsonb_build_object('status', 'active'), jsonb_build_object('status', 'removing', 'exception', 'EXC-' || g, 'resource', 'google:group:finance-reports@company.com'),
            case when g % 3 = 0 then 'Q4 sales commission analysis project, extended for Q1 data' end,
            jsonb_build_object('ip', '10.0.' || (g % 250) || '.' || (g % 200), 'userAgent', 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156'),
            md5((g - 1)::text) || md5((g - 1)::text), md5(g::text) || md5(g::text)
     from generate_series($1::int + 1, $2::int) g`,
    [have, EVENTS],
  );
  return { inserted: EVENTS - have, ms: performance.now() - t };
}

async function measure(db: ReturnType<typeof createDrizzle>, format: "csv" | "json") {
  const rssBefore = rssMB();
  let bytes = 0;
  let peak = rssBefore;
  const t = performance.now();
  let chunks = 0;
  for await (const chunk of reportChunks(reportSource(db, "audit-events", {}), format)) {
    bytes += Buffer.byteLength(chunk);
    if (++chunks % 10 === 0) peak = Math.max(peak, rssMB());
  }
  const ms = performance.now() - t;
  return {
    format,
    rows: EVENTS,
    ms,
    rowsPerSecond: EVENTS / (ms / 1000),
    mb: bytes / 1048576,
    peakRss: Math.max(peak, rssMB()),
  };
}

const { url, done } = await database();
const pool = new pg.Pool({ connectionString: url, max: 2 });
try {
  const filled = await fill(pool);
  if (filled.inserted)
    process.stderr.write(
      `inserted ${filled.inserted.toLocaleString("en-US")} events in ${(filled.ms / 1000).toFixed(1)} s\n`,
    );
  const db = createDrizzle(pool);
  const startRss = rssMB();
  const results = [await measure(db, "csv"), await measure(db, "json")];
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(8) : c.padStart(14))).join("  ");
  console.log(
    `Clearance export benchmark — node ${process.version}; ${EVENTS.toLocaleString("en-US")} audit events; RSS before exporting ${startRss.toFixed(0)} MB`,
  );
  console.log(line(["format", "rows", "seconds", "rows/s", "output MB", "peak RSS MB"]));
  for (const r of results) {
    console.log(
      line([
        r.format,
        r.rows.toLocaleString("en-US"),
        (r.ms / 1000).toFixed(2),
        Math.round(r.rowsPerSecond).toLocaleString("en-US"),
        r.mb.toFixed(0),
        r.peakRss.toFixed(0),
      ]),
    );
  }
  const worst = {
    rate: Math.min(...results.map((r) => r.rowsPerSecond)),
    rss: Math.max(peakRssMB(), ...results.map((r) => r.peakRss)),
  };
  console.log(
    `targets: ≥ 50,000 rows/s ${worst.rate >= 50_000 ? "met" : "MISSED"} (slowest ${Math.round(worst.rate).toLocaleString("en-US")}); < 200 MB ${worst.rss < 200 ? "met" : "MISSED"} (peak RSS of the process ${worst.rss.toFixed(0)} MB)`,
  );
} finally {
  await pool.end();
  await done();
}
