import { z } from "zod";
import { exceptionTypes } from "../exceptions/types";
import { parseDuration } from "../fallbacks/duration";
import { templateDefinitionSchema } from "../requests/template";
import { sensitivities } from "./types";

/**
 * What each file's items look like (docs/config-as-code.md). Strict: a misspelt field is an
 * error on its line, not silently ignored. Fields left out take the product's defaults.
 */

const key = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "use lowercase letters, digits and dashes");
const text = (max: number) => z.string().trim().max(max);
const email = z.email().transform((e) => e.toLowerCase());
const graceDays = z.int().min(0).max(365).nullable().default(null);
const duration = z.string().transform((value, ctx) => {
  const minutes = parseDuration(value);
  if (minutes === null) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a duration such as 90m, 8h, 30d or 2w` });
    return z.NEVER;
  }
  return minutes;
});

export const systemSchema = z.strictObject({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, "a lowercase word (letters, digits, dashes), starting with a letter")
    .refine((k) => k !== "new", '"new" is reserved; choose another key'),
  name: text(120).min(1),
  description: text(1000).default(""),
  accessLevels: z
    .array(z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, "a lowercase word (letters, digits, - or _)"))
    .min(1, "name at least one access level, lowest first")
    .max(20)
    .refine((levels) => new Set(levels).size === levels.length, "each access level once"),
  adapter: z
    .strictObject({ kind: z.string().min(1), settings: z.record(z.string(), z.unknown()).default({}) })
    .default({ kind: "manual", settings: {} }),
  reviewPlans: z.boolean().default(false),
  graceDays,
  driftAutoRemediate: z.boolean().default(false),
});

export const resourceSchema = z.strictObject({
  key: z.string().regex(/^[a-z][a-z0-9-]*:[^:\s]+:\S.*$/, "write resources as system:type:name"),
  displayName: text(200).default(""),
  description: text(1000).default(""),
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
  name: text(120).min(1),
  description: text(2000).default(""),
  active: z.boolean().default(true),
  definition: templateDefinitionSchema,
});

export const approverGroupSchema = z.strictObject({
  key,
  name: text(120).min(1),
  description: text(1000).default(""),
  members: z
    .array(email)
    .max(200)
    .default([])
    .refine((m) => new Set(m).size === m.length, "each member once"),
});

export const exceptionTypeSchema = z.strictObject({
  type: z.enum(exceptionTypes),
  maxDuration: duration,
  reminders: z
    .array(duration)
    .max(10)
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
