import pg from "pg";
import { PgBoss } from "pg-boss";
import { inject } from "vitest";
import { withDatabase } from "@/test/support/urls";
import { until } from "./wait";

/**
 * Queues jobs on the instances' pg-boss queues, as their schedules do, from a client that only
 * sends (no supervision, no schedules of its own).
 */
export async function jobSender(databaseUrl: string) {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: "pgboss",
    max: 2,
    migrate: false,
    supervise: false,
    schedule: false,
  });
  boss.on("error", () => undefined);
  await boss.start();
  return {
    send: async (name: string) => (await boss.send(name, {}))!,
    state: async (name: string, id: string) => (await boss.getJobById(name, id))?.state,
    stop: () => boss.stop({ graceful: false }),
  };
}

/**
 * Holds an ACCESS EXCLUSIVE lock on `table` (as the database's superuser, in a transaction of its
 * own) until `release()`: whatever reads the table waits. A job whose first query reads it is
 * stopped there, so that jobs taken by both instances are all under way before any goes on.
 */
export async function gate(databaseName: string, table: string) {
  const client = new pg.Client({ connectionString: withDatabase(inject("adminUrl"), databaseName) });
  await client.connect();
  await client.query("begin");
  await client.query(`lock table ${table} in access exclusive mode`);
  return {
    release: async () => {
      await client.query("commit");
      await client.end();
    },
  };
}

/**
 * The same period's job on both instances at once: the table its first query reads is locked,
 * one job is queued per instance, and the lock is released once every instance's worker for the
 * queue (one each, pg-boss's default) holds a job. Then both run the same period's work together.
 * Waits until both jobs have completed.
 */
export async function runOnBothAtOnce({
  databaseUrl,
  databaseName,
  queue,
  firstTable,
}: {
  databaseUrl: string;
  databaseName: string;
  queue: string;
  firstTable: string;
}) {
  const sender = await jobSender(databaseUrl);
  const lock = await gate(databaseName, firstTable);
  const check = new pg.Client({ connectionString: databaseUrl });
  await check.connect();
  try {
    const ids = [await sender.send(queue), await sender.send(queue)];
    // Active jobs of this queue (one of the instances' schedules may have queued one too).
    await until(async () => {
      const { rows } = await check.query<{ n: number }>(
        "select count(*)::int as n from pgboss.job where name = $1 and state = 'active'",
        [queue],
      );
      return rows[0]!.n >= 2;
    }, `both instances to take a ${queue} job`);
    await lock.release();
    await until(async () => {
      const states = await Promise.all(ids.map((id) => sender.state(queue, id)));
      if (states.some((s) => s === "failed")) throw new Error(`a ${queue} job failed`);
      return states.every((s) => s === "completed");
    }, `both ${queue} jobs to complete`);
  } finally {
    await lock.release().catch(() => undefined);
    await check.end();
    await sender.stop();
  }
}
