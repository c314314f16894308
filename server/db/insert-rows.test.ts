import { randomUUID } from "node:crypto";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { insertRows } from "./insert-rows";
import { accessPlans, identities, identityAttributeChanges } from "./schema";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("empty");
});
afterAll(() => t?.close());

describe("insertRows: many rows in one JSON parameter, read back in the columns' own types", () => {
  it("keeps text, arrays, dates, times, booleans and jsonb as drizzle's insert does; omitted columns take their defaults", async () => {
    const id = randomUUID();
    const at = new Date("2026-06-01T08:00:00.123Z");
    await insertRows(t.db, identities, [
      {
        id,
        externalId: 'o\'brien "quoted", comma',
        email: "o'brien@company.com",
        displayName: "Ó Briain — 王",
        employmentStatus: "Active",
        hireDate: "2024-02-29",
        trainings: ["SEC-101", "with, comma", 'with "quote"'],
        groups: [],
        awaitingSource: true,
        createdAt: at,
        updatedAt: at,
      },
    ]);
    // a row that leaves out columns with a default (not null: trainings, groups) gets the default, not null
    const other = randomUUID();
    await insertRows(t.db, identities, [
      {
        id: other,
        externalId: "given",
        email: "given@company.com",
        displayName: "G",
        employmentStatus: "Active",
        trainings: ["A"],
      },
      {
        id: randomUUID(),
        externalId: "left-out",
        email: "left-out@company.com",
        displayName: "L",
        employmentStatus: "Active",
        trainings: undefined,
      },
    ]);
    expect(
      (
        await t.db
          .select()
          .from(identities)
          .where(inArray(identities.externalId, ["given", "left-out"]))
      ).map((r) => [r.externalId, r.trainings, r.groups, r.awaitingSource]),
    ).toEqual(
      expect.arrayContaining([
        ["given", ["A"], [], false],
        ["left-out", [], [], false],
      ]),
    );
    const [row] = await t.db.select().from(identities).where(eq(identities.id, id));
    expect(row).toMatchObject({
      externalId: 'o\'brien "quoted", comma',
      displayName: "Ó Briain — 王",
      hireDate: "2024-02-29",
      trainings: ["SEC-101", "with, comma", 'with "quote"'],
      groups: [],
      awaitingSource: true,
      createdAt: at,
      // not given: the column's default or null
      managerId: null,
      managedBy: null,
      // generated from the email
      username: "o'brien",
    });

    await insertRows(t.db, identityAttributeChanges, [
      {
        identityId: id,
        attribute: "department",
        oldValue: null,
        newValue: "Sales",
        source: "csv",
        effectiveAt: at,
        recordedAt: at,
        actorLabel: "IT",
        reason: "r",
      },
      // another row's columns: those it leaves out take their defaults (here none: null)
      {
        identityId: id,
        attribute: "groups",
        newValue: ["a", "b"],
        source: "scim",
        effectiveAt: at,
        recordedAt: at,
        actorLabel: "IT",
      },
      {
        identityId: id,
        attribute: "trainings",
        oldValue: { nested: [1, "x"] },
        newValue: "plain string",
        source: "csv",
        effectiveAt: at,
        recordedAt: at,
        actorLabel: "IT",
      },
    ]);
    const history = await t.db
      .select()
      .from(identityAttributeChanges)
      .where(eq(identityAttributeChanges.identityId, id))
      .orderBy(identityAttributeChanges.attribute);
    expect(history.map((h) => [h.attribute, h.oldValue, h.newValue, h.reason])).toEqual([
      ["department", null, "Sales", "r"],
      ["groups", null, ["a", "b"], null],
      ["trainings", { nested: [1, "x"] }, "plain string", null],
    ]);
    // the id: its bigserial default, in the order given though the three rows give different columns
    const historyIds = history.map((h) => h.id);
    expect(historyIds.every((id, i) => Number.isInteger(id) && (i === 0 || id > historyIds[i - 1]!))).toBe(true);
  });

  it("inserts in the order given across statements of 5,000 rows, and gives back the asked columns of every row", async () => {
    const person = randomUUID();
    const at = new Date("2026-06-01T08:00:00Z");
    await insertRows(t.db, identities, [
      {
        id: person,
        externalId: "plans",
        email: "plans@company.com",
        displayName: "P",
        employmentStatus: "Active",
        createdAt: at,
        updatedAt: at,
      },
    ]);
    const ids = Array.from({ length: 5_003 }, () => randomUUID());
    const back = await insertRows(
      t.db,
      accessPlans,
      ids.map((id, i) => ({
        id,
        identityId: person,
        kind: "joiner",
        source: "pull",
        summary: `plan ${i}`,
        changes: {},
        policiesBefore: [],
        policiesAfter: ["engineering-baseline"],
        status: "approved",
        createdAt: at,
      })),
      ["id", "number"],
    );
    // every row back, numbered in the order given
    expect(back.map((b) => b.id).sort()).toEqual([...ids].sort());
    const numberOf = new Map(back.map((b) => [b.id, b.number]));
    const numbers = ids.map((id) => numberOf.get(id)!);
    expect(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!)).toBe(true);
    const stored = await t.db
      .select()
      .from(accessPlans)
      .where(inArray(accessPlans.id, ids.slice(-2)));
    expect(stored.map((s) => s.policiesAfter)).toEqual([["engineering-baseline"], ["engineering-baseline"]]);
  });

  it("names a key that is no column, and writes nothing", async () => {
    await expect(
      insertRows(t.db, identities, [{ externalId: "x", nope: 1 } as unknown as typeof identities.$inferInsert]),
    ).rejects.toThrow(/identities has no column nope/);
  });
});
