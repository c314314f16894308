import { readFileSync } from "node:fs";
import { descendants, type Instance } from "./servers";

/**
 * Before a row is measured, the previous row's backlog must be gone: autocannon stops sending when
 * its time is up, but a saturated server still works through the calls it has queued (a minute of
 * exception-log previews nobody waits for any more). An instance is never at 0 % when idle: its jobs
 * poll (pg-boss queues, the audit sequencer five times a second, the enforcement loop), about 8 % of
 * a core on the load fixture. So each instance's idle use is measured once (`measureIdle`, the median
 * of one-second samples while nothing calls it) and a row waits until the instances use no more than
 * that plus 10 % of a core, for two one-second samples in a row, at most `maxMs`; returns the wait.
 */

const TICKS_PER_SECOND = 100;
const SAMPLE_MS = 1_000;
/** what the instances may use above their idle floor and count as settled: 10 % of a core */
const MARGIN_TICKS = 0.1 * TICKS_PER_SECOND * (SAMPLE_MS / 1_000);

function cpuTicks(instances: Instance[]): number {
  let ticks = 0;
  for (const instance of instances) {
    for (const pid of descendants(instance.child.pid!)) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // utime and stime: fields 14 and 15 of stat, i.e. 12 and 13 after "pid (comm) ".
        ticks += Number(fields[11]) + Number(fields[12]);
      } catch {
        // ended meanwhile
      }
    }
  }
  return ticks;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const idleTicks = new WeakMap<Instance, number>();

/** The instance's CPU per sample while nothing calls it: the median of `samples` one-second samples. */
export async function measureIdle(instance: Instance, samples = 10): Promise<number> {
  const seen: number[] = [];
  let before = cpuTicks([instance]);
  for (let i = 0; i < samples; i++) {
    await sleep(SAMPLE_MS);
    const now = cpuTicks([instance]);
    seen.push(now - before);
    before = now;
  }
  seen.sort((a, b) => a - b);
  const median = seen[Math.floor(seen.length / 2)]!;
  idleTicks.set(instance, median);
  return median / (TICKS_PER_SECOND * (SAMPLE_MS / 1_000));
}

export async function settle(instances: Instance[], maxMs = 90_000): Promise<number> {
  const floor = instances.reduce((sum, i) => sum + (idleTicks.get(i) ?? 0), 0);
  const t0 = Date.now();
  let quiet = 0;
  let before = cpuTicks(instances);
  while (Date.now() - t0 < maxMs && quiet < 2) {
    await sleep(SAMPLE_MS);
    const now = cpuTicks(instances);
    quiet = now - before <= floor + MARGIN_TICKS ? quiet + 1 : 0;
    before = now;
  }
  return Date.now() - t0;
}
