/**
 * `npm run bench:expiry` (issue 14, goal 3: expiry on time whatever the adapters do). On a
 * database of its own: 200 exceptions on one system expire together while its webhook target
 * takes 1.5 s per call. Two enforcement loops run, as two instances would (each on its own
 * pool, in this process). Prints p50/p99/max of (ended − expiry) and (removed − expiry), the
 * calls made and the most in flight at once, the load average and the process's peak RSS.
 * Target: ended − expiry p99 ≤ 5 s. Removal is bounded by physics: 200 calls × 1.5 s / 8 at once.
 *
 * Options: --exceptions=200 --delay-ms=1500 --instances=2 --concurrency=8 --keep.
 * The database is DATABASE_URL's server or the project's own PostgreSQL under .data/bench.
 */
import pg from "pg";
import { and, eq, inArray, sql } from "drizzle-orm";
import { createDrizzle } from "@/server/db/client";
import { accessExceptions, auditEvents } from "@/server/db/schema";
import { startEnforcementLoop } from "@/server/jobs/enforcement";
import { newAuditKeyEntry } from "@/server/services/audit-keys";
import { seedIfEmpty } from "@/server/services/demo-organization";
import { closeAdapters } from "@/server/services/provisioning/adapters";
import { insertExpiringExceptions } from "@/test/support/expiring";
import { startHoldingTarget } from "@/test/support/holding-target";
import { loadAverage, peakRssMB, percentile } from "./measure";
import { scratchDatabase } from "./scratch-database";

process.env.CLEARANCE_AUDIT_KEYS ||= newAuditKeyEntry("bench-1");

// Statements sent to PostgreSQL by everything in this process (a figure that does not depend on load).
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  statements++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

const arg = (name: string, fallback: number) =>
  Number(process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback);
const EXCEPTIONS = arg("exceptions", 200);
const DELAY_MS = arg("delay-ms", 1500);
const INSTANCES = arg("instances", 2);
const CONCURRENCY = arg("concurrency", 8);
const KEEP = process.argv.includes("--keep");
process.env.CLEARANCE_PROVISIONING_CONCURRENCY = String(CONCURRENCY);

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main() {
  const loadBefore = loadAverage();
  const { url, done } = await scratchDatabase("expiry", { keep: KEEP });
  const pools = Array.from({ length: INSTANCES + 1 }, () => new pg.Pool({ connectionString: url, max: 10 }));
  const [db, ...instanceDbs] = pools.map((p) => createDrizzle(p));
  const target = await startHoldingTarget({ delayMs: DELAY_MS, open: true });
  const loops: ReturnType<typeof startEnforcementLoop>[] = [];
  try {
    await seedIfEmpty(db!, () => new Date());
    // Only this run's work: the seed's queued operations and exceptions due soon are out of the way.
    await db!.execute(
      sql`update provisioning_operations set status = 'cancelled' where status in ('pending', 'waiting')`,
    );
    await db!
      .execute(sql`update access_exceptions set ended_at = expires_at, end_reason = 'expired', ended_by = 'bench',
      status = 'removed' where ended_at is null and expires_at < now() + interval '1 day'`);
    await db!.execute(sql`update systems set adapter_kind = 'webhook',
      adapter_config = ${JSON.stringify({ url: target.url, secret: "whsec_bench", timeoutMs: 60_000 })}::jsonb where key = 'google'`);

    const log = (line: string) => /provisioning: |expiry: /.test(line) && console.log(line);
    for (const instanceDb of instanceDbs) loops.push(startEnforcementLoop({ db: instanceDb, everyMs: 3000, log }));
    await Promise.all(loops.map((l) => l.caughtUp));
    const expiresAt = new Date(Date.now() + 3000);
    const ids = await insertExpiringExceptions(db!, { systemKey: "google", count: EXCEPTIONS, expiresAt });
    const cpu0 = process.cpuUsage();
    let ending: { ms: number; cpuMs: number; statements: number } | null = null;
    const statements0 = statements;
    const endedIds = sql`select count(*)::int as n from access_exceptions where id in ${ids} and ended_at is not null`;
    for (;;) {
      if (!ending) {
        const [{ n: endedNow }] = (await db!.execute<{ n: number }>(endedIds)).rows as [{ n: number }];
        if (endedNow === ids.length) {
          const c = process.cpuUsage(cpu0);
          ending = {
            ms: Date.now() - expiresAt.getTime(),
            cpuMs: (c.user + c.system) / 1000,
            statements: statements - statements0,
          };
        }
      }
      const [{ n }] = (
        await db!.execute<{ n: number }>(
          sql`select count(*)::int as n from access_exceptions where id in ${ids} and status = 'removed'`,
        )
      ).rows as [{ n: number }];
      if (n === ids.length) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const cpu = process.cpuUsage(cpu0);
    const ended = await db!
      .select({ at: auditEvents.occurredAt })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "exception.expired"), inArray(auditEvents.subjectId, ids)));
    const removed = await db!
      .select({ at: accessExceptions.removalDeliveredAt })
      .from(accessExceptions)
      .where(inArray(accessExceptions.id, ids));
    const endLag = ended.map((e) => e.at.getTime() - expiresAt.getTime());
    const removeLag = removed.map((e) => e.at!.getTime() - expiresAt.getTime());
    const revokes = target.calls.filter((c) => c.action === "revoke");
    const row = (name: string, xs: number[], goal: string) =>
      `| ${name} | ${xs.length} | ${s(percentile(xs, 50))} | ${s(percentile(xs, 99))} | ${s(Math.max(...xs))} | ${goal} |`;
    console.log(
      `\nexpiry under a slow target: ${EXCEPTIONS} exceptions expiring together, target ${DELAY_MS} ms per call, ` +
        `${INSTANCES} instance(s), at most ${CONCURRENCY} calls at once per system`,
    );
    console.log("| measure | n | p50 | p99 | max | goal |");
    console.log("|---|---|---|---|---|---|");
    console.log(row("ended − expiry", endLag, "p99 ≤ 5 s"));
    console.log(
      row("removed − expiry", removeLag, `≈ ${s((EXCEPTIONS * DELAY_MS) / CONCURRENCY)} (calls × delay / bound)`),
    );
    console.log(
      `revoke calls at the target: ${revokes.length} (${new Set(revokes.map((c) => c.operationId)).size} operations), ` +
        `most in flight at once: ${target.maxInFlight("google")}; this process's CPU while it ran: ` +
        `${s((cpu.user + cpu.system) / 1000)}`,
    );
    if (ending)
      console.log(
        `all ${ids.length} ended ${s(ending.ms)} after their expiry; until then this process used ${s(ending.cpuMs)} of CPU ` +
          `and sent ${ending.statements} statements (both loops, the removals under way and this benchmark's polling)`,
      );
    console.log(
      `load average before: ${loadBefore}; after: ${loadAverage()} (2 cores, shared: figures on a busy machine)`,
    );
    console.log(`peak RSS (VmHWM) of the whole process: ${peakRssMB().toFixed(0)} MB`);
  } finally {
    await Promise.all(loops.map((l) => l.stop()));
    await target.close();
    await closeAdapters();
    await Promise.all(pools.map((p) => p.end()));
    await done();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
