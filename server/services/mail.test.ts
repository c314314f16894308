import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { outboxEmails } from "@/server/db/schema";
import { smtpSender } from "@/server/jobs/mail-transport";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { startSmtpSink } from "@/test/support/smtp-sink";
import { deliverOutbox, MAX_MAIL_ATTEMPTS } from "./mail";

let t: TestDatabase;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  t = await createTestDatabase();
  sink = await startSmtpSink({ refuse: ["gone@company.com"] });
});
afterAll(async () => {
  await sink.close();
  await t.close();
});

const clock = () => new Date("2026-11-22T12:00:00Z");

describe("delivering the outbox over SMTP", () => {
  it("sends waiting mail once, records a refused address and retries it up to the limit", async () => {
    await t.db.insert(outboxEmails).values([
      {
        toAddress: "cfo@company.com",
        subject: "[Clearance] REQ-1",
        bodyText: "Open it: http://localhost/requests/1",
        createdAt: clock(),
      },
      { toAddress: "gone@company.com", subject: "[Clearance] REQ-2", bodyText: "x", createdAt: clock() },
    ]);
    const sender = smtpSender(sink.url, "Clearance <clearance@company.com>");
    try {
      expect(await deliverOutbox({ db: t.db, clock, send: sender.send })).toEqual({ claimed: 2, sent: 1 });
      expect(sink.messages).toEqual([
        {
          to: ["cfo@company.com"],
          from: "clearance@company.com",
          subject: "[Clearance] REQ-1",
          text: "Open it: http://localhost/requests/1\n",
        },
      ]);
      const [refused] = await t.db.select().from(outboxEmails).where(eq(outboxEmails.toAddress, "gone@company.com"));
      expect(refused).toMatchObject({ sentAt: null, attempts: 1, lastError: expect.stringMatching(/550/) });
      for (let i = 1; i < MAX_MAIL_ATTEMPTS; i++) await deliverOutbox({ db: t.db, clock, send: sender.send });
      expect(await deliverOutbox({ db: t.db, clock, send: sender.send })).toEqual({ claimed: 0, sent: 0 });
      expect(sink.messages).toHaveLength(1);
    } finally {
      sender.close();
    }
  });

  it("shares the outbox between two senders without sending anything twice", async () => {
    await t.db.delete(outboxEmails);
    await t.db.insert(outboxEmails).values(
      Array.from({ length: 30 }, (_, i) => ({
        toAddress: `person${i}@company.com`,
        subject: `m${i}`,
        bodyText: "x",
        createdAt: clock(),
      })),
    );
    const before = sink.messages.length;
    const a = smtpSender(sink.url);
    const b = smtpSender(sink.url);
    try {
      await Promise.all([
        deliverOutbox({ db: t.db, clock, send: a.send, batch: 10 }),
        deliverOutbox({ db: t.db, clock, send: b.send, batch: 10 }),
        deliverOutbox({ db: t.db, clock, send: a.send, batch: 10 }),
        deliverOutbox({ db: t.db, clock, send: b.send, batch: 10 }),
      ]);
    } finally {
      a.close();
      b.close();
    }
    const subjects = sink.messages.slice(before).map((m) => m.subject);
    expect(subjects).toHaveLength(30);
    expect(new Set(subjects).size).toBe(30);
  });
});
