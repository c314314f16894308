import { desc, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notifications, outboxEmails } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { notifyPeople, type Message } from "./notify";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const now = new Date("2026-11-23T09:00:00Z");

describe("telling people", () => {
  it("tells each Active person once, in app and by email, and never someone who is not Active", async () => {
    const [sarah, tom, janet]: string[] = await Promise.all(
      ["sarah.chen@company.com", "tom.becker@company.com", "janet.price@company.com"].map((e) =>
        identityIdByEmail(t.db, e),
      ),
    );
    const messages: Message[] = [
      { kind: "plain", title: "REQ-1 approved", body: "Your request was approved.", link: "/requests/x" },
      {
        kind: "zoned",
        title: (zone) => `REQ-2 at 09:00 (${zone})`,
        body: () => "Written in each one's zone.",
        link: "/requests/x",
      },
    ];
    for (const message of messages) {
      const { kind } = message;
      const told = await t.db.transaction((tx) => notifyPeople(tx, [sarah!, tom!, janet!, sarah!], message, now));
      expect(told).toEqual([sarah]);
      const rows = await t.db
        .select({ recipientId: notifications.recipientId, title: notifications.title })
        .from(notifications)
        .where(eq(notifications.kind, kind));
      expect(rows.map((r) => r.recipientId)).toEqual([sarah]);
      const mails = await t.db.select().from(outboxEmails).orderBy(desc(outboxEmails.id)).limit(1);
      expect(mails[0]).toMatchObject({
        toAddress: "sarah.chen@company.com",
        subject: `[Clearance] ${rows[0]!.title}`,
      });
      expect(mails[0]!.bodyText).toContain("/requests/x");
      expect(mails[0]!.bodyText).toContain("never by replying to this email");
    }
    expect(
      await t.db
        .select()
        .from(notifications)
        .where(inArray(notifications.recipientId, [tom!, janet!])),
    ).toEqual([]);
  });
});
