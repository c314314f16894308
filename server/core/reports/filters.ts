import { z } from "zod";
import { saneIsoDate, saneIsoDateTime } from "../input/dates";
import { storableText } from "../input/storable";

/** What every report can be narrowed by (issue 6): a date range, a system, a department, a person. */
export const reportFiltersSchema = z.strictObject({
  from: saneIsoDate().optional(),
  to: saneIsoDate().optional(),
  system: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9-]*$/, "a system key")
    .optional(),
  department: storableText().trim().min(1).max(200).optional(),
  person: storableText().trim().min(1).max(320).optional(),
  /** the instant of the access-as-of report (default: now) */
  at: saneIsoDateTime().optional(),
});
export type ReportFilters = z.infer<typeof reportFiltersSchema>;

export const reportKinds = [
  "access-as-of",
  "exceptions",
  "approvals",
  "leavers",
  "policy-changes",
  "requests",
  "audit-events",
] as const;
export type ReportKind = (typeof reportKinds)[number];
export const reportFormats = ["csv", "json", "pdf"] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** The range as instants: from the start of `from` to the end of `to` (UTC). */
export function rangeOf(f: ReportFilters): { from: Date | null; to: Date | null } {
  return {
    from: f.from ? new Date(`${f.from}T00:00:00Z`) : null,
    to: f.to ? new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000) : null,
  };
}
