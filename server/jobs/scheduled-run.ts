import { systemActor } from "@/server/core/actor";
import type { Db } from "@/server/db/client";
import { logger } from "@/server/log";
import type { ServiceContext } from "@/server/services/context";
import type { JobLog } from "./log";

export interface ScheduledJob {
  name: string;
  cron: string;
  run: (ctx: ServiceContext) => Promise<number>;
}

/**
 * One run of a scheduled job, with its JSON log line (issue 15, point 11): the job's name, done or
 * failed, how long it took and how many things it did; never whom they were about. A failure's
 * message goes to the launcher's warn line only, as an adapter's error text may name a person.
 */
export async function runScheduledJob(job: ScheduledJob, db: Db, log: JobLog) {
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  const done = await job.run({ db, actor: systemActor(job.name), clock: () => new Date() }).catch((err: Error) => {
    logger().warn({ msg: "job", job: job.name, status: "failed", durationMs: ms() });
    log(`jobs: ${job.name} failed: ${err.message}`, "warn");
    throw err;
  });
  logger().info({ msg: "job", job: job.name, status: "done", durationMs: ms(), count: done || 0 });
  if (done) log(`jobs: ${job.name}: ${done} request${done === 1 ? "" : "s"}`);
  return done;
}
