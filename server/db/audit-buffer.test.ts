import { asc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { recordAuditEvent } from "@/server/services/audit";
import { fixedClock } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import type { Tx } from "./client";
import { auditEvents } from "./schema";

let t: TestDatabase;
const ctx = { actor: systemActor("test"), clock: fixedClock() };

beforeAll(async () => {
  t = await createTestDatabase("empty");
});
afterAll(async () => {
  await t.close();
});

const record = (tx: Tx, subjectId: string) =>
  recordAuditEvent(tx, ctx, { action: "test.buffered", subjectType: "test", subjectId });
const countIn = async (tx: Tx | TestDatabase["db"], subjectPrefix: string) =>
  (
    await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(sql`${auditEvents.subjectId} like ${`${subjectPrefix}%`}`)
  )[0]!.n;

describe("a transaction's audit events", () => {
  it("are written together just before it commits, in the order they were recorded", async () => {
    let seenInside = -1;
    await t.db.transaction(async (tx) => {
      for (const id of ["a1", "a2", "a3"]) await record(tx, id);
      seenInside = await countIn(tx, "a");
    });
    expect(seenInside).toBe(0);
    const rows = await t.db
      .select({ subjectId: auditEvents.subjectId })
      .from(auditEvents)
      .where(sql`${auditEvents.subjectId} like 'a%'`)
      .orderBy(asc(auditEvents.id));
    expect(rows.map((r) => r.subjectId)).toEqual(["a1", "a2", "a3"]);
  });

  it("are never written when the transaction fails, as the change they record is not", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await record(tx, "b1");
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await countIn(t.db, "b")).toBe(0);
  });

  it("are written every 500 in a long transaction, the rest at commit", async () => {
    let seenInside = -1;
    await t.db.transaction(async (tx) => {
      for (let i = 0; i < 501; i++) await record(tx, `c${i}`);
      seenInside = await countIn(tx, "c");
    });
    expect(seenInside).toBe(500);
    expect(await countIn(t.db, "c")).toBe(501);
  });

  it("in a savepoint are written at once, and a rolled-back savepoint takes its events with it", async () => {
    await t.db.transaction(async (tx) => {
      await record(tx, "d-outer");
      await expect(
        tx.transaction(async (sp) => {
          await record(sp, "d-undone");
          expect(await countIn(sp, "d-undone")).toBe(1);
          throw new Error("undo the savepoint");
        }),
      ).rejects.toThrow("undo the savepoint");
      await tx.transaction((sp) => record(sp, "d-kept"));
    });
    const rows = await t.db
      .select({ subjectId: auditEvents.subjectId })
      .from(auditEvents)
      .where(sql`${auditEvents.subjectId} like 'd-%'`);
    expect(rows.map((r) => r.subjectId).sort()).toEqual(["d-kept", "d-outer"]);
  });

  it("outside a transaction are written at once", async () => {
    await record(t.db as unknown as Tx, "e1");
    expect(await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, "e1"))).toHaveLength(1);
  });
});
