import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFor, fixedClock, identityIdByEmail, personaEmails, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { eq } from "drizzle-orm";
import { auditEvents } from "@/server/db/schema";
import { movableClock } from "@/test/support/requests";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";
import { listAuditEvents } from "./audit-log";
import { changeIdentityAttributes } from "./identities";
import { authorizeSignIn } from "./sign-in";

describe("reading the audit log", () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  const page = { limit: 50 };
  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = serviceContext(t.db, await actorFor(t.db, personaEmails.it_admin));
    await authorizeSignIn({
      ctx: { db: t.db, clock: fixedClock() },
      input: { email: "tom.becker@company.com", provider: "oidc" },
    }).catch(() => {});
    const sarah = await identityIdByEmail(t.db, personaEmails.employee);
    await changeIdentityAttributes({
      ctx,
      input: { identityId: sarah, attributes: { team: "Strategic" }, source: "admin", reason: "Reorg" },
    });
  });
  afterAll(() => t.close());

  it("finds a refused sign-in by the email that was tried", async () => {
    const found = await listAuditEvents({ ctx, input: { ...page, search: "tom.becker" } });
    expect(found.rows.map((r) => r.action)).toEqual(["auth.sign_in_refused"]);
  });

  it("names the person an event is about, finds events by that name, and filters to one subject", async () => {
    const sarah = await identityIdByEmail(t.db, personaEmails.employee);
    const byName = await listAuditEvents({ ctx, input: { ...page, search: "Sarah Chen" } });
    expect(byName.rows[0]).toMatchObject({
      action: "identity.attributes_changed",
      subjectName: "Sarah Chen",
      reason: "Reorg",
    });
    const bySubject = await listAuditEvents({ ctx, input: { ...page, subjectId: sarah } });
    expect(bySubject.rows).toHaveLength(1);
    expect(bySubject.nextCursor).toBeNull();
    expect(bySubject.rows[0]!.subjectId).toBe(sarah);
  });

  it("lists newest first with the actions there are to filter by", async () => {
    const all = await listAuditEvents({ ctx, input: page });
    expect(all.rows.map((r) => r.id)).toEqual([...all.rows.map((r) => r.id)].sort((a, b) => b - a));
    expect(all.actions).toEqual(["auth.sign_in_refused", "identity.attributes_changed", "organization.seeded"]);
    expect(all.rows[0]).not.toHaveProperty("prevHash");
  });

  it("carries what Details shows as JSON text and the time as ISO text, both as stored", async () => {
    const { rows } = await listAuditEvents({ ctx, input: { ...page, search: "Sarah Chen" } });
    const [stored] = await t.db.select().from(auditEvents).where(eq(auditEvents.id, rows[0]!.id));
    expect(stored!.after).not.toBeNull();
    expect(JSON.parse(rows[0]!.details)).toEqual({
      before: stored!.before,
      after: stored!.after,
      context: stored!.context,
      hash: stored!.hash,
    });
    expect(rows[0]!.occurredAt).toBe(stored!.occurredAt.toISOString());
  });

  it("filters by action and pages on from the cursor, each filter alone or with the others", async () => {
    const system = { ...ctx, actor: { type: "system" as const, name: "test" } };
    await t.db.transaction(async (tx) => {
      for (const reason of ["first", "second", "third"])
        await recordAuditEvent(tx, system, { action: "test.paged", subjectType: "test", subjectId: "paged", reason });
    });
    const one = await listAuditEvents({ ctx, input: { limit: 2, action: "test.paged" } });
    expect(one.rows.map((r) => r.reason)).toEqual(["third", "second"]);
    const two = await listAuditEvents({ ctx, input: { limit: 2, action: "test.paged", cursor: one.nextCursor! } });
    expect(two.rows.map((r) => r.reason)).toEqual(["first"]);
    expect(two.nextCursor).toBeNull();
    const narrowed = await listAuditEvents({
      ctx,
      input: { ...page, action: "test.paged", subjectId: "paged", search: "second" },
    });
    expect(narrowed.rows.map((r) => r.reason)).toEqual(["second"]);
    expect((await listAuditEvents({ ctx, input: { ...page, action: "test.other" } })).rows).toEqual([]);
  });

  it("keeps the actions to filter by for a minute: a new kind of action shows in the filter after that", async () => {
    const clock = movableClock("2030-01-01T00:00:00Z");
    const at = { ...ctx, clock };
    const first = (await listAuditEvents({ ctx: at, input: page })).actions!;
    await t.db.transaction((tx) =>
      recordAuditEvent(
        tx,
        { ...at, actor: { type: "system", name: "test" } },
        { action: "test.new_kind", subjectType: "test" },
      ),
    );
    expect((await listAuditEvents({ ctx: at, input: page })).actions).toEqual(first);
    clock.advance(1.01);
    expect((await listAuditEvents({ ctx: at, input: page })).actions).toEqual([...first, "test.new_kind"].sort());
  });
});
