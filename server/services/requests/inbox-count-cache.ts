import type { PersonContext } from "../context";
import { inboxCount } from "./inbox";

/**
 * The number beside Inbox, which every page shows: counting what waits for a person reads every
 * open request (~4 ms of PostgreSQL for 5,000 of them), so each instance keeps each person's count
 * for at most MAX_AGE_MS. It is dropped at once, for everyone, when a tRPC mutation on this instance
 * completes (`noteWrite`): a decision, a request or a delegation made here shows in the next count.
 * Writes elsewhere (another instance, the jobs, HR and SCIM) show within MAX_AGE_MS. The inbox list
 * itself is never cached.
 */
export const MAX_AGE_MS = 5_000;
const MAX_ENTRIES = 20_000;

interface Entry {
  n: number;
  at: number;
  epoch: number;
}

// On globalThis: Next.js loads this module in several bundles (the tRPC route, the pages), which must share it.
const key = Symbol.for("clearance.inboxCounts");
type Store = { epoch: number; entries: WeakMap<object, Map<string, Entry>> };
const store: Store = ((globalThis as { [key]?: Store })[key] ??= { epoch: 0, entries: new WeakMap() });

/** A write completed on this instance: every cached count is stale. */
export function noteWrite(): void {
  store.epoch++;
}

export async function cachedInboxCount({ ctx }: { ctx: PersonContext }): Promise<number> {
  const { entries } = store;
  let byPerson = entries.get(ctx.db);
  if (!byPerson) entries.set(ctx.db, (byPerson = new Map()));
  const now = ctx.clock().getTime();
  const hit = byPerson.get(ctx.actor.identityId);
  if (hit && hit.epoch === store.epoch && now - hit.at >= 0 && now - hit.at < MAX_AGE_MS) return hit.n;
  // The epoch when counting starts: a write that completes while it counts makes this count stale too.
  const started = store.epoch;
  const n = await inboxCount({ ctx });
  if (byPerson.size >= MAX_ENTRIES) {
    for (const [id, e] of byPerson) if (e.epoch !== store.epoch || now - e.at >= MAX_AGE_MS) byPerson.delete(id);
    if (byPerson.size >= MAX_ENTRIES) byPerson.clear();
  }
  byPerson.set(ctx.actor.identityId, { n, at: now, epoch: started });
  return n;
}
