import { eq, sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { auditEvents } from "@/server/db/schema";
import { fixedClock } from "@/test/support/actors";
import { asDatabaseSuperuser, createTestDatabase, type TestDatabase } from "@/test/support/db";
import { recordAuditEvent } from "./audit";
import { verifyAuditChain } from "./audit-log";
import { chainAuditEvents } from "./audit-sequencer";

describe("the audit chain", () => {
  let t: TestDatabase;
  const ctx = { actor: systemActor("test"), clock: fixedClock() };
  beforeAll(async () => {
    t = await createTestDatabase("empty");
  });
  afterAll(() => t.close());

  it("records nothing when the change's transaction rolls back", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await recordAuditEvent(tx, ctx, { action: "test.rolled_back", subjectType: "test" });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await t.db.select().from(auditEvents).where(eq(auditEvents.action, "test.rolled_back"))).toHaveLength(0);
  });

  it("stays one unbroken chain when many transactions write at once", async () => {
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        t.db.transaction((tx) =>
          recordAuditEvent(tx, ctx, {
            action: "test.concurrent",
            subjectType: "test",
            subjectId: String(i),
            after: { i, nested: { b: 1, a: [1, "x"] } },
          }),
        ),
      ),
    );
    expect(await verifyAuditChain({ ctx: { db: t.db } })).toMatchObject({
      ok: true,
      checked: 0,
      unchained: { count: 25, oldestAt: expect.any(String) },
    });
    expect(await chainAuditEvents({ db: t.db })).toEqual({ chained: 25, busy: false });
    expect(await verifyAuditChain({ ctx: { db: t.db } })).toMatchObject({
      ok: true,
      checked: 25,
      legacy: 0,
      unchained: { count: 0, oldestAt: null },
    });
  });

  it("refuses to change or remove an event: the trail is append-only for the application", async () => {
    const [first] = await t.db.select().from(auditEvents).orderBy(auditEvents.id).limit(1);
    const refused = (message: RegExp) => ({
      cause: expect.objectContaining({ code: "42501", message: expect.stringMatching(message) }),
    });
    // The app's role holds no UPDATE, DELETE or TRUNCATE on the table (test/db-roles.test.ts) ...
    await expect(
      t.db.execute(sql`update audit_events set reason = 'rewritten' where id = ${first!.id}`),
    ).rejects.toMatchObject(refused(/permission denied/));
    await expect(t.db.execute(sql`delete from audit_events where id = ${first!.id}`)).rejects.toMatchObject(
      refused(/permission denied/),
    );
    await expect(t.db.execute(sql`truncate audit_events`)).rejects.toMatchObject(refused(/permission denied/));
    // ... and the triggers refuse all three even to the tables' owner.
    const owner = new pg.Pool({ connectionString: t.ownerUrl, max: 1 });
    try {
      await expect(
        owner.query(`update audit_events set reason = 'rewritten' where id = ${first!.id}`),
      ).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(/append-only: UPDATE is refused/) });
      await expect(owner.query(`delete from audit_events where id = ${first!.id}`)).rejects.toMatchObject({
        code: "42501",
        message: expect.stringMatching(/append-only: DELETE is refused/),
      });
      await expect(owner.query("truncate audit_events")).rejects.toMatchObject({
        code: "42501",
        message: expect.stringMatching(/append-only: TRUNCATE is refused/),
      });
    } finally {
      await owner.end();
    }
    expect((await t.db.select().from(auditEvents).where(eq(auditEvents.id, first!.id)))[0]).toEqual(first);
  });

  it("names the first event whose content was changed in the database", async () => {
    const [victim] = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, "7"));
    await asDatabaseSuperuser(t.db, (tx) =>
      tx.execute(sql`update audit_events set reason = 'edited afterwards' where id = ${victim!.id}`),
    );
    const result = await verifyAuditChain({ ctx: { db: t.db } });
    expect(result).toMatchObject({ ok: false, brokenAt: victim!.id });
    await asDatabaseSuperuser(t.db, (tx) =>
      tx.execute(sql`update audit_events set reason = null where id = ${victim!.id}`),
    );
    expect((await verifyAuditChain({ ctx: { db: t.db } })).ok).toBe(true);
  });

  it("names the event after one that was deleted", async () => {
    const rows = await t.db.select({ id: auditEvents.id }).from(auditEvents).orderBy(auditEvents.id);
    const removed = rows[10]!.id;
    await asDatabaseSuperuser(t.db, (tx) => tx.execute(sql`delete from audit_events where id = ${removed}`));
    const result = await verifyAuditChain({ ctx: { db: t.db } });
    expect(result).toMatchObject({ ok: false, brokenAt: rows[11]!.id });
  });
});
