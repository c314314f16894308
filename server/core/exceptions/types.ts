import { z } from "zod";

/** Seed 000's five exception patterns. */
export const exceptionTypes = ["project", "privilege_escalation", "training", "role_transition", "vendor"] as const;
export type ExceptionType = (typeof exceptionTypes)[number];

export const exceptionTypeLabels: Record<ExceptionType | "fallback", string> = {
  project: "Project",
  privilege_escalation: "Privilege escalation",
  training: "Training",
  role_transition: "Role transition",
  vendor: "Vendor",
  fallback: "Fallback",
};

export type ExceptionStatus = "granting" | "active" | "grant_failed" | "removing" | "removed" | "revoke_failed";
export type EndReason = "expired" | "revoked" | "given_back";

/** How people read each status and end reason: pages, filters and reports take their words from here. */
export const exceptionStatusLabels: Record<ExceptionStatus, string> = {
  granting: "Granting",
  active: "Active",
  grant_failed: "Grant failed",
  removing: "Removing",
  removed: "Removed",
  revoke_failed: "Revoke failed",
};
export const endReasonLabels: Record<EndReason, string> = {
  expired: "Expired",
  revoked: "Revoked",
  given_back: "Given back",
};

const MINUTE = 1;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The bounds of what IT may save for a type, the same for the settings page (its router), a
 * configuration import (core/config/schemas.ts) and the service that saves them
 * (typeSettingsProblems): a type lasts at most 366 days, with at most 5 reminders of at most 90 days.
 */
export const typeSettingsBounds = {
  minDurationMinutes: 5,
  maxDurationMinutes: 366 * DAY,
  maxReminders: 5,
  maxReminderMinutes: 90 * DAY,
} as const;

/** How an exception type behaves; IT can override these per type (exception_type_settings). */
export interface TypeSettings {
  maxDurationMinutes: number;
  /** reminders go out this long before expiry, longest first (each only if the access lasts longer than it) */
  reminderOffsetsMinutes: number[];
  extensible: boolean;
  /** the approver group for a third and fourth extension */
  escalatedApproverGroup: string | null;
}

/**
 * Seed 000: escalation lasts hours, not weeks, and is never renewed; a role transition overlaps
 * 30 days and is never extended (patterns.ts holds those two rules against any setting).
 */
export const defaultTypeSettings: Record<ExceptionType, TypeSettings> = {
  project: {
    maxDurationMinutes: 365 * DAY,
    reminderOffsetsMinutes: [14 * DAY, 1 * DAY, 1 * HOUR],
    extensible: true,
    escalatedApproverGroup: "security",
  },
  privilege_escalation: {
    maxDurationMinutes: 24 * HOUR,
    reminderOffsetsMinutes: [1 * HOUR],
    extensible: false,
    escalatedApproverGroup: null,
  },
  training: {
    maxDurationMinutes: 26 * 7 * DAY,
    reminderOffsetsMinutes: [14 * DAY, 1 * DAY, 1 * HOUR],
    extensible: true,
    escalatedApproverGroup: "security",
  },
  role_transition: {
    maxDurationMinutes: 30 * DAY,
    reminderOffsetsMinutes: [7 * DAY, 1 * DAY],
    extensible: false,
    escalatedApproverGroup: null,
  },
  vendor: {
    maxDurationMinutes: 180 * DAY,
    reminderOffsetsMinutes: [14 * DAY, 1 * DAY, 1 * HOUR],
    extensible: true,
    escalatedApproverGroup: "security",
  },
};

/** Extensions the original approver may give; the next need the escalated approver; then none. */
export const ORDINARY_EXTENSIONS = 2;
export const MAX_EXTENSIONS = 4;

// Vendor restrictions live in restrictions.ts; re-exported here where callers have always found them.
export { restrictionsSchema, type Restrictions } from "./restrictions";

/** What an exception is tied to. */
export const referencesSchema = z.strictObject({
  project: z.string().trim().max(200).optional(),
  incident: z.string().trim().max(200).optional(),
  ticket: z.string().trim().max(200).optional(),
  contract: z.string().trim().max(200).optional(),
  vendor: z.string().trim().max(200).optional(),
});
export type References = z.infer<typeof referencesSchema>;

export const referenceLabels: Record<keyof References, string> = {
  project: "Project",
  incident: "Incident",
  ticket: "Ticket",
  contract: "Contract",
  vendor: "Vendor",
};

/** "Project: Apollo · Ticket: OPS-12", or null when the exception is tied to nothing. */
export function referencesText(references: unknown): string | null {
  if (!references || typeof references !== "object") return null;
  const parts = Object.entries(references as Record<string, unknown>)
    .filter(([, v]) => typeof v === "string" && v.trim() !== "")
    .map(([k, v]) => `${referenceLabels[k as keyof References] ?? k}: ${String(v)}`);
  return parts.length ? parts.join(" · ") : null;
}
