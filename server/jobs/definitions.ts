import type { ServiceContext } from "@/server/services/context";
import { escalateOverdueRequests, expireStaleRequests, remindApprovers } from "@/server/services/requests/deadlines";

/**
 * The scheduled jobs: a pg-boss queue each, run every minute. pg-boss sends one job per
 * schedule slot across all instances, and each service locks the rows it changes and checks
 * again, so a job that runs twice or on two instances does its work once.
 */
export const scheduledJobs: { name: string; cron: string; run: (ctx: ServiceContext) => Promise<number> }[] = [
  { name: "requests-escalate", cron: "* * * * *", run: (ctx) => escalateOverdueRequests({ ctx }) },
  { name: "requests-remind", cron: "*/5 * * * *", run: (ctx) => remindApprovers({ ctx }) },
  { name: "requests-expire-pending", cron: "*/5 * * * *", run: (ctx) => expireStaleRequests({ ctx }) },
];
