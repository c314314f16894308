import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDrizzle, type Db } from "@/server/db/client";
import { identities, portalRoleAssignments } from "@/server/db/schema";
import { actorFor, identityIdByEmail, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { ACTOR_CHANNEL, EVERYTHING, PgInvalidationListener, type InvalidationFeed } from "./cache-invalidation";
import { changeIdentityAttributes } from "./identities";
import { SessionActorCache } from "./session-cache";
import { endSession, startSession } from "./sessions";

/**
 * Two "instances": each its own pool, LISTEN connection and cache, on one database. A change made
 * through one is seen by the other's next call as soon as the notification arrives; the tests wait
 * for that event (never for a time) before calling.
 */
let t: TestDatabase;
let poolB: pg.Pool;
let dbB: Db;
const instances: { listener: PgInvalidationListener; cache: SessionActorCache }[] = [];

function instance(retryMs?: number) {
  const listener = new PgInvalidationListener({
    url: t.url,
    channel: ACTOR_CHANNEL,
    heartbeatMs: 60_000,
    retryMs,
  }).start();
  const made = { listener, cache: new SessionActorCache(listener) };
  instances.push(made);
  return made;
}

/** Resolves when `listener` hears `payload` (registered before the change is made). */
const heard = (listener: PgInvalidationListener, payload: string) =>
  new Promise<void>((resolve) => {
    const on = (p: string) => {
      if (p !== payload) return;
      listener.off("notification", on);
      resolve();
    };
    listener.on("notification", on);
  });

const now = () => new Date();
const open = async (db: Db, email: string) =>
  startSession({
    ctx: { db, clock: now, actor: await actorFor(db, email), request: { ip: "203.0.113.9", userAgent: "vitest" } },
    input: { provider: "oidc", lifetimeSeconds: 3600 },
  });

beforeAll(async () => {
  t = await createTestDatabase();
  poolB = new pg.Pool({ connectionString: t.url, max: 4 });
  poolB.on("error", () => undefined);
  dbB = createDrizzle(poolB);
});
afterAll(async () => {
  for (const i of instances) await i.listener.stop();
  await poolB.end();
  await t.close();
});

describe("the session cache across instances", () => {
  it("serves a session from the cache, and refuses it on the other instance at once when the person is terminated on one", async () => {
    const a = instance();
    const b = instance();
    await Promise.all([a.listener.waitUntilConnected(), b.listener.waitUntilConnected()]);
    const session = await open(t.db, "alice@company.com");
    const aliceId = await identityIdByEmail(t.db, "alice@company.com");

    expect(await b.cache.actorForSession(dbB, session, now())).toMatchObject({ email: "alice@company.com" });
    expect(await b.cache.actorForSession(dbB, session, now())).toMatchObject({ email: "alice@company.com" });
    expect(b.cache.stats).toEqual({ hits: 1, loads: 1 });

    // Terminated through the HR path on instance A's pool; B only hears of it.
    const announced = heard(b.listener, aliceId);
    const it = await actorFor(t.db, "priya.raman@company.com");
    await changeIdentityAttributes({
      ctx: serviceContext(t.db, it, now),
      input: { identityId: aliceId, attributes: { employment_status: "Terminated" }, source: "admin" },
    });
    await announced;
    expect(await b.cache.actorForSession(dbB, session, now())).toBeNull();
    expect(b.cache.stats).toEqual({ hits: 1, loads: 2 });
  });

  it("drops a person's entries when a portal role is granted or removed, or the session is signed out", async () => {
    const b = instance();
    await b.listener.waitUntilConnected();
    const session = await open(t.db, "bob@company.com");
    const bobId = await identityIdByEmail(t.db, "bob@company.com");
    const roles = async () => (await b.cache.actorForSession(dbB, session, now()))?.roles;
    const before = await roles();
    expect(before).not.toContain("auditor");
    expect(await roles()).toEqual(before); // from the cache

    let announced = heard(b.listener, bobId);
    await t.db.insert(portalRoleAssignments).values({ identityId: bobId, role: "auditor", grantedBy: "test" });
    await announced;
    expect(await roles()).toContain("auditor");

    announced = heard(b.listener, bobId);
    await t.db.delete(portalRoleAssignments).where(eq(portalRoleAssignments.identityId, bobId));
    await announced;
    expect(await roles()).toEqual(["employee"]);

    announced = heard(b.listener, bobId);
    await endSession({ ctx: { db: t.db, clock: now }, input: { sessionId: session } });
    await announced;
    expect(await b.cache.actorForSession(dbB, session, now())).toBeNull();
  });

  it("announces only committed changes, and not changes the cache does not hold", async () => {
    const b = instance();
    await b.listener.waitUntilConnected();
    const payloads: string[] = [];
    b.listener.on("notification", (p: string) => payloads.push(p));
    const johnId = await identityIdByEmail(t.db, "john.doe@company.com");
    const janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    await t.db
      .transaction(async (tx) => {
        await tx.update(identities).set({ displayName: "Rolled Back" }).where(eq(identities.id, johnId));
        throw new Error("roll back");
      })
      .catch(() => undefined);
    await t.db.update(identities).set({ updatedAt: new Date() }).where(eq(identities.id, johnId));
    // Notifications arrive in commit order: once this one is heard, the two above would have been.
    const announced = heard(b.listener, janeId);
    await t.db.update(identities).set({ displayName: "Jane Q. Smith" }).where(eq(identities.id, janeId));
    await announced;
    expect(payloads).toEqual([janeId]);
  });

  it("bypasses the cache while its LISTEN connection is down, and starts empty when it is back", async () => {
    const b = instance(3_600_000); // reconnects only when told to below
    await b.listener.waitUntilConnected();
    const session = await open(t.db, "john.doe@company.com");
    await b.cache.actorForSession(dbB, session, now());
    await b.cache.actorForSession(dbB, session, now());
    expect(b.cache.stats).toEqual({ hits: 1, loads: 1 });

    const down = new Promise((resolve) => b.listener.once("disconnected", resolve));
    const back = new Promise((resolve) => b.listener.once("connected", resolve));
    await t.db.execute(sql`select pg_terminate_backend(${b.listener.backendPid})`);
    await down;
    // Missed while no one listened: the person was terminated. The cache is not consulted.
    await t.db
      .update(identities)
      .set({ employmentStatus: "Terminated" })
      .where(eq(identities.email, "john.doe@company.com"));
    expect(b.listener.connected).toBe(false);
    expect(await b.cache.actorForSession(dbB, session, now())).toBeNull();
    expect(b.cache.stats).toEqual({ hits: 1, loads: 2 });
    b.listener.start();
    await back;
    expect(b.cache.size).toBe(0);
    expect(await b.cache.actorForSession(dbB, session, now())).toBeNull();
  });
});

describe("the session cache on its own", () => {
  const feed = { connected: true, epoch: 0, subscribe: () => () => undefined } satisfies InvalidationFeed;

  it("does not keep a load that raced an announced change", async () => {
    const cache = new SessionActorCache(feed);
    const session = await open(t.db, "sarah.chen@company.com");
    const loading = cache.actorForSession(t.db, session, now());
    feed.epoch++; // a notification arrives while the query runs
    await loading;
    await cache.actorForSession(t.db, session, now());
    expect(cache.stats).toEqual({ hits: 0, loads: 2 });
    await cache.actorForSession(t.db, session, now());
    expect(cache.stats).toEqual({ hits: 1, loads: 2 });
  });

  it("never serves a session past its expiry, whatever the time to live", async () => {
    const cache = new SessionActorCache(feed, 24 * 3600_000);
    const session = await open(t.db, "sarah.chen@company.com");
    const expires = new Date(Date.now() + 3600_000);
    expect(await cache.actorForSession(t.db, session, new Date(expires.getTime() - 5_000))).not.toBeNull();
    expect(await cache.actorForSession(t.db, session, new Date(expires.getTime() + 5_000))).toBeNull();
  });

  it("drops the entries of the person named, and all of them on EVERYTHING", async () => {
    let announce: (p: string) => void = () => undefined;
    const cache = new SessionActorCache({ ...feed, subscribe: (l) => ((announce = l), () => undefined) });
    const sarah = await open(t.db, "sarah.chen@company.com");
    const priya = await open(t.db, "priya.raman@company.com");
    for (const s of [sarah, priya, sarah, priya]) await cache.actorForSession(t.db, s, now());
    expect(cache.stats).toEqual({ hits: 2, loads: 2 });
    announce(await identityIdByEmail(t.db, "sarah.chen@company.com"));
    expect(cache.size).toBe(1);
    announce(EVERYTHING);
    expect(cache.size).toBe(0);
  });
});
