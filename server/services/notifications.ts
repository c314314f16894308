import { DomainError } from "@/server/core/errors";
import { and, count, desc, eq, isNull } from "drizzle-orm";
import { notifications, outboxEmails } from "@/server/db/schema";
import type { PersonContext, ServiceContext } from "./context";
import { MAX_MAIL_ATTEMPTS } from "./mail";
import { markNotificationsRead } from "./requests/notify";

type Ctx = PersonContext;

/** The signed-in person's notifications, newest first. */
export async function listNotifications({
  ctx,
  input,
}: {
  ctx: Ctx;
  input: { page: number; pageSize: number; unreadOnly: boolean };
}) {
  const where = and(
    eq(notifications.recipientId, ctx.actor.identityId),
    input.unreadOnly ? isNull(notifications.readAt) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(notifications)
      .where(where)
      .orderBy(desc(notifications.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(notifications).where(where),
  ]);
  return { rows, total: total?.n ?? 0, page: input.page, pageSize: input.pageSize };
}

export async function unreadNotificationCount({ ctx }: { ctx: Ctx }) {
  const [row] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.recipientId, ctx.actor.identityId), isNull(notifications.readAt)));
  return row?.n ?? 0;
}

/** Marks one notification, or all of mine, read. Reading is not a state change the audit trail records. */
export async function markRead({ ctx, input }: { ctx: Ctx; input: { id?: number } }) {
  const marked = await ctx.db.transaction((tx) =>
    markNotificationsRead(tx, ctx.actor.identityId, ctx.clock(), input.id),
  );
  // Someone else's notification is answered like one that does not exist.
  if (input.id !== undefined && marked === 0)
    throw new DomainError("NOT_FOUND", "There is no such notification of yours", { field: "id" });
  return { ok: true };
}

/** The mail Clearance has sent or is waiting to send (the development outbox when there is no SMTP_URL). */
export async function listOutbox({ ctx, input }: { ctx: ServiceContext; input: { page: number; pageSize: number } }) {
  const [rows, [total]] = await Promise.all([
    ctx.db
      .select()
      .from(outboxEmails)
      .orderBy(desc(outboxEmails.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    ctx.db.select({ n: count() }).from(outboxEmails),
  ]);
  return {
    rows,
    total: total?.n ?? 0,
    page: input.page,
    pageSize: input.pageSize,
    smtpConfigured: Boolean(process.env.SMTP_URL),
    maxAttempts: MAX_MAIL_ATTEMPTS,
  };
}
