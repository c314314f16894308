import { eq } from "drizzle-orm";
import { defaultTypeSettings, exceptionTypes, type ExceptionType, type TypeSettings } from "@/server/core/exceptions/types";
import type { DbOrTx } from "@/server/db/client";
import { exceptionTypeSettings } from "@/server/db/schema";

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
