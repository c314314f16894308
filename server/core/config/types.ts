import type { FallbackPolicy } from "../fallbacks/types";
import type { ExceptionType, TypeSettings } from "../exceptions/types";
import type { TemplateDefinition } from "../requests/template";

/**
 * Configuration as code (issue 15, point 9; docs/config-as-code.md): what IT manages besides
 * policies, as one YAML file per kind. These are the items as Clearance keeps them, normalized so
 * that two equal configurations compare (and serialize) equal.
 */

export const configKinds = [
  "approverGroups",
  "systems",
  "resources",
  "templates",
  "fallbacks",
  "exceptionTypes",
] as const;
export type ConfigKind = (typeof configKinds)[number];

/** Each kind's file in the directory. */
export const configFileOf: Record<ConfigKind, string> = {
  approverGroups: "approver-groups.yaml",
  systems: "systems.yaml",
  resources: "resources.yaml",
  templates: "templates.yaml",
  fallbacks: "fallbacks.yaml",
  exceptionTypes: "exception-types.yaml",
};

export interface SystemItem {
  key: string;
  name: string;
  description: string;
  /** lowest first */
  accessLevels: string[];
  adapter: { kind: string; settings: Record<string, unknown> };
  reviewPlans: boolean;
  graceDays: number | null;
  driftAutoRemediate: boolean;
}

export const sensitivities = ["low", "medium", "high", "critical"] as const;
export type Sensitivity = (typeof sensitivities)[number];

export interface ResourceItem {
  /** system:type:name */
  key: string;
  displayName: string;
  description: string;
  sensitivity: Sensitivity;
  requestable: boolean;
  defaultTemplate: string | null;
  /** emails, lower case, sorted */
  owners: string[];
}

export interface TemplateItem {
  key: string;
  name: string;
  description: string;
  active: boolean;
  definition: TemplateDefinition;
}

export interface ApproverGroupItem {
  key: string;
  name: string;
  description: string;
  /** emails, lower case, in order (first_n and round_robin follow it) */
  members: string[];
}

export interface FallbackItem {
  name: string;
  /** the fallback's YAML as IT wrote it (the source is what counts), ending in one newline */
  source: string;
  /** parsed; lines count from the start of fallbacks.yaml */
  fallback: FallbackPolicy;
}

export interface ExceptionTypeItem extends TypeSettings {
  type: ExceptionType;
}

export interface ConfigSet {
  systems: SystemItem[];
  resources: ResourceItem[];
  templates: TemplateItem[];
  approverGroups: ApproverGroupItem[];
  fallbacks: FallbackItem[];
  exceptionTypes: ExceptionTypeItem[];
}

export type ConfigItem = ConfigSet[ConfigKind][number];

/** A problem in the files, named by file and line. */
export interface ConfigProblem {
  severity: "error" | "warning";
  file: string;
  line: number;
  message: string;
}

export interface ConfigFile {
  /** relative to the directory: one of configFileOf's names */
  path: string;
  source: string;
}

/** One item's change. Removing a template takes it out of the catalog (its requests stay); removing a system retires it. */
export interface PlannedChange {
  kind: ConfigKind;
  key: string;
  change: "create" | "change" | "remove";
  /** for "change": the fields that differ */
  fields: string[];
  /** where the item is written (create and change) */
  line: number | null;
}
