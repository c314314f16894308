import { ExpiringLru } from "@/server/core/lru";
import type { DbOrTx } from "@/server/db/client";
import { actorInvalidation, EVERYTHING, type InvalidationFeed } from "./cache-invalidation";
import { loadSessionActor, type IdentityActor } from "./sessions";

/** How long a session's person is kept without a change announced: a bound, not the staleness (see docs/security.md). */
export const SESSION_CACHE_TTL_MS = 15_000;
export const SESSION_CACHE_MAX = 10_000;

/**
 * The person behind each session, kept briefly across requests (issue 14), so a signed-in call
 * does not query the session, the identity and the roles every time. Exact, not "eventually":
 * every change to what it holds (a session ended, a person no longer Active, renamed, roles
 * granted or removed) NOTIFYs in the writing transaction (migration 0020) and drops the person's
 * entries on every instance when it commits. Without a LISTEN connection nothing is served from
 * here; an entry also never outlives its session's expiry.
 */
export class SessionActorCache {
  readonly #entries: ExpiringLru<string, IdentityActor>;
  /** Hits and loads since start, for tests and benchmarks. */
  readonly stats = { hits: 0, loads: 0 };

  constructor(
    readonly feed: InvalidationFeed | null,
    readonly ttlMs = SESSION_CACHE_TTL_MS,
    max = SESSION_CACHE_MAX,
  ) {
    this.#entries = new ExpiringLru(max);
    feed?.subscribe((payload) => {
      if (payload === EVERYTHING) this.#entries.clear();
      else this.#entries.deleteWhere((actor) => actor.identityId === payload);
    });
  }

  async actorForSession(db: DbOrTx, sessionId: string, now: Date): Promise<IdentityActor | null> {
    const feed = this.feed;
    const at = now.getTime();
    if (feed?.connected) {
      const hit = this.#entries.get(sessionId, at);
      if (hit) {
        this.stats.hits++;
        return hit;
      }
    }
    // Noted before loading: a change announced while the query ran means the row may be older than it.
    const epoch = feed?.epoch;
    this.stats.loads++;
    const loaded = await loadSessionActor(db, sessionId, now);
    if (loaded && feed?.connected && feed.epoch === epoch) {
      // Shared by every request that hits it: frozen, so no caller can change it for the others.
      Object.freeze(loaded.actor.roles);
      Object.freeze(loaded.actor);
      this.#entries.set(sessionId, loaded.actor, Math.min(at + this.ttlMs, loaded.expiresAt.getTime()), at);
    }
    return loaded?.actor ?? null;
  }

  get size(): number {
    return this.#entries.size;
  }
}

const globalKey = Symbol.for("clearance.sessionActors");
type GlobalWithCache = typeof globalThis & { [globalKey]?: SessionActorCache };

/** The process's cache (one for all of Next.js's bundles), fed by its LISTEN connection. */
export function sessionActors(): SessionActorCache {
  const g = globalThis as GlobalWithCache;
  g[globalKey] ??= new SessionActorCache(actorInvalidation());
  return g[globalKey];
}
