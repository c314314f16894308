import { actorLabel } from "@/server/core/actor";
import { eq } from "drizzle-orm";
import { defaultTypeSettings, exceptionTypes, type ExceptionType, type TypeSettings } from "@/server/core/exceptions/types";
import type { DbOrTx } from "@/server/db/client";
import { DomainError } from "@/server/core/errors";
import { approverGroups, exceptionTypeSettings } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

/** A type's settings: IT's overrides where saved, the defaults otherwise. */
export async function typeSettingsOf(db: DbOrTx, type: ExceptionType): Promise<TypeSettings> {
  const [row] = await db.select().from(exceptionTypeSettings).where(eq(exceptionTypeSettings.type, type));
  return row ? { maxDurationMinutes: row.maxDurationMinutes, reminderOffsetsMinutes: row.reminderOffsetsMinutes, extensible: row.extensible, escalatedApproverGroup: row.escalatedApproverGroup } : defaultTypeSettings[type];
}

export async function allTypeSettings(db: DbOrTx): Promise<Record<ExceptionType, TypeSettings>> {
  const rows = await db.select().from(exceptionTypeSettings);
  const out = { ...defaultTypeSettings };
  for (const r of rows) {
    if ((exceptionTypes as readonly string[]).includes(r.type)) {
      out[r.type as ExceptionType] = { maxDurationMinutes: r.maxDurationMinutes, reminderOffsetsMinutes: r.reminderOffsetsMinutes, extensible: r.extensible, escalatedApproverGroup: r.escalatedApproverGroup };
    }
  }
  return out;
}

/** IT changes how a type behaves: longest duration, reminders before expiry, extensibility, escalated approvers. */
export async function updateTypeSettings({ ctx, input }: { ctx: ServiceContext; input: { type: ExceptionType } & TypeSettings }) {
  const offsets = [...new Set(input.reminderOffsetsMinutes)].sort((a, b) => b - a);
  if (offsets.some((o) => o <= 0 || o >= input.maxDurationMinutes)) {
    throw new DomainError("INVALID_INPUT", "Each reminder must come before expiry and within the longest duration", { field: "reminderOffsetsMinutes" });
  }
  if (input.escalatedApproverGroup) {
    const [group] = await ctx.db.select({ key: approverGroups.key }).from(approverGroups).where(eq(approverGroups.key, input.escalatedApproverGroup));
    if (!group) throw new DomainError("INVALID_INPUT", `There is no approver group "${input.escalatedApproverGroup}"`, { field: "escalatedApproverGroup" });
  }
  const before = await typeSettingsOf(ctx.db, input.type);
  const after: TypeSettings = { maxDurationMinutes: input.maxDurationMinutes, reminderOffsetsMinutes: offsets, extensible: input.extensible, escalatedApproverGroup: input.escalatedApproverGroup };
  const by = actorLabel(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    await tx
      .insert(exceptionTypeSettings)
      .values({ type: input.type, ...after, updatedAt: ctx.clock(), updatedBy: by })
      .onConflictDoUpdate({ target: exceptionTypeSettings.type, set: { ...after, updatedAt: ctx.clock(), updatedBy: by } });
    await recordAuditEvent(tx, ctx, { action: "exception_type.updated", subjectType: "exception_type", subjectId: input.type, before, after });
    return after;
  });
}
