import type { JobLog } from "./log";
import type { Db } from "@/server/db/client";
import {
  beatInstance,
  forgetInstance,
  HEARTBEAT_EVERY_MS,
  type InstanceIdentity,
} from "@/server/services/operations/instances";

/**
 * The jobs' heartbeat: GET /api/ready of the same instance reports its jobs as running while
 * the beats are fresh. The first beat is written before this returns, so an instance is ready
 * as soon as its jobs have started.
 */
export async function startHeartbeat({
  db,
  instance,
  log,
  everyMs = HEARTBEAT_EVERY_MS,
  clock = () => new Date(),
}: {
  db: Db;
  instance: InstanceIdentity;
  log: JobLog;
  everyMs?: number;
  clock?: () => Date;
}) {
  await beatInstance(db, instance, clock());
  let beating: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (beating) return;
    beating = beatInstance(db, instance, clock())
      .catch((err: Error) => log(`jobs: heartbeat: ${err.message}`, "warn"))
      .finally(() => (beating = null));
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await beating;
      await forgetInstance(db, instance.instanceId).catch((err: Error) =>
        log(`jobs: heartbeat: ${err.message}`, "warn"),
      );
    },
  };
}
