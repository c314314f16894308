import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, identities, portalSessions } from "@/server/db/schema";
import { actorFor, fixedClock, identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { actorForSession, endSession, endSessionsOf, startSession } from "./sessions";

describe("portal sessions", () => {
  let t: TestDatabase;
  const clock = fixedClock("2026-11-22T08:00:00Z");
  const at = (iso: string) => new Date(iso);
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t.close());

  const open = async (email: string) =>
    startSession({
      ctx: { db: t.db, clock, actor: await actorFor(t.db, email), request: { ip: "203.0.113.7", userAgent: "vitest" } },
      input: { provider: "oidc", lifetimeSeconds: 3600 },
    });

  it("records the sign-in and accepts the session until it expires", async () => {
    const id = await open("jane.smith@company.com");
    expect(await actorForSession(t.db, id, at("2026-11-22T08:30:00Z"))).toMatchObject({
      email: "jane.smith@company.com",
    });
    expect(await actorForSession(t.db, id, at("2026-11-22T09:00:01Z"))).toBeNull();
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "auth.signed_in"));
    expect(event).toMatchObject({
      actorLabel: "jane.smith@company.com",
      context: { provider: "oidc", sessionId: id, ip: "203.0.113.7" },
    });
  });

  it("stops accepting a session once it is signed out, and records that once", async () => {
    const id = await open("jane.smith@company.com");
    await endSession({ ctx: { db: t.db, clock }, input: { sessionId: id } });
    await endSession({ ctx: { db: t.db, clock }, input: { sessionId: id } });
    expect(await actorForSession(t.db, id, at("2026-11-22T08:10:00Z"))).toBeNull();
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "auth.signed_out")));
    expect(events).toHaveLength(1);
  });

  it("stops accepting the sessions of a person who is no longer Active", async () => {
    const id = await open("alice@company.com");
    await t.db
      .update(identities)
      .set({ employmentStatus: "Terminated" })
      .where(eq(identities.email, "alice@company.com"));
    expect(await actorForSession(t.db, id, at("2026-11-22T08:10:00Z"))).toBeNull();
  });

  it("ends every open session of a person at once", async () => {
    const a = await open("bob@company.com");
    const b = await open("bob@company.com");
    const bobId = await identityIdByEmail(t.db, "bob@company.com");
    expect(await t.db.transaction((tx) => endSessionsOf(tx, bobId, "ended_by_admin", clock()))).toBe(2);
    for (const id of [a, b]) expect(await actorForSession(t.db, id, at("2026-11-22T08:10:00Z"))).toBeNull();
    const rows = await t.db.select().from(portalSessions).where(eq(portalSessions.identityId, bobId));
    expect(rows.map((r) => r.endReason)).toEqual(["ended_by_admin", "ended_by_admin"]);
  });
});
