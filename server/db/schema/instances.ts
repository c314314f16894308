import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

const at = () => timestamp({ withTimezone: true, mode: "date" });

/**
 * The app instances whose jobs are running, one row each, beaten every few seconds by the jobs
 * (server/jobs/heartbeat.ts) and removed on an orderly stop. GET /api/ready reads its own
 * instance's row ("are my jobs running?"); /api/metrics counts the fresh ones. A row whose
 * beat is a day old (a crashed instance) is removed by the next beat of any instance.
 */
export const instanceHeartbeats = pgTable("instance_heartbeats", {
  /** CLEARANCE_INSTANCE_ID, or the launcher's own: host, process id and a random part */
  instanceId: text().primaryKey(),
  host: text().notNull(),
  pid: integer().notNull(),
  startedAt: at().notNull(),
  beatAt: at().notNull(),
});
