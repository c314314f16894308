import { systemActor } from "@/server/core/actor";
import type { Db } from "@/server/db/client";
import { expireExceptions } from "@/server/services/exceptions/end";
import { applyDueHrEvents } from "@/server/services/hr/events";
import { runDueOperations } from "@/server/services/provisioning/operations";

/**
 * Expiry and provisioning, every few seconds rather than every minute: an expired exception
 * is revoked within seconds (seed 003's dual enforcement; expected access already ignores it by
 * the clock). The first round runs at once, so a worker that was down catches up on start.
 * Rows are locked with SKIP LOCKED, so every instance can run this loop.
 */
export function startEnforcementLoop({
  db,
  everyMs,
  log,
  clock = () => new Date(),
}: {
  db: Db;
  everyMs: number;
  log: (line: string) => void;
  clock?: () => Date;
}) {
  let busy = false;
  let stopped = false;
  const round = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      const expired = await expireExceptions({ ctx: { db, actor: systemActor("exceptions-expire"), clock } });
      const attempted = await runDueOperations({ ctx: { db, actor: systemActor("provisioning"), clock } });
      // Future-dated HR changes whose day has come (attributes first, so expected access follows).
      const hr = await applyDueHrEvents({ ctx: { db, actor: systemActor("hr-events"), clock } });
      if (hr) log(`jobs: ${hr} HR event${hr === 1 ? "" : "s"} applied`);
      if (expired || attempted)
        log(
          `jobs: ${expired} exception${expired === 1 ? "" : "s"} expired, ${attempted} provisioning operation${attempted === 1 ? "" : "s"} attempted`,
        );
    } catch (err) {
      log(`jobs: enforcement: ${(err as Error).message}`);
    } finally {
      busy = false;
    }
  };
  const first = round();
  const timer = setInterval(() => void round(), everyMs);
  return {
    /** The first (catch-up) round, for whoever needs to wait for it. */
    caughtUp: first,
    runNow: round,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      while (busy) await new Promise((r) => setTimeout(r, 20));
    },
  };
}
