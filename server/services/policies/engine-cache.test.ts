import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { attributeScales } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { EVERYTHING, PgInvalidationListener, POLICY_CHANNEL } from "../cache-invalidation";
import { ActivePolicyEngineCache, policyEngine } from "./engine";

/**
 * The active policy set is kept between calls while the listener is connected, and loaded again
 * after any change to what it is built from commits. The tests wait for the notification event,
 * never for a time.
 */
let t: TestDatabase;
const listeners: PgInvalidationListener[] = [];

function listener() {
  const l = new PgInvalidationListener({ url: t.url, channel: POLICY_CHANNEL, heartbeatMs: 60_000 }).start();
  listeners.push(l);
  return l;
}

const heard = (l: PgInvalidationListener) =>
  new Promise<void>((resolve) => {
    const on = (p: string) => {
      if (p !== EVERYTHING) return;
      l.off("notification", on);
      resolve();
    };
    l.on("notification", on);
  });

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(async () => {
  for (const l of listeners) await l.stop();
  await t.close();
});

describe("the active policy set's cache", () => {
  it("serves the compiled set again until a change to scales commits, then loads the new one", async () => {
    const feed = listener();
    await feed.waitUntilConnected();
    const cache = new ActivePolicyEngineCache(feed);
    const first = await cache.engine(t.db);
    expect(await cache.engine(t.db)).toBe(first);
    expect(cache.stats).toEqual({ hits: 1, loads: 1 });

    const announced = heard(feed);
    await t.db.insert(attributeScales).values({ attribute: "clearance_tier", values: ["t1", "t2", "t3"] });
    await announced;
    const next = await cache.engine(t.db);
    expect(next).not.toBe(first);
    expect(next.config.scales.clearance_tier).toEqual(["t1", "t2", "t3"]);
    expect(cache.stats).toEqual({ hits: 1, loads: 2 });
    await t.db.delete(attributeScales).where(eq(attributeScales.attribute, "clearance_tier"));
  });

  it("announces a new policy version and a system's new levels, not a system's other columns", async () => {
    const feed = listener();
    await feed.waitUntilConnected();
    const cache = new ActivePolicyEngineCache(feed);
    await cache.engine(t.db);

    let announced = heard(feed);
    await t.db.execute(sql`update policy_set_versions set status = status`);
    await announced;
    const afterVersion = cache.stats.loads;
    await cache.engine(t.db);
    expect(cache.stats.loads).toBe(afterVersion + 1);

    announced = heard(feed);
    await t.db.execute(sql`update systems set access_levels = access_levels`);
    await announced;
    await cache.engine(t.db);
    expect(cache.stats.loads).toBe(afterVersion + 2);

    // A description is not part of the set: no notice, so the next call is served from the cache.
    // (Proved by a notice that must come after it: notifications arrive in commit order.)
    const count = { n: 0 };
    const counting = (p: string) => p === EVERYTHING && count.n++;
    feed.on("notification", counting);
    await t.db.execute(sql`update systems set description = description`);
    announced = heard(feed);
    await t.db.execute(sql`update attribute_scales set values = values`);
    await announced;
    feed.off("notification", counting);
    expect(count.n).toBe(1);
  });

  it("loads on every call while the listener is not connected", async () => {
    const feed = listener();
    await feed.waitUntilConnected();
    await feed.stop();
    const cache = new ActivePolicyEngineCache(feed);
    await cache.engine(t.db);
    await cache.engine(t.db);
    expect(cache.stats).toEqual({ hits: 0, loads: 2 });
  });

  it("never serves a transaction from the cache: it sees the transaction's own uncommitted changes", async () => {
    await t.db
      .transaction(async (tx) => {
        await tx.insert(attributeScales).values({ attribute: "uncommitted_tier", values: ["a", "b"] });
        const engine = await policyEngine(tx);
        expect(engine.config.scales.uncommitted_tier).toEqual(["a", "b"]);
        tx.rollback();
      })
      .catch(() => undefined);
    expect((await policyEngine(t.db)).config.scales.uncommitted_tier).toBeUndefined();
  });
});
