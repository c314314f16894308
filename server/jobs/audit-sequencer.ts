import type { JobLog } from "./log";
import type { Db } from "@/server/db/client";
import { chainAuditEvents } from "@/server/services/audit-sequencer";

/**
 * Links new audit events into the chain every `everyMs` (server/services/audit-sequencer.ts), so
 * an event stays unlinked for well under a second. Runs on every instance: one links at a time
 * (a try-lock), the others find the lock held and wait for their next turn.
 */
export function startAuditSequencer({ db, everyMs, log }: { db: Db; everyMs: number; log: JobLog }) {
  let busy = false;
  let stopped = false;
  let failing = false;
  const round = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      await chainAuditEvents({ db });
      if (failing) log("jobs: audit sequencer: linking again");
      failing = false;
    } catch (err) {
      // Once per outage, not five times a second.
      if (!failing) log(`jobs: audit sequencer: ${(err as Error).message}`, "warn");
      failing = true;
    } finally {
      busy = false;
    }
  };
  void round();
  const timer = setInterval(() => void round(), everyMs);
  return {
    runNow: round,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 20));
      // What was committed before the stop is linked now rather than by the next instance.
      await chainAuditEvents({ db }).catch(() => undefined);
    },
  };
}
