import { z } from "zod";
import { ipRangeSchema } from "../exceptions/restrictions";
import { exceptionTypes } from "../exceptions/types";
import { durationWords } from "../fallbacks/duration";

/**
 * A request template (seed 003): what can be asked for, for how long, who approves in which
 * stages, how approvers are told and escalated, which extra fields the requester fills in, and
 * which rules may approve on their own. The schema is the single definition used by the editor,
 * the router and the services.
 */

const key = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "use lowercase letters, digits and dashes");

export const approverRefSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("person"), email: z.email() }),
  z.strictObject({ kind: z.literal("group"), group: key }),
  z.strictObject({ kind: z.literal("manager") }),
  z.strictObject({ kind: z.literal("resource_owner") }),
]);
export type ApproverRef = z.infer<typeof approverRefSchema>;

export const notificationPolicies = ["all", "first_n", "random_n", "round_robin"] as const;
export type NotificationPolicy = (typeof notificationPolicies)[number];

export const stageSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  approvers: z.array(approverRefSchema).min(1, "name at least one approver").max(20),
  threshold: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("any") }),
    z.strictObject({ kind: z.literal("count"), n: z.int().min(1).max(10) }),
  ]),
  notify: z.strictObject({ policy: z.enum(notificationPolicies), count: z.int().min(1).max(50) }),
  escalation: z
    .strictObject({
      afterMinutes: z
        .int()
        .min(1)
        .max(60 * 24 * 14),
      toGroup: key,
    })
    .nullable(),
});
export type Stage = z.infer<typeof stageSchema>;

export const fieldSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9_]*$/, "use snake_case"),
  label: z.string().trim().min(1).max(120),
  type: z.enum(["text", "dropdown", "checkbox"]),
  required: z.boolean(),
  options: z.array(z.string().trim().min(1).max(120)).max(50).default([]),
  maxLength: z.int().min(1).max(5000).default(500),
});
export type Field = z.infer<typeof fieldSchema>;

export const autoApprovalSchema = z.discriminatedUnion("kind", [
  /** e.g. the on-call group for incident access */
  z.strictObject({ kind: z.literal("requester_in_group"), group: key }),
  /** seed 000, pattern 4: someone whose job title or department changed within N days keeps access to hand over */
  z.strictObject({ kind: z.literal("role_transition"), withinDays: z.int().min(1).max(90) }),
]);
export type AutoApproval = z.infer<typeof autoApprovalSchema>;

/**
 * What a vendor template imposes on the access it gives (seed 000, pattern 5). The IP allow list
 * is either fixed here or named by the requester on the form (a template serves many vendors,
 * each with its own ranges); approvers see the ranges on the request either way.
 */
export const templateRestrictionsSchema = z.strictObject({
  ipAllowList: z.array(ipRangeSchema).max(50).default([]),
  requesterSuppliesIpAllowList: z.boolean().default(false),
  mfaRequired: z.boolean().default(true),
  sessionMinutes: z
    .int()
    .min(5)
    .max(24 * 60)
    .nullable()
    .default(null),
  maxSessions: z.int().min(1).max(100).nullable().default(null),
});
export type TemplateRestrictions = z.infer<typeof templateRestrictionsSchema>;

export const templateDefinitionSchema = z
  .strictObject({
    grants: z
      .array(
        z.strictObject({
          resource: z.string().regex(/^[a-z][a-z0-9-]*:[^:\s]+:\S.*$/, "write resources as system:type:name"),
          level: z.string().min(1).nullable(),
        }),
      )
      .min(1, "grant at least one resource")
      .max(20),
    /** the durations a requester may pick, in minutes */
    durations: z
      .array(
        z
          .int()
          .min(5)
          .max(60 * 24 * 366),
      )
      .min(1, "offer at least one duration")
      .max(12),
    maxDurationMinutes: z
      .int()
      .min(5)
      .max(60 * 24 * 366),
    startMode: z.enum(["on_approval", "requester_picks"]),
    stages: z.array(stageSchema).min(1, "add a stage").max(3, "at most three stages"),
    fields: z.array(fieldSchema).max(20).default([]),
    justificationMinLength: z.int().min(0).max(2000).default(20),
    ticketReference: z.enum(["hidden", "optional", "required"]).default("optional"),
    autoApproval: z.array(autoApprovalSchema).max(5).default([]),
    /** auto-approval may approve access outside policy only when this says so */
    autoApproveOutsidePolicy: z.boolean().default(false),
    pendingExpiryDays: z.int().min(1).max(90).default(7),
    /** approvers who have not decided are reminded this often */
    reminderAfterHours: z
      .int()
      .min(1)
      .max(24 * 14)
      .default(24),
    /** what kind of exception an approval creates (seed 000's patterns) */
    exceptionType: z.enum(exceptionTypes).default("project"),
    /** when the grant fails (seed 003's trigger tasks): ignore it, retry up to a maximum, or block the approval */
    onGrantFailure: z
      .strictObject({ mode: z.enum(["ignore", "retry", "block"]), maxAttempts: z.int().min(1).max(20) })
      .default({ mode: "retry", maxAttempts: 5 }),
    /** vendor templates only: the restrictions every exception it makes carries (template-rules.ts says what a vendor needs) */
    restrictions: templateRestrictionsSchema.optional(),
  })
  .superRefine((d, ctx) => {
    d.durations.forEach((m, i) => {
      if (m > d.maxDurationMinutes)
        ctx.addIssue({
          code: "custom",
          path: ["durations", i],
          message: `${formatDuration(m)} is longer than the maximum (${formatDuration(d.maxDurationMinutes)})`,
        });
    });
    if (d.restrictions?.requesterSuppliesIpAllowList && d.restrictions.ipAllowList.length) {
      ctx.addIssue({
        code: "custom",
        path: ["restrictions", "ipAllowList"],
        message: "the requester names the ranges: leave this list empty, or fix the ranges here",
      });
    }
    if (new Set(d.fields.map((f) => f.key)).size !== d.fields.length)
      ctx.addIssue({ code: "custom", path: ["fields"], message: "two fields share a key" });
    d.fields.forEach((f, i) => {
      if (f.type === "dropdown" && f.options.length === 0)
        ctx.addIssue({ code: "custom", path: ["fields", i, "options"], message: "a dropdown needs options" });
    });
  });
export type TemplateDefinition = z.infer<typeof templateDefinitionSchema>;

/** 30 → "30 minutes", 480 → "8 hours", 60480 → "6 weeks" (the largest unit that divides it). */
export const formatDuration = durationWords;
