import type { Actor, Clock } from "@/server/core/actor";
import type { Db } from "@/server/db/client";

/** What every service verb receives: the database, who acts, the clock, and where from. */
export interface ServiceContext {
  db: Db;
  actor: Actor;
  clock: Clock;
  request?: { ip?: string | null; userAgent?: string | null };
}

/** A service call made by a signed-in person (requests, inbox, delegation): the actor is never the system. */
export type PersonContext = ServiceContext & { actor: Extract<Actor, { type: "identity" }> };

/**
 * A call authenticated by an HR source's token (HR events, SCIM): it reaches only the people
 * that source manages (identities.managed_by), see docs/security/source-scoping.md.
 */
export type SourceContext = ServiceContext & { sourceKey: string };
