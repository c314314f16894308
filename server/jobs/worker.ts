import type { JobLog } from "./log";
import { PgBoss } from "pg-boss";
import { systemActor } from "@/server/core/actor";
import { getDb, type Db } from "@/server/db/client";
import { deliverOutbox } from "@/server/services/mail";
import { closeAdapters } from "@/server/services/provisioning/adapters";
import type { InstanceIdentity } from "@/server/services/operations/instances";
import { runQueuedExports } from "@/server/services/reports/background-export";
import { startAuditSequencer } from "./audit-sequencer";
import { AUDIT_CHECKPOINT_JOB, scheduledJobs } from "./definitions";
import { startEnforcementLoop } from "./enforcement";
import { startHeartbeat } from "./heartbeat";
import { runScheduledJob } from "./scheduled-run";
import { smtpSender } from "./mail-transport";

const MAIL_POLL_MS = Number(process.env.CLEARANCE_MAIL_POLL_MS ?? 2000);
const ENFORCEMENT_POLL_MS = Number(process.env.CLEARANCE_ENFORCEMENT_POLL_MS ?? 3000);
const AUDIT_SEQUENCER_MS = Number(process.env.CLEARANCE_AUDIT_SEQUENCER_MS ?? 200);

/**
 * Starts the background work of one app instance: the pg-boss schedules (escalation,
 * reminders, pending expiry, expiry reminders, audit checkpoints), the expiry and provisioning
 * loop and, with SMTP_URL, the outbox sender. Safe to start on every instance.
 */
export async function startWorkers({
  databaseUrl,
  smtpUrl,
  log,
  db = getDb(),
  instance,
}: {
  databaseUrl: string;
  smtpUrl?: string;
  log: JobLog;
  db?: Db;
  /** this instance, for its heartbeat (GET /api/ready); none: no heartbeat (tests) */
  instance?: InstanceIdentity;
}) {
  // The app's role owns nothing (docs/security/db-roles.md): pg-boss's schema is installed by the
  // owner with the migrations (server/db/job-schema.ts), and index rebuilds need an owner too.
  const boss = new PgBoss({ connectionString: databaseUrl, schema: "pgboss", max: 4, migrate: false, reindex: false });
  boss.on("error", (err: Error) => log(`jobs: ${err.message}`, "warn"));
  await boss.start();
  for (const job of scheduledJobs) {
    await boss.createQueue(job.name);
    await boss.schedule(job.name, job.cron);
    await boss.work(job.name, async () => {
      await runScheduledJob(job, db, log);
    });
  }
  // A checkpoint at every start too, so a new or restarted deployment has one before the hour.
  await boss.send(AUDIT_CHECKPOINT_JOB, {});

  // Audit events are linked into the chain here, within a second of their commit (issue 14).
  const sequencer = startAuditSequencer({ db, everyMs: AUDIT_SEQUENCER_MS, log });
  const enforcement = startEnforcementLoop({ db, everyMs: ENFORCEMENT_POLL_MS, log });
  // Background exports: written to files with progress (server/services/reports/background-export.ts).
  let exporting = false;
  const exportTimer = setInterval(() => {
    if (exporting) return;
    exporting = true;
    runQueuedExports({ ctx: { db, actor: systemActor("reports-export"), clock: () => new Date() } })
      .then((n) => n && log(`jobs: ${n} export${n === 1 ? "" : "s"} written`))
      .catch((err: Error) => log(`jobs: exports: ${err.message}`, "warn"))
      .finally(() => (exporting = false));
  }, 2000);

  let mailTimer: NodeJS.Timeout | undefined;
  const sender = smtpUrl ? smtpSender(smtpUrl) : null;
  if (sender) {
    let busy = false;
    mailTimer = setInterval(() => {
      if (busy) return;
      busy = true;
      deliverOutbox({ db, clock: () => new Date(), send: sender.send })
        .catch((err: Error) => log(`mail: ${err.message}`, "warn"))
        .finally(() => (busy = false));
    }, MAIL_POLL_MS);
  }
  // Last: a beat says everything above is running.
  const heartbeat = instance ? await startHeartbeat({ db, instance, log }) : null;
  log(
    `jobs: ${scheduledJobs.map((j) => j.name).join(", ")}${sender ? "; mail over SMTP_URL" : "; no SMTP_URL, mail stays in the outbox (/outbox)"}`,
  );

  return {
    /** Queues a scheduled job now, as its schedule would (operators and tests). */
    runNow: (name: string) => boss.send(name, {}),
    /** Expiry and provisioning: the first round (catch-up after downtime) and a round on demand. */
    enforcement,
    schedules: () => boss.getSchedules(),
    stop: async () => {
      await heartbeat?.stop();
      if (mailTimer) clearInterval(mailTimer);
      clearInterval(exportTimer);
      while (exporting) await new Promise((r) => setTimeout(r, 50));
      await enforcement.stop();
      await closeAdapters();
      sender?.close();
      await boss.stop({ graceful: true, timeout: 5000 });
      // Last, after everything that records events.
      await sequencer.stop();
    },
  };
}
