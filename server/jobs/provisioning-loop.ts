import type { JobLog } from "./log";
import { systemActor } from "@/server/core/actor";
import type { Db } from "@/server/db/client";
import { logger } from "@/server/log";
import { claimDue, concurrencyFor, dueSystems, performClaim, type Claim } from "@/server/services/provisioning/runner";

/**
 * The provisioning loop of one instance: claims due operations for every system up to its bound
 * (counted across instances, runner.ts) and calls them in parallel, without waiting for a round's
 * calls before claiming more: each finished call frees a slot and claims again at once. No call
 * is made inside a transaction; a stopped loop waits for its calls to be recorded.
 */
export function startProvisioningLoop({
  db,
  everyMs,
  log,
  clock = () => new Date(),
  holdWhile = () => false,
}: {
  db: Db;
  everyMs: number;
  log: JobLog;
  clock?: () => Date;
  /** no new claims while this holds (this instance's expiry round goes first); calls under way go on */
  holdWhile?: () => boolean;
}) {
  const ctx = { db, actor: systemActor("provisioning"), clock };
  const inFlight = new Set<Promise<void>>();
  let ticking: Promise<number> | null = null;
  let again = false;
  let stopped = false;

  const launch = (claim: Claim) => {
    const started = performance.now();
    const call: Promise<void> = performClaim(ctx, claim)
      .then((r) => {
        const { id, systemKey, action } = claim.op;
        const durationMs = Math.round(performance.now() - started);
        logger().info({
          msg: "job",
          job: "provisioning",
          operationId: id,
          system: systemKey,
          action,
          status: r,
          durationMs,
        });
        if (r === "lost")
          log(
            `jobs: provisioning: the claim on operation ${claim.op.id} ran out during its call; another runner took it over`,
            "warn",
          );
      })
      .catch((err: Error) => log(`jobs: provisioning: operation ${claim.op.id}: ${err.message}`, "warn"))
      .finally(() => {
        inFlight.delete(call);
        void tick();
      });
    inFlight.add(call);
  };

  /** Claims what there is room for; returns how many operations it claimed or settled. */
  const claimRound = async () => {
    let did = 0;
    if (holdWhile()) return did;
    do {
      again = false;
      for (const systemKey of await dueSystems(ctx)) {
        if (stopped) return did;
        const { claims, settled } = await claimDue(ctx, systemKey, concurrencyFor(systemKey));
        did += claims.length + settled;
        claims.forEach(launch);
      }
    } while (again && !stopped);
    return did;
  };

  const tick = (): Promise<number> => {
    if (stopped) return Promise.resolve(0);
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = claimRound()
      .catch((err: Error) => {
        log(`jobs: provisioning: ${err.message}`, "warn");
        return 0;
      })
      .finally(() => (ticking = null));
    return ticking;
  };

  const idle = async () => {
    while (ticking || inFlight.size) await Promise.allSettled([ticking, ...inFlight]);
  };

  const first = tick();
  const timer = setInterval(() => void tick(), everyMs);
  return {
    caughtUp: first,
    /** Claims now and waits until every call this loop has made is recorded and nothing more is due. */
    drain: async () => {
      do await idle();
      while ((await tick()) > 0);
      await idle();
    },
    /** Claims now, without waiting (work was just queued). */
    kick: () => void tick(),
    /** Calls in flight on this instance. */
    inFlight: () => inFlight.size,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await idle();
    },
  };
}
