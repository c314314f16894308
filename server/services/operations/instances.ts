import { eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { instanceHeartbeats } from "@/server/db/schema";

/** How often an instance's jobs say they are running, and how late a beat may be before they count as stopped. */
export const HEARTBEAT_EVERY_MS = 10_000;
export const HEARTBEAT_STALE_MS = 3 * HEARTBEAT_EVERY_MS;
/** A row not beaten for this long belongs to an instance that crashed: the next beat removes it. */
const FORGOTTEN_AFTER = "1 day";

export interface InstanceIdentity {
  instanceId: string;
  host: string;
  pid: number;
  startedAt: Date;
}

/** One beat: this instance's row says its jobs ran at `now`; rows of long-dead instances go. */
export async function beatInstance(db: Db, instance: InstanceIdentity, now: Date): Promise<void> {
  await db.execute(sql`
    with gone as (
      delete from instance_heartbeats where beat_at < ${now.toISOString()}::timestamptz - interval '${sql.raw(FORGOTTEN_AFTER)}'
    )
    insert into instance_heartbeats (instance_id, host, pid, started_at, beat_at)
    values (${instance.instanceId}, ${instance.host}, ${instance.pid}, ${instance.startedAt.toISOString()}, ${now.toISOString()})
    on conflict (instance_id) do update set beat_at = excluded.beat_at, host = excluded.host, pid = excluded.pid`);
}

/** An orderly stop: this instance's jobs no longer run. */
export async function forgetInstance(db: Db, instanceId: string): Promise<void> {
  await db.delete(instanceHeartbeats).where(eq(instanceHeartbeats.instanceId, instanceId));
}

/** When this instance's jobs last beat, or null when they never did (or stopped in order). */
export async function lastBeatOf(db: Db, instanceId: string): Promise<Date | null> {
  const [row] = await db
    .select({ beatAt: instanceHeartbeats.beatAt })
    .from(instanceHeartbeats)
    .where(eq(instanceHeartbeats.instanceId, instanceId));
  return row?.beatAt ?? null;
}
