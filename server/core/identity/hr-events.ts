import { z } from "zod";
import { saneIsoDate } from "../input/dates";

/**
 * HR events as seed 001 sends them: employee.hired, employee.updated (old and new value per
 * attribute, with an effective date), employee.terminated. Each becomes attribute values for
 * one person and the moment they take effect.
 */

const day = saneIsoDate();
const value = z.union([z.string().max(500), z.array(z.string().max(200)).max(100), z.null()]);
const attributeNames = [
  "job_title",
  "department",
  "team",
  "location",
  "employment_type",
  "employment_status",
  "job_level",
  "hire_date",
  "manager",
  "cost_center",
  "trainings",
] as const;

const hired = z.strictObject({
  event: z.literal("employee.hired"),
  event_id: z.string().min(1).max(200).optional(),
  user_id: z.string().trim().min(1).max(200),
  email: z.email().optional(),
  display_name: z.string().trim().min(1).max(200).optional(),
  start_date: day,
  job_title: z.string().trim().min(1).max(200),
  department: z.string().trim().min(1).max(200),
  team: z.string().trim().max(200).optional(),
  location: z.string().trim().max(200).optional(),
  employment_type: z.string().trim().max(100).optional(),
  job_level: z.string().trim().max(50).optional(),
  manager: z.email().optional(),
  cost_center: z.string().trim().max(100).optional(),
  trainings: z.array(z.string().max(200)).max(100).optional(),
});

const updated = z.strictObject({
  event: z.literal("employee.updated"),
  event_id: z.string().min(1).max(200).optional(),
  user_id: z.string().trim().min(1).max(200),
  changes: z
    .object({ effective_date: day.optional() })
    .catchall(z.strictObject({ old: value.optional(), new: value }))
    .refine((c) => Object.keys(c).some((k) => k !== "effective_date"), "name at least one attribute that changes")
    .superRefine((c, ctx) => {
      for (const k of Object.keys(c)) {
        if (k !== "effective_date" && !(attributeNames as readonly string[]).includes(k))
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: `unknown attribute "${k}" (attributes: ${attributeNames.join(", ")})`,
          });
      }
    }),
});

const terminated = z.strictObject({
  event: z.literal("employee.terminated"),
  event_id: z.string().min(1).max(200).optional(),
  user_id: z.string().trim().min(1).max(200),
  termination_date: day,
  last_day: day.optional(),
  reason: z.string().max(500).optional(),
});

export const hrEventSchema = z.discriminatedUnion("event", [hired, updated, terminated]);
export type HrEvent = z.infer<typeof hrEventSchema>;

export interface HrEventEffect {
  kind: "hire" | "update" | "terminate";
  externalId: string;
  attributes: Record<string, unknown>;
  effectiveAt: Date;
  reason: string;
  person?: { email: string | null; displayName: string | null };
}

const midnight = (d: string) => new Date(`${d}T00:00:00Z`);

/** What an event does: which person, which attribute values, from when (UTC midnight of its date; a leaver keeps their last day). */
export function effectOf(e: HrEvent, receivedAt: Date): HrEventEffect {
  if (e.event === "employee.hired") {
    const { event: _e, event_id: _i, user_id, email, display_name, start_date, ...rest } = e;
    return {
      kind: "hire",
      externalId: user_id,
      attributes: { ...rest, hire_date: start_date, employment_status: "Active" },
      effectiveAt: midnight(start_date),
      reason: "Hired",
      person: { email: email ?? null, displayName: display_name ?? null },
    };
  }
  if (e.event === "employee.updated") {
    const { effective_date, ...changes } = e.changes as Record<string, { new: unknown }> & { effective_date?: string };
    const attributes = Object.fromEntries(Object.entries(changes).map(([k, v]) => [k, (v as { new: unknown }).new]));
    const reason =
      "job_title" in attributes && "department" in attributes
        ? "Transfer"
        : "job_title" in attributes
          ? "Promotion"
          : "HR change";
    return {
      kind: "update",
      externalId: e.user_id,
      attributes,
      effectiveAt: effective_date ? midnight(effective_date) : receivedAt,
      reason,
    };
  }
  const effective = e.last_day ? new Date(midnight(e.last_day).getTime() + 86_400_000) : midnight(e.termination_date);
  return {
    kind: "terminate",
    externalId: e.user_id,
    attributes: { employment_status: "Terminated" },
    effectiveAt: effective,
    reason: e.reason ?? "Termination",
  };
}
