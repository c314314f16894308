import { DomainError } from "../errors";
import {
  defaultTypeSettings,
  exceptionTypeLabels,
  typeSettingsBounds as bounds,
  type ExceptionType,
  type TypeSettings,
} from "./types";

/**
 * Seed 000's rules that no setting changes. Privilege escalation lasts hours and is auto-revoked
 * with no renewal: someone who still needs it asks again, for a new incident, and is approved
 * again. A role transition has a hard expiry (pattern 4). IT's type settings may shorten these
 * types or change their reminders, never switch extension on or stretch escalation past a day.
 */
export const NEVER_EXTENDED_TYPES: readonly ExceptionType[] = ["privilege_escalation", "role_transition"];
export const MAX_ESCALATION_MINUTES = 24 * 60;

export function isNeverExtended(type: string): boolean {
  return (NEVER_EXTENDED_TYPES as readonly string[]).includes(type);
}

const label = (type: string) => (exceptionTypeLabels[type as ExceptionType] ?? type).toLowerCase();

/** Refuses extending an exception whose type is never extended, whatever the settings say. */
export function assertExtensibleType(type: string) {
  if (type === "privilege_escalation") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "A privilege escalation is never renewed: it ends by itself; ask again for the next incident",
      { field: "exceptionId" },
    );
  }
  if (isNeverExtended(type)) {
    throw new DomainError(
      "PRECONDITION_FAILED",
      `A ${label(type)} exception has a hard expiry and cannot be extended`,
      { field: "exceptionId" },
    );
  }
}

/** What is wrong with settings IT wants to save for a type, by field; empty when they keep the pattern's rules. */
export function typeSettingsProblems(
  type: ExceptionType,
  settings: TypeSettings,
): { field: string; message: string }[] {
  const problems: { field: string; message: string }[] = [];
  const max = settings.maxDurationMinutes;
  if (!Number.isInteger(max) || max < bounds.minDurationMinutes || max > bounds.maxDurationMinutes)
    problems.push({
      field: "maxDurationMinutes",
      message: `The longest duration is a whole number of minutes from ${bounds.minDurationMinutes} minutes to 366 days`,
    });
  const reminders = settings.reminderOffsetsMinutes;
  if (reminders.length > bounds.maxReminders)
    problems.push({ field: "reminderOffsetsMinutes", message: `At most ${bounds.maxReminders} reminders` });
  if (reminders.some((r) => !Number.isInteger(r) || r < 1 || r > bounds.maxReminderMinutes))
    problems.push({
      field: "reminderOffsetsMinutes",
      message: "Each reminder is a whole number of minutes, at most 90 days before expiry",
    });
  if (isNeverExtended(type) && settings.extensible) {
    problems.push({
      field: "extensible",
      message: `A ${label(type)} exception is never extended: this cannot be switched on`,
    });
  }
  if (type === "privilege_escalation" && settings.maxDurationMinutes > MAX_ESCALATION_MINUTES) {
    problems.push({
      field: "maxDurationMinutes",
      message: "A privilege escalation lasts hours, not days: at most 24 hours",
    });
  }
  return problems;
}

/**
 * The settings that apply, with the pattern's rules laid over whatever is stored: a row written
 * before these rules (or by hand) cannot make escalation renewable or longer than a day.
 */
/** Whether a type's exceptions may be extended: IT's saved setting (null: none saved, the default), under seed 000's rules. */
export function isExtensible(type: ExceptionType, stored: boolean | null): boolean {
  const settings = defaultTypeSettings[type];
  return effectiveTypeSettings(type, stored === null ? settings : { ...settings, extensible: stored }).extensible;
}

export function effectiveTypeSettings(type: ExceptionType, stored: TypeSettings): TypeSettings {
  if (!isNeverExtended(type)) return stored;
  const maxDurationMinutes =
    type === "privilege_escalation"
      ? Math.min(stored.maxDurationMinutes, MAX_ESCALATION_MINUTES)
      : stored.maxDurationMinutes;
  return {
    ...stored,
    maxDurationMinutes,
    reminderOffsetsMinutes: stored.reminderOffsetsMinutes.filter((o) => o < maxDurationMinutes),
    extensible: false,
  };
}
