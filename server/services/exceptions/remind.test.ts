import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { outboxEmails } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { approvedException } from "@/test/support/exceptions";
import { as, movableClock } from "@/test/support/requests";
import { publicUrl } from "../requests/notify";
import { remindExpiringExceptions } from "./remind";

let t: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("expiry reminders offer only what the holder can do, with full links", () => {
  it("an exception IT recorded has no extension form: the reminder says to ask IT, and links My access absolutely", async () => {
    const alice = await as(t.db, "alice@company.com", clock);
    await approvedException(
      t.db,
      {
        identityId: alice.actor.identityId,
        resource: "gitlab:group:finance",
        type: "project",
        justification: "Quarter-end reconciliation scripts",
        approverEmail: "cfo@company.com",
        expiresAt: new Date(clock().getTime() + 20 * 86_400_000),
        references: { project: "Close Q4" },
      },
      { clock },
    );
    clock.advance(7 * 24 * 60);
    expect(await remindExpiringExceptions({ ctx: { db: t.db, actor: systemActor("exceptions-remind"), clock } })).toBe(
      1,
    );
    const [mail] = await t.db
      .select()
      .from(outboxEmails)
      .where(
        and(
          eq(outboxEmails.toAddress, "alice@company.com"),
          eq(outboxEmails.subject, "[Clearance] Your access to gitlab:group:finance expires in 14 days"),
        ),
      );
    const body = mail!.bodyText;
    expect(body).not.toMatch(/Request extension|ask for an extension/);
    expect(body).toContain("ask IT to extend it");
    expect(body).toContain(`give it back now from My access: ${publicUrl()}/access`);
    expect(body).toContain("Project: Close Q4");
    // No link in the text is relative.
    expect(body).not.toMatch(/(^|\s)\/(access|request)/m);
  });
});
