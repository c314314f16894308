import type { JobLog } from "./log";
import { systemActor } from "@/server/core/actor";
import type { Db } from "@/server/db/client";
import { expireExceptions, nextExpiry } from "@/server/services/exceptions/end";
import { applyDueHrEvents } from "@/server/services/hr/events";
import { startProvisioningLoop } from "./provisioning-loop";

/**
 * Expiry and provisioning as two loops that never wait for each other. The expiry loop ends
 * exceptions past their expiry (out of expected access, marked expired, audited, removal
 * queued) in short batched transactions, every `everyMs` and also at the next expiry it knows
 * of, so an exception ends within a second or so of its expiry whatever the adapters do. The
 * provisioning loop (provisioning-loop.ts) carries the removals and grants out in parallel.
 * The first rounds run at once, so a worker that was down catches up on start. Rows are locked
 * with SKIP LOCKED and calls are claimed, so every instance can run both loops.
 */
export function startEnforcementLoop({
  db,
  everyMs,
  provisioningEveryMs = Math.min(everyMs, 1000),
  log,
  clock = () => new Date(),
}: {
  db: Db;
  everyMs: number;
  provisioningEveryMs?: number;
  log: JobLog;
  clock?: () => Date;
}) {
  let running: Promise<void> | null = null;
  // While this instance ends exceptions, it claims no new calls: an ending never waits behind the
  // work of recording removals on the same thread. Calls under way go on; other instances claim.
  const provisioning = startProvisioningLoop({
    db,
    everyMs: provisioningEveryMs,
    log,
    clock,
    holdWhile: () => running !== null,
  });
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const expiryRound = async () => {
    try {
      let latestMs = 0;
      const expired = await expireExceptions({
        ctx: { db, actor: systemActor("exceptions-expire"), clock },
        onEnded: (_, ms) => (latestMs = Math.max(latestMs, ms)),
      });
      if (expired) {
        log(
          `jobs: ${expired} exception${expired === 1 ? "" : "s"} expired, the latest ended ${(latestMs / 1000).toFixed(1)} s after its expiry`,
        );
      }
      // Future-dated HR changes whose day has come (attributes first, so expected access follows).
      const hr = await applyDueHrEvents({ ctx: { db, actor: systemActor("hr-events"), clock } });
      if (hr) log(`jobs: ${hr} HR event${hr === 1 ? "" : "s"} applied`);
    } catch (err) {
      log(`jobs: expiry: ${(err as Error).message}`, "warn");
    }
  };

  /** One expiry round at a time; then the next at `everyMs` or at the next expiry, whichever is sooner. */
  const round = (): Promise<void> => {
    if (running) return running;
    running = (async () => {
      clearTimeout(timer);
      await expiryRound();
      if (stopped) return;
      let waitMs = everyMs;
      try {
        const next = await nextExpiry(db, clock());
        if (next) waitMs = Math.max(0, Math.min(everyMs, next.getTime() - clock().getTime() + 5));
      } catch (err) {
        log(`jobs: expiry: ${(err as Error).message}`, "warn");
      }
      if (!stopped) timer = setTimeout(() => void round(), waitMs);
    })().finally(() => {
      running = null;
      // The removals queued are due now: no need to wait for the provisioning loop's next tick.
      provisioning.kick();
    });
    return running;
  };

  const first = round();
  return {
    /** The first (catch-up) rounds, for whoever needs to wait for them. */
    caughtUp: Promise.all([first, provisioning.caughtUp]).then(() => undefined),
    /** An expiry round now, then the operations due, waiting for their calls to be recorded. */
    runNow: async () => {
      await round();
      await provisioning.drain();
    },
    provisioning,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      while (running) await running;
      await provisioning.stop();
    },
  };
}
