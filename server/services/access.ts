import { and, eq, gt } from "drizzle-orm";
import { auditEvents } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

// One record per person and target per minute is evidence enough; a loop of refused calls
// must not grow the trail without bound or hold the audit chain's lock.
const REPEAT_WINDOW_MS = 60_000;

/** Records that someone tried to open a page or call a procedure their roles do not allow. */
export async function recordRefusedAccess({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { subjectType: "procedure" | "section"; subjectId: string; allowedRoles: readonly string[] };
}) {
  if (ctx.actor.type !== "identity") return;
  const since = new Date(ctx.clock().getTime() - REPEAT_WINDOW_MS);
  const [recent] = await ctx.db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.subjectType, input.subjectType),
        eq(auditEvents.subjectId, input.subjectId),
        eq(auditEvents.action, "access.refused"),
        eq(auditEvents.actorId, ctx.actor.identityId),
        gt(auditEvents.occurredAt, since),
      ),
    )
    .limit(1);
  if (recent) return;
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "access.refused",
      subjectType: input.subjectType,
      subjectId: input.subjectId,
      reason: `needs one of: ${input.allowedRoles.join(", ")}`,
    }),
  );
}
