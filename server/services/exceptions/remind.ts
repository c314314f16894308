import { and, eq, inArray, isNull } from "drizzle-orm";
import { dueReminder, offsetText } from "@/server/core/exceptions";
import { formatDay } from "@/server/core/time";
import type { ExceptionType } from "@/server/core/exceptions/types";
import { accessExceptions, requestTemplates } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { notifyPeople } from "../requests/notify";
import { allTypeSettings } from "./settings";

/**
 * Reminds holders before their access expires (seed 000: "expires in 14 days"), by email and
 * in-app, once per reminder offset, with what to do: ask for an extension, or nothing.
 */
export async function remindExpiringExceptions({ ctx }: { ctx: ServiceContext }): Promise<number> {
  const now = ctx.clock();
  const settings = await allTypeSettings(ctx.db);
  const open = await ctx.db
    .select({ e: accessExceptions, templateKey: requestTemplates.key })
    .from(accessExceptions)
    .leftJoin(requestTemplates, eq(requestTemplates.id, accessExceptions.templateId))
    .where(
      and(isNull(accessExceptions.endedAt), inArray(accessExceptions.status, ["granting", "active", "grant_failed"])),
    );
  let sent = 0;
  for (const { e: candidate, templateKey } of open) {
    const typeSettings = settings[candidate.type as ExceptionType];
    if (!typeSettings || dueReminder(candidate, typeSettings, now) === null) continue;
    const did = await ctx.db.transaction(async (tx) => {
      const [e] = await tx
        .select()
        .from(accessExceptions)
        .where(and(eq(accessExceptions.id, candidate.id), isNull(accessExceptions.endedAt)))
        .for("update", { skipLocked: true });
      const offset = e ? dueReminder(e, typeSettings, now) : null;
      if (!e || offset === null) return false;
      await tx
        .update(accessExceptions)
        .set({ remindersSent: [...e.remindersSent, offset] })
        .where(eq(accessExceptions.id, e.id));
      const refs = e.references as Record<string, string>;
      const extendAt = templateKey ? `/request/${templateKey}` : "/access";
      // Written for the holder's zone: the day it ends is theirs.
      const lines = (zone: string) => [
        `Your temporary access to ${e.resourceKey} expires in ${offsetText(offset)} (${formatDay(e.expiresAt, zone)}).`,
        "",
        typeSettings.extensible && e.extensionsUsed < 4
          ? `If you still need this access: Request extension at ${extendAt}`
          : "This access cannot be extended: ask IT about a policy if you need it for good.",
        "If you no longer need it: No action needed: it will be removed.",
        ...(refs.project ? ["", `Project: ${refs.project}`] : []),
        `Original justification: ${e.justification}`,
      ];
      await notifyPeople(
        tx,
        [e.identityId],
        {
          kind: "exception_expiring",
          title: `Your access to ${e.resourceKey} expires in ${offsetText(offset)}`,
          body: (zone) => lines(zone).join("\n"),
          link: extendAt,
        },
        now,
      );
      await recordAuditEvent(tx, ctx, {
        action: "exception.reminded",
        subjectType: "access_exception",
        subjectId: e.id,
        after: { exception: `EXC-${e.number}`, offsetMinutes: offset, expiresAt: e.expiresAt.toISOString() },
      });
      return true;
    });
    if (did) sent++;
  }
  return sent;
}
