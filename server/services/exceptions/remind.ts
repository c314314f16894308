import { and, eq, inArray, isNull } from "drizzle-orm";
import { dueReminder, offsetText } from "@/server/core/exceptions";
import { formatDay } from "@/server/core/time";
import type { ExceptionType } from "@/server/core/exceptions/types";
import { MAX_EXTENSIONS, referencesText } from "@/server/core/exceptions/types";
import { accessExceptions, accessRequests, requestTemplates } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { notifyPeople, publicUrl } from "../requests/notify";
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
      const [pending] = e.templateId
        ? await tx
            .select({ number: accessRequests.number })
            .from(accessRequests)
            .where(
              and(
                eq(accessRequests.requesterId, e.identityId),
                eq(accessRequests.templateId, e.templateId),
                eq(accessRequests.kind, "extension"),
                inArray(accessRequests.status, ["pending", "needs_info"]),
              ),
            )
        : [];
      // Only what My access offers this person: an extension form exists only for access asked
      // through a template; what IT recorded directly is extended by IT.
      const extensible = typeSettings.extensible && e.extensionsUsed < MAX_EXTENSIONS;
      const extendAt = templateKey && extensible && !pending ? `/request/${templateKey}` : null;
      const references = referencesText(e.references);
      // Written for the holder's zone: the day it ends is theirs.
      const lines = (zone: string) => [
        `Your temporary access to ${e.resourceKey} expires in ${offsetText(offset)} (${formatDay(e.expiresAt, zone)}).`,
        "",
        pending
          ? `You have asked for an extension (REQ-${pending.number}); it waits for a decision.`
          : extendAt
            ? `If you still need this access, ask for an extension: ${publicUrl()}${extendAt}`
            : extensible
              ? "If you still need this access, ask IT to extend it: IT recorded it, so there is no form to extend it yourself."
              : "This access cannot be extended: ask IT about a policy if you need it for good.",
        `If you no longer need it, do nothing: it is removed on ${formatDay(e.expiresAt, zone)}. Or give it back now from My access: ${publicUrl()}/access`,
        ...(references ? ["", references] : []),
        `Original justification: ${e.justification}`,
      ];
      await notifyPeople(
        tx,
        [e.identityId],
        {
          kind: "exception_expiring",
          title: `Your access to ${e.resourceKey} expires in ${offsetText(offset)}`,
          body: (zone) => lines(zone).join("\n"),
          link: extendAt ?? "/access",
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
