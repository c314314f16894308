import { writeAuditCheckpoint } from "@/server/services/audit-checkpoints/checkpoints";
import type { ServiceContext } from "@/server/services/context";
import { runScheduledDriftChecks } from "@/server/services/drift/queries";
import { deleteExpiredRateLimits } from "@/server/services/rate-limits";
import { runDueDirectoryPulls } from "@/server/services/directory/pulls";
import { remindExpiringExceptions } from "@/server/services/exceptions/remind";
import { sendMonthlyReport } from "@/server/services/reports/metrics";
import { escalateOverdueRequests, expireStaleRequests, remindApprovers } from "@/server/services/requests/deadlines";
import type { ScheduledJob } from "./scheduled-run";

/**
 * The scheduled jobs: a pg-boss queue each, run every minute. pg-boss sends one job per
 * schedule slot across all instances, and each service locks the rows it changes and checks
 * again, so a job that runs twice or on two instances does its work once. Expiry and
 * provisioning run on a few-seconds loop instead (server/jobs/enforcement.ts).
 */
export const AUDIT_CHECKPOINT_JOB = "audit-checkpoint";

/** A refused or partly failed checkpoint fails the job, so pg-boss keeps it as failed and the log says why. */
async function checkpointAuditChain(ctx: ServiceContext): Promise<number> {
  const result = await writeAuditCheckpoint({ ctx });
  if (!result.ok) throw new Error(`audit checkpoint refused: ${result.refused}`);
  if (result.failed.length)
    throw new Error(
      `audit checkpoint ${result.name} not written to ${result.failed.map((f) => `${f.location} (${f.problem})`).join("; ")}`,
    );
  return 0;
}

export const scheduledJobs: ScheduledJob[] = [
  { name: "requests-escalate", cron: "* * * * *", run: (ctx) => escalateOverdueRequests({ ctx }) },
  { name: "requests-remind", cron: "*/5 * * * *", run: (ctx) => remindApprovers({ ctx }) },
  { name: "requests-expire-pending", cron: "*/5 * * * *", run: (ctx) => expireStaleRequests({ ctx }) },
  { name: "exceptions-remind", cron: "*/5 * * * *", run: (ctx) => remindExpiringExceptions({ ctx }) },
  // Early on the 1st, and hourly that day in case an instance was down at 06:00: sent once per month.
  // Daily drift detection (seed 001, layer 5), at night; IT runs a system's check on demand from /drift.
  { name: "drift-daily", cron: "30 2 * * *", run: async (ctx) => (await runScheduledDriftChecks({ ctx })).length },
  { name: "reports-monthly", cron: "0 6-23 1 * *", run: (ctx) => sendMonthlyReport({ ctx }) },
  // A signed checkpoint of the audit chain's head, outside the database (docs/security/audit-chain.md).
  { name: AUDIT_CHECKPOINT_JOB, cron: "0 * * * *", run: checkpointAuditChain },
  // Directory pulls (issue 16, point 5) whose interval has passed; each runs on one instance at a time.
  { name: "directory-pull", cron: "* * * * *", run: (ctx) => runDueDirectoryPulls({ ctx }) },
  // Rate-limit buckets whose window has ended (server/services/rate-limits.ts).
  { name: "rate-limits-clean", cron: "*/10 * * * *", run: (ctx) => deleteExpiredRateLimits(ctx) },
];
