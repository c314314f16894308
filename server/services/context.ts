import type { Actor, Clock } from "@/server/core/actor";
import type { Db } from "@/server/db/client";

/** What every service verb receives: the database, who acts, the clock, and where from. */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  clock: Clock;
  request?: { ip?: string | null; userAgent?: string | null };
}
