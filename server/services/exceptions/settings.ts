import { actorLabel } from "@/server/core/actor";
import { and, eq, sql } from "drizzle-orm";
import { effectiveTypeSettings, typeSettingsProblems } from "@/server/core/exceptions/patterns";
import {
  defaultTypeSettings,
  exceptionTypes,
  type ExceptionType,
  type TypeSettings,
} from "@/server/core/exceptions/types";
import { formatDuration, templateDefinitionSchema } from "@/server/core/requests/template";
import type { DbOrTx } from "@/server/db/client";
import { DomainError } from "@/server/core/errors";
import { approverGroups, exceptionTypeSettings, requestTemplates } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

/** A type's settings: IT's overrides where saved, the defaults otherwise; seed 000's fixed rules over both. */
export async function typeSettingsOf(db: DbOrTx, type: ExceptionType): Promise<TypeSettings> {
  const [row] = await db.select().from(exceptionTypeSettings).where(eq(exceptionTypeSettings.type, type));
  return typeSettingsFrom(type, row ?? null);
}

/** The same from a row read by the caller (`null`: none saved): a decision reads it with its context. */
export function typeSettingsFrom(type: ExceptionType, row: TypeSettings | null): TypeSettings {
  const stored = row
    ? {
        maxDurationMinutes: row.maxDurationMinutes,
        reminderOffsetsMinutes: row.reminderOffsetsMinutes,
        extensible: row.extensible,
        escalatedApproverGroup: row.escalatedApproverGroup,
      }
    : defaultTypeSettings[type];
  return effectiveTypeSettings(type, stored);
}

export async function allTypeSettings(db: DbOrTx): Promise<Record<ExceptionType, TypeSettings>> {
  const rows = await db.select().from(exceptionTypeSettings);
  const out = { ...defaultTypeSettings };
  for (const r of rows) {
    if ((exceptionTypes as readonly string[]).includes(r.type)) {
      out[r.type as ExceptionType] = {
        maxDurationMinutes: r.maxDurationMinutes,
        reminderOffsetsMinutes: r.reminderOffsetsMinutes,
        extensible: r.extensible,
        escalatedApproverGroup: r.escalatedApproverGroup,
      };
    }
  }
  for (const type of exceptionTypes) out[type] = effectiveTypeSettings(type, out[type]);
  return out;
}

/** Active templates of a type that offer longer than `maxMinutes`, by name, with the longest each offers. */
async function templatesLongerThan(db: DbOrTx, type: ExceptionType, maxMinutes: number) {
  const rows = await db
    .select({ name: requestTemplates.name, definition: requestTemplates.definition })
    .from(requestTemplates)
    .where(and(eq(requestTemplates.active, true), sql`${requestTemplates.definition}->>'exceptionType' = ${type}`));
  return rows.flatMap((row) => {
    const def = templateDefinitionSchema.safeParse(row.definition);
    if (!def.success) return [];
    const longest = Math.max(def.data.maxDurationMinutes, ...def.data.durations);
    return longest > maxMinutes ? [`${row.name} (${formatDuration(longest)})`] : [];
  });
}

/**
 * IT changes how a type behaves: longest duration, reminders before expiry, extensibility,
 * escalated approvers. Seed 000's fixed rules hold (escalation: at most a day, never extended;
 * role transition: never extended), and the longest duration cannot drop below what an active
 * template of the type offers: those templates are named, to shorten or deactivate first.
 */
export async function updateTypeSettings({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { type: ExceptionType } & TypeSettings;
}) {
  const [broken] = typeSettingsProblems(input.type, input);
  if (broken) throw new DomainError("INVALID_INPUT", broken.message, { field: broken.field });
  const offsets = [...new Set(input.reminderOffsetsMinutes)].sort((a, b) => b - a);
  if (offsets.some((o) => o <= 0 || o >= input.maxDurationMinutes)) {
    throw new DomainError("INVALID_INPUT", "Each reminder must come before expiry and within the longest duration", {
      field: "reminderOffsetsMinutes",
    });
  }
  if (input.escalatedApproverGroup) {
    const [group] = await ctx.db
      .select({ key: approverGroups.key })
      .from(approverGroups)
      .where(eq(approverGroups.key, input.escalatedApproverGroup));
    if (!group)
      throw new DomainError("INVALID_INPUT", `There is no approver group "${input.escalatedApproverGroup}"`, {
        field: "escalatedApproverGroup",
      });
  }
  const after: TypeSettings = {
    maxDurationMinutes: input.maxDurationMinutes,
    reminderOffsetsMinutes: offsets,
    extensible: input.extensible,
    escalatedApproverGroup: input.escalatedApproverGroup,
  };
  const by = actorLabel(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    // Templates are saved under the same lock (templates.ts), so none slips past this check.
    await lockTypeSettings(tx, input.type);
    const before = await typeSettingsOf(tx, input.type);
    const longer = await templatesLongerThan(tx, input.type, input.maxDurationMinutes);
    if (longer.length) {
      throw new DomainError(
        "INVALID_INPUT",
        `Active templates offer longer than ${formatDuration(input.maxDurationMinutes)}: ${longer.join(", ")}. Shorten or deactivate them first.`,
        { field: "maxDurationMinutes" },
      );
    }
    await tx
      .insert(exceptionTypeSettings)
      .values({ type: input.type, ...after, updatedAt: ctx.clock(), updatedBy: by })
      .onConflictDoUpdate({
        target: exceptionTypeSettings.type,
        set: { ...after, updatedAt: ctx.clock(), updatedBy: by },
      });
    await recordAuditEvent(tx, ctx, {
      action: "exception_type.updated",
      subjectType: "exception_type",
      subjectId: input.type,
      before,
      after,
    });
    return after;
  });
}

/**
 * Serializes changes to a type's maximum with template saves of that type (a transaction-scoped
 * advisory lock), so a template longer than the new maximum cannot be saved in between.
 */
export async function lockTypeSettings(tx: DbOrTx, type: ExceptionType) {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`exception_type_settings:${type}`}))`);
}
