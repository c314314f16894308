import { and, eq, inArray, sql } from "drizzle-orm";
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
  if (typeof message.title === "string" && typeof message.body === "string")
    return notifyInOneStatement(tx, ids, { ...message, title: message.title, body: message.body }, now);
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
      subject: emailSubject(written(message.title, p.id)),
      bodyText: emailBody(written(message.body, p.id), message.link),
      createdAt: now,
    })),
  );
  return people.map((p) => p.id);
}

const emailSubject = (title: string) => `[Clearance] ${title}`;
const emailBody = (body: string, link: string) =>
  `${body}\n\nOpen it in Clearance (you will be asked to sign in): ${publicUrl()}${link}\n\n` +
  "Decisions are made in Clearance, never by replying to this email.\n";

/**
 * The same text for everyone (no time to write in each one's zone): who is Active (isActiveStatus, in
 * SQL), their notifications and their emails in one statement instead of three; a decision tells
 * people on every call (issue 14).
 */
async function notifyInOneStatement(
  tx: Tx,
  ids: string[],
  message: Message & { title: string; body: string },
  now: Date,
): Promise<string[]> {
  const { rows } = await tx.execute<{ id: string }>(sql`
    with people as (
      select ${identities.id} as id, ${identities.email} as email from ${identities}
      where ${identities.id} = any(${sql.param(ids)}::uuid[]) and lower(trim(${identities.employmentStatus})) = 'active'
    ), told as (
      insert into ${notifications} (recipient_id, kind, title, body, link, request_id, created_at)
      select id, ${message.kind}, ${message.title}, ${message.body}, ${message.link},
        ${message.requestId ?? null}::uuid, ${now.toISOString()}::timestamptz from people
    ), mailed as (
      insert into ${outboxEmails} (to_address, subject, body_text, created_at)
      select email, ${emailSubject(message.title)}, ${emailBody(message.body, message.link)},
        ${now.toISOString()}::timestamptz from people
    )
    select id from people`);
  // In the order they were asked for.
  const told = new Set(rows.map((r) => r.id));
  return ids.filter((id) => told.has(id));
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
