import { z } from "zod";
import { exceptionTypes, typeSettingsBounds } from "../exceptions/types";
import { parseDuration } from "../fallbacks/duration";
import { textLimits as max } from "../input/limits";
import { templateDefinitionSchema } from "../requests/template";
import { resourceInputSchema } from "../resources/catalog";
import { sensitivities } from "./types";

/**
 * What each file's items look like (docs/config-as-code.md). Strict: a misspelt field is an
 * error on its line, not silently ignored. Fields left out take the product's defaults. The
 * bounds are the app's own (its routers, the resource catalog's and the type settings' rules), so
 * that an item the dry run accepts is not refused when it is applied.
 */

const key = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "use lowercase letters, digits and dashes")
  .max(max.templateKey);
const text = (most: number) => z.string().trim().max(most);
const email = z.email().transform((e) => e.toLowerCase());
const graceDays = z.int().min(0).max(365).nullable().default(null);
/** A duration such as 90m, 8h, 30d or 2w, in minutes, within [min, max] minutes (`most` says the max in words). */
const duration = (min: number, most: { minutes: number; words: string }) =>
  z.string().transform((value, ctx) => {
    const minutes = parseDuration(value);
    if (minutes === null) {
      ctx.addIssue({ code: "custom", message: `"${value}" is not a duration such as 90m, 8h, 30d or 2w` });
      return z.NEVER;
    }
    if (minutes < min || minutes > most.minutes) {
      ctx.addIssue({
        code: "custom",
        message: `"${value}" is not between ${min} minute${min === 1 ? "" : "s"} and ${most.words}`,
      });
      return z.NEVER;
    }
    return minutes;
  });

export const systemSchema = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, "a lowercase word (letters, digits, dashes), starting with a letter")
    .max(max.systemKey)
    .refine((k) => k !== "new", '"new" is reserved; choose another key'),
  name: text(max.systemName).min(1),
  description: text(max.systemDescription).default(""),
  accessLevels: z
    .array(
      z
        .string()
        .max(max.accessLevel)
        .regex(/^[a-z][a-z0-9_-]*$/, "a lowercase word (letters, digits, - or _)"),
    )
    .min(1, "name at least one access level, lowest first")
    .max(max.accessLevels)
    .refine((levels) => new Set(levels).size === levels.length, "each access level once"),
  adapter: z
    .strictObject({ kind: z.string().min(1), settings: z.record(z.string(), z.unknown()).default({}) })
    .default({ kind: "manual", settings: {} }),
  reviewPlans: z.boolean().default(false),
  graceDays,
  driftAutoRemediate: z.boolean().default(false),
});

/** system:type:name, each part by the resource catalog's own rules (resourceInputSchema). */
const resourceKey = z.string().superRefine((value, ctx) => {
  const [, systemKey, type, name] = /^([^:]*):([^:]*):(.*)$/s.exec(value) ?? [];
  if (name === undefined) {
    ctx.addIssue({ code: "custom", message: "write resources as system:type:name" });
    return;
  }
  const { shape } = resourceInputSchema;
  const parts = [
    ["system", systemKey!, shape.systemKey],
    ["type", type!, shape.type],
    ["name", name, shape.name],
  ] as const;
  for (const [part, written, schema] of parts) {
    const parsed = schema.safeParse(written);
    if (!parsed.success) ctx.addIssue({ code: "custom", message: `the ${part}: ${parsed.error.issues[0]!.message}` });
    else if (parsed.data !== written)
      ctx.addIssue({ code: "custom", message: `the ${part}: no spaces before or after "${parsed.data}"` });
  }
});

export const resourceSchema = z.strictObject({
  key: resourceKey,
  displayName: resourceInputSchema.shape.displayName,
  description: resourceInputSchema.shape.description,
  sensitivity: z.enum(sensitivities).default("medium"),
  requestable: z.boolean().default(true),
  defaultTemplate: key.nullable().default(null),
  owners: z
    .array(email)
    .max(20)
    .default([])
    .transform((owners) => [...new Set(owners)].sort()),
});

export const templateSchema = z.strictObject({
  key: key.refine(
    (k) => k !== "it-proposal",
    '"it-proposal" is the built-in form of IT\'s proposals: choose another key',
  ),
  name: text(max.templateName).min(1),
  description: text(max.templateDescription).default(""),
  active: z.boolean().default(true),
  definition: templateDefinitionSchema,
});

export const approverGroupSchema = z.strictObject({
  key,
  name: text(max.groupName).min(1),
  description: text(max.groupDescription).default(""),
  members: z
    .array(email)
    .max(max.groupMembers)
    .default([])
    .refine((m) => new Set(m).size === m.length, "each member once"),
});

const bounds = typeSettingsBounds;

export const exceptionTypeSchema = z.strictObject({
  type: z.enum(exceptionTypes),
  maxDuration: duration(bounds.minDurationMinutes, { minutes: bounds.maxDurationMinutes, words: "366 days" }),
  reminders: z
    .array(duration(1, { minutes: bounds.maxReminderMinutes, words: "90 days" }))
    .max(bounds.maxReminders)
    .default([])
    .transform((r) => [...new Set(r)].sort((a, b) => b - a)),
  extensible: z.boolean(),
  escalatedApproverGroup: key.nullable().default(null),
});

export const itemSchemas = {
  systems: systemSchema,
  resources: resourceSchema,
  templates: templateSchema,
  approverGroups: approverGroupSchema,
  exceptionTypes: exceptionTypeSchema,
} as const;

/** The field naming each item (for duplicates and for the plan). */
export const itemKeyField = {
  systems: "key",
  resources: "key",
  templates: "key",
  approverGroups: "key",
  exceptionTypes: "type",
} as const;
