import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessExceptions, auditEvents, provisioningOperations } from "@/server/db/schema";
import { createCaller } from "@/server/api/root";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { approvedException } from "@/test/support/exceptions";
import { as, movableClock } from "@/test/support/requests";

let t: TestDatabase;
const clock = movableClock("2026-11-22T12:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const twoWeeks = () => new Date(clock().getTime() + 14 * 86_400_000);
const grant = async (email: string, resource: string) =>
  approvedException(
    t.db,
    {
      identityId: await identityIdByEmail(t.db, email),
      resource,
      type: "project",
      justification: "Quarter-end reconciliation work",
      approverEmail: "cfo@company.com",
      expiresAt: twoWeeks(),
    },
    { clock },
  );
const read = (ids: string[]) => t.db.select().from(accessExceptions).where(inArray(accessExceptions.id, ids));

describe("bulk revoke from the exceptions dashboard", () => {
  it("ends every exception chosen, with the reason and who, queues each revoke and records each in the audit trail; all or none", async () => {
    const a = await grant("jane.smith@company.com", "gitlab:group:finance");
    const b = await grant("bob@company.com", "gitlab:group:finance");
    const untouched = await grant("alice@company.com", "gitlab:group:finance");
    const it_ = await as(t.db, "priya.raman@company.com", clock);
    const caller = createCaller({ db: t.db, clock, actor: it_.actor, request: { ip: null, userAgent: null } });

    // A reason is required, and a bad list changes nothing.
    await expect(caller.exceptions.revokeMany({ exceptionIds: [a.id, b.id], reason: " " })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(caller.exceptions.revokeMany({ exceptionIds: [], reason: "Project ended" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      caller.exceptions.revokeMany({
        exceptionIds: [a.id, "00000000-0000-4000-8000-000000000000"],
        reason: "Project ended",
      }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await read([a.id, b.id])).every((e) => e.endedAt === null)).toBe(true);

    const ended = await caller.exceptions.revokeMany({ exceptionIds: [a.id, b.id], reason: "Project ended early" });
    expect(ended.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    for (const e of await read([a.id, b.id]))
      expect(e).toMatchObject({
        endReason: "revoked",
        endNote: "Project ended early",
        endedBy: "priya.raman@company.com",
        status: "removing",
      });
    expect((await read([untouched.id]))[0]!.endedAt).toBeNull();
    const revokes = await t.db
      .select()
      .from(provisioningOperations)
      .where(
        and(inArray(provisioningOperations.exceptionId, [a.id, b.id]), eq(provisioningOperations.action, "revoke")),
      );
    expect(revokes).toHaveLength(2);
    const events = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "exception.revoked"), inArray(auditEvents.subjectId, [a.id, b.id])));
    expect(events.map((e) => e.reason)).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Project ended early"),
        expect.stringContaining("Project ended early"),
      ]),
    );
    expect(events).toHaveLength(2);

    // One already ended among them: refused as a whole, the other stays open.
    await expect(
      caller.exceptions.revokeMany({ exceptionIds: [untouched.id, a.id], reason: "Cleanup" }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    expect((await read([untouched.id]))[0]!.endedAt).toBeNull();

    // An employee cannot call it at all.
    const jane = await as(t.db, "jane.smith@company.com", clock);
    await expect(
      createCaller({
        db: t.db,
        clock,
        actor: jane.actor,
        request: { ip: null, userAgent: null },
      }).exceptions.revokeMany({ exceptionIds: [untouched.id], reason: "Mine now" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await read([untouched.id]))[0]!.endedAt).toBeNull();
  });
});
