import { z } from "zod";
import { exceptionTypes, referencesSchema, restrictionsSchema } from "../exceptions/types";
import { formatDuration, type TemplateDefinition } from "./template";
import { formatDay } from "../time/format";

/**
 * Access IT proposes for someone (issue 12): IT records what and why, a named approver decides
 * it in their inbox like any request, and it counts as access only once they approve. Nobody
 * proposes for themselves, and nobody approves what they proposed (approvers.ts).
 *
 * - grant: a new exception (the exception form);
 * - keep: access already in the target that drift found, kept as an exception (Drift);
 * - extend: more time on an open exception (the exception page).
 */
const iso = z.iso.datetime({ offset: true });
const common = {
  resource: z.string(),
  level: z.string().nullable(),
  type: z.enum(exceptionTypes),
  /** the person IT named to decide */
  approverEmail: z.email(),
};

export const proposalSchema = z.discriminatedUnion("action", [
  z.strictObject({
    action: z.literal("grant"),
    ...common,
    references: referencesSchema,
    restrictions: restrictionsSchema,
    startsAt: iso,
    expiresAt: iso,
  }),
  z.strictObject({ action: z.literal("keep"), ...common, findingId: z.uuid(), expiresAt: iso }),
  z.strictObject({
    action: z.literal("extend"),
    ...common,
    exceptionId: z.uuid(),
    exceptionNumber: z.int(),
    /** how much later the exception should end */
    durationMinutes: z.int().positive(),
    /** a third or fourth extension: the approver must be in the type's escalated approver group */
    escalated: z.boolean(),
  }),
]);
export type Proposal = z.infer<typeof proposalSchema>;

export const proposalActionLabels: Record<Proposal["action"], string> = {
  grant: "a new exception",
  keep: "keeping access found in the system as an exception",
  extend: "an extension",
};

/** Minutes the proposed access lasts, counted from when it is proposed (the request's duration). */
export function proposedMinutes(p: Proposal, proposedAt: Date): number {
  if (p.action === "extend") return p.durationMinutes;
  const start = p.action === "grant" ? Math.max(Date.parse(p.startsAt), proposedAt.getTime()) : proposedAt.getTime();
  return Math.max(1, Math.ceil((Date.parse(p.expiresAt) - start) / 60_000));
}

/**
 * The terms a proposal is decided under, as a request form: one stage, the named approver (or
 * their delegate while they are away), told at once, with the usual reminders and pending expiry.
 */
export function proposalDefinition(p: Proposal, minutes: number): TemplateDefinition {
  return {
    grants: [{ resource: p.resource, level: p.level }],
    durations: [minutes],
    maxDurationMinutes: minutes,
    startMode: p.action === "grant" ? "requester_picks" : "on_approval",
    stages: [
      {
        name: "Named approver",
        approvers: [{ kind: "person", email: p.approverEmail }],
        threshold: { kind: "any" },
        notify: { policy: "all", count: 1 },
        escalation: null,
      },
    ],
    fields: [],
    justificationMinLength: 10,
    ticketReference: "optional",
    autoApproval: [],
    autoApproveOutsidePolicy: false,
    pendingExpiryDays: 7,
    reminderAfterHours: 24,
    exceptionType: p.type,
    onGrantFailure: { mode: "retry", maxAttempts: 5 },
  };
}

/** What the proposal asks for, in one line ("google:group:x until 2026-12-31", "+2 weeks on EXC-4"); days in `zone`. */
export function describeProposal(p: Proposal, zone: string): string {
  const level = p.level ? ` (${p.level})` : "";
  if (p.action === "extend")
    return `${p.resource}${level}: EXC-${p.exceptionNumber} ${formatDuration(p.durationMinutes)} longer`;
  return `${p.resource}${level} until ${formatDay(p.expiresAt, zone)}`;
}

/** How long, in words: "until 2026-12-20" (a day in `zone`) for new or kept access, "2 weeks more on EXC-4" for an extension. */
export function proposalWindow(p: Proposal, zone: string): string {
  return p.action === "extend"
    ? `${formatDuration(p.durationMinutes)} more on EXC-${p.exceptionNumber}`
    : `until ${formatDay(p.expiresAt, zone)}`;
}
