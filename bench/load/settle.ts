import { cpuTicksOf, descendants, processesNamed, type Instance } from "./servers";

/**
 * Before a row is measured, the previous row's backlog must be gone: autocannon stops sending when
 * its time is up, but a saturated server still works through the calls it has queued (a minute of
 * exception-log previews nobody waits for any more). An instance is never at 0 % when idle: its jobs
 * poll (pg-boss queues, the audit sequencer five times a second, the enforcement loop), about 8 % of
 * a core on the load fixture. So each instance's idle use is measured once (`measureIdle`, the median
 * of one-second samples while nothing calls it) and a row waits until the instances use no more than
 * that plus 10 % of a core, for two one-second samples in a row, at most `maxMs`; returns the wait.
 * PostgreSQL's processes count too, with their own idle floor: after a row of writes the database
 * still works (autovacuum of the tables written, the checkpoint) on the core the next row needs.
 */

const TICKS_PER_SECOND = 100;
const SAMPLE_MS = 1_000;
/** what the instances may use above their idle floor and count as settled: 10 % of a core */
const MARGIN_TICKS = 0.1 * TICKS_PER_SECOND * (SAMPLE_MS / 1_000);

const instanceTicks = (instances: Instance[]) => cpuTicksOf(instances.flatMap((i) => descendants(i.child.pid!)));
// A backend that ends between two samples takes its ticks with it: a difference below 0 counts as 0.
const postgresTicks = () => cpuTicksOf(processesNamed("postgres"));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idleTicks = new WeakMap<Instance, number>();
let postgresIdleTicks = 0;

/**
 * The instance's CPU per sample while nothing calls it: the median of `samples` one-second samples;
 * PostgreSQL's idle floor is measured alongside (the instances' jobs keep it polling).
 */
export async function measureIdle(instance: Instance, samples = 10): Promise<number> {
  const seen: number[] = [];
  const seenPostgres: number[] = [];
  let before = instanceTicks([instance]);
  let beforePostgres = postgresTicks();
  for (let i = 0; i < samples; i++) {
    await sleep(SAMPLE_MS);
    const now = instanceTicks([instance]);
    const nowPostgres = postgresTicks();
    seen.push(now - before);
    seenPostgres.push(Math.max(0, nowPostgres - beforePostgres));
    [before, beforePostgres] = [now, nowPostgres];
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  idleTicks.set(instance, median(seen));
  postgresIdleTicks = median(seenPostgres);
  return median(seen) / (TICKS_PER_SECOND * (SAMPLE_MS / 1_000));
}

export async function settle(instances: Instance[], maxMs = 90_000): Promise<number> {
  const floor = instances.reduce((sum, i) => sum + (idleTicks.get(i) ?? 0), 0);
  const t0 = Date.now();
  let quiet = 0;
  let before = instanceTicks(instances);
  let beforePostgres = postgresTicks();
  while (Date.now() - t0 < maxMs && quiet < 2) {
    await sleep(SAMPLE_MS);
    const now = instanceTicks(instances);
    const nowPostgres = postgresTicks();
    const calm =
      now - before <= floor + MARGIN_TICKS &&
      Math.max(0, nowPostgres - beforePostgres) <= postgresIdleTicks + MARGIN_TICKS;
    quiet = calm ? quiet + 1 : 0;
    [before, beforePostgres] = [now, nowPostgres];
  }
  return Date.now() - t0;
}
