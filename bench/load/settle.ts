import { readFileSync } from "node:fs";
import { descendants, type Instance } from "./servers";

/**
 * Before a row is measured, the previous row's backlog must be gone: autocannon stops sending when
 * its time is up, but a saturated server still works through the calls it has queued (a minute of
 * exception-log previews nobody waits for any more). Waits until the instances' processes use
 * under 10 % of a core for two half-second samples in a row, at most `maxMs`; returns the wait.
 */

const TICKS_PER_SECOND = 100;

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

export async function settle(instances: Instance[], maxMs = 90_000): Promise<number> {
  const t0 = Date.now();
  let quiet = 0;
  let before = cpuTicks(instances);
  while (Date.now() - t0 < maxMs && quiet < 2) {
    await new Promise((r) => setTimeout(r, 500));
    const now = cpuTicks(instances);
    quiet = now - before < 0.1 * 0.5 * TICKS_PER_SECOND ? quiet + 1 : 0;
    before = now;
  }
  return Date.now() - t0;
}
