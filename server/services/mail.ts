import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { Clock } from "@/server/core/actor";
import type { Db } from "@/server/db/client";
import { outboxEmails } from "@/server/db/schema";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

/** Gives up on an address after this many failed attempts; the outbox page shows the last error. */
export const MAX_MAIL_ATTEMPTS = 5;

/**
 * Sends waiting outbox mail through `send` (SMTP in the app). Rows are claimed with SKIP
 * LOCKED, so several app instances share the outbox without sending anything twice; a failure
 * is recorded on the row and retried on a later pass.
 */
export async function deliverOutbox({
  db,
  clock,
  send,
  batch = 20,
}: {
  db: Db;
  clock: Clock;
  send: (mail: OutgoingMail) => Promise<void>;
  batch?: number;
}) {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outboxEmails)
      .where(and(isNull(outboxEmails.sentAt), lt(outboxEmails.attempts, MAX_MAIL_ATTEMPTS)))
      .orderBy(asc(outboxEmails.id))
      .limit(batch)
      .for("update", { skipLocked: true });
    let sent = 0;
    for (const row of rows) {
      try {
        await send({ to: row.toAddress, subject: row.subject, text: row.bodyText });
        await tx
          .update(outboxEmails)
          .set({ sentAt: clock(), attempts: sql`${outboxEmails.attempts} + 1`, lastError: null })
          .where(eq(outboxEmails.id, row.id));
        sent++;
      } catch (err) {
        await tx
          .update(outboxEmails)
          .set({
            attempts: sql`${outboxEmails.attempts} + 1`,
            lastError: String((err as Error)?.message ?? err).slice(0, 500),
          })
          .where(eq(outboxEmails.id, row.id));
      }
    }
    return { claimed: rows.length, sent };
  });
}
