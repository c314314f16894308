import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, hrSources } from "@/server/db/schema";
import { personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { authenticateHrSource, createHrSource } from "./events";
import { revokeHrSource, rotateHrSourceToken } from "./tokens";

let t: TestDatabase;
const clock = movableClock("2026-11-22T12:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("an HR source's token, replaced or revoked by IT (issue 12)", () => {
  it("a new token works at once and the old one no longer does; a revoked token is refused; each with its reason in the audit trail", async () => {
    const it_ = await as(t.db, personaEmails.it_admin, clock);
    const { token: first } = await createHrSource({ ctx: it_, input: { key: "workday", name: "Workday" } });
    expect(await authenticateHrSource(t.db, first)).toMatchObject({ key: "workday" });

    await expect(rotateHrSourceToken({ ctx: it_, input: { key: "workday", reason: " " } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "reason",
    });
    await expect(
      rotateHrSourceToken({ ctx: it_, input: { key: "nothing", reason: "Leaked in a ticket" } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", field: "key" });
    await expect(authenticateHrSource(t.db, first)).resolves.toMatchObject({ key: "workday" });

    const { token: second } = await rotateHrSourceToken({
      ctx: it_,
      input: { key: "workday", reason: "Leaked in a ticket" },
    });
    expect(second).not.toBe(first);
    await expect(authenticateHrSource(t.db, first)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await authenticateHrSource(t.db, second)).toMatchObject({ key: "workday" });

    await revokeHrSource({ ctx: it_, input: { key: "workday", reason: "Workday is retired" } });
    await expect(authenticateHrSource(t.db, second)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(revokeHrSource({ ctx: it_, input: { key: "workday", reason: "Again" } })).rejects.toMatchObject({
      code: "CONFLICT",
    });
    expect((await t.db.select().from(hrSources).where(eq(hrSources.key, "workday")))[0]!.revokedAt).toEqual(clock());

    // A revoked source comes back only with a new token.
    const { token: third } = await rotateHrSourceToken({
      ctx: it_,
      input: { key: "workday", reason: "Back for the migration" },
    });
    expect(await authenticateHrSource(t.db, third)).toMatchObject({ key: "workday" });
    await expect(authenticateHrSource(t.db, second)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });

    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, "hr_source"), eq(auditEvents.subjectId, "workday")));
    expect(events.map((e) => [e.action, e.reason])).toEqual([
      ["hr_source.created", null],
      ["hr_source.token_rotated", "Leaked in a ticket"],
      ["hr_source.revoked", "Workday is retired"],
      ["hr_source.token_rotated", "Back for the migration"],
    ]);
    // No token is ever stored, only its hash.
    expect(JSON.stringify(await t.db.select().from(hrSources))).not.toContain(third);
  });
});
