import { and, eq, inArray } from "drizzle-orm";
import { isActiveStatus } from "@/server/core/identity/status";
import type { Tx } from "@/server/db/client";
import { identities, notifications, outboxEmails } from "@/server/db/schema";
import { recipientTimeZones } from "../time-zones";

/** Text for one recipient: plain, or written in their time zone (times in emails are the recipient's). */
export type Text = string | ((zone: string) => string);

export interface Message {
  kind: string;
  title: Text;
  body: Text;
  /** a path in the app, e.g. /requests/<id>: emails carry it as a full link that needs sign-in */
  link: string;
  requestId?: string;
}

/** The address people reach Clearance at, for links in email. */
export const publicUrl = () =>
  (process.env.CLEARANCE_PUBLIC_URL ?? process.env.AUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(
    /\/$/,
    "",
  );

/**
 * Tells people, in the caller's transaction: an in-app notification each and an email in the
 * outbox (sent by the mail job over SMTP). People who are not Active are never notified.
 * Returns who was told.
 */
export async function notifyPeople(
  tx: Tx,
  recipientIds: readonly string[],
  message: Message,
  now: Date,
): Promise<string[]> {
  const ids = [...new Set(recipientIds)];
  if (ids.length === 0) return [];
  const people = (
    await tx
      .select({ id: identities.id, email: identities.email, status: identities.employmentStatus })
      .from(identities)
      .where(inArray(identities.id, ids))
  ).filter((p) => isActiveStatus(p.status));
  if (people.length === 0) return [];
  const zones = await recipientTimeZones(
    tx,
    typeof message.title === "string" && typeof message.body === "string" ? [] : people.map((p) => p.id),
  );
  const written = (text: Text, id: string) => (typeof text === "string" ? text : text(zones.get(id)!));
  await tx.insert(notifications).values(
    people.map((p) => ({
      recipientId: p.id,
      kind: message.kind,
      title: written(message.title, p.id),
      body: written(message.body, p.id),
      link: message.link,
      requestId: message.requestId ?? null,
      createdAt: now,
    })),
  );
  await tx.insert(outboxEmails).values(
    people.map((p) => ({
      toAddress: p.email,
      subject: `[Clearance] ${written(message.title, p.id)}`,
      bodyText: `${written(message.body, p.id)}\n\nOpen it in Clearance (you will be asked to sign in): ${publicUrl()}${message.link}\n\nDecisions are made in Clearance, never by replying to this email.\n`,
      createdAt: now,
    })),
  );
  return people.map((p) => p.id);
}

/** Marks one notification, or all of a person's, as read. */
export async function markNotificationsRead(tx: Tx, recipientId: string, now: Date, id?: number): Promise<number> {
  const marked = await tx
    .update(notifications)
    .set({ readAt: now })
    .where(
      id === undefined
        ? eq(notifications.recipientId, recipientId)
        : and(eq(notifications.recipientId, recipientId), eq(notifications.id, id)),
    )
    .returning({ id: notifications.id });
  return marked.length;
}
