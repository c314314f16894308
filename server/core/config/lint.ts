import { lintFallbacks } from "../fallbacks/lint";
import { typeSettingsProblems } from "../exceptions/patterns";
import { templateTypeProblems } from "../requests/template-rules";
import type { TemplateDefinition } from "../requests/template";
import type { ParsedConfig } from "./parse";
import { configFileOf, type ConfigKind, type ConfigProblem, type ConfigSet } from "./types";

/**
 * What the configuration as a whole must hold, item against item, before anything is saved: a
 * resource's system, a template's resources, levels, groups and people, an exception type's
 * rules and escalation group, and the fallbacks' lint (docs/fallbacks.md). `desired` is the whole
 * configuration after the import (kinds not in the directory as they are now).
 */
export interface ConfigLintContext {
  /** emails (lower case) of the people Clearance knows: members, owners and approvers must be among them */
  knownEmails: ReadonlySet<string>;
  /** exception types whose settings the import changes (only those are checked against the pattern's rules) */
  changedExceptionTypes: ReadonlySet<string>;
  /** approver groups there are now: one the import removes must not stay named by an exception type */
  currentGroups: ReadonlySet<string>;
}

export const resourceSystem = (resourceKey: string) => resourceKey.slice(0, resourceKey.indexOf(":"));

export function lintConfig(desired: ConfigSet, parsed: ParsedConfig, ctx: ConfigLintContext): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const report = (kind: ConfigKind, key: string, path: readonly PropertyKey[], message: string) =>
    out.push({
      severity: "error",
      file: configFileOf[kind],
      line: parsed.lineOf(kind, key, path) ?? 0,
      message: `${key}: ${message}`,
    });
  const systems = new Map(desired.systems.map((s) => [s.key, s]));
  const resources = new Set(desired.resources.map((r) => r.key));
  const groups = new Set(desired.approverGroups.map((g) => g.key));
  const activeTemplates = new Set(desired.templates.filter((t) => t.active).map((t) => t.key));
  const typeMax = new Map(desired.exceptionTypes.map((t) => [t.type, t.maxDurationMinutes]));
  const person = (email: string) => ctx.knownEmails.has(email.toLowerCase());

  for (const r of desired.resources) {
    const system = resourceSystem(r.key);
    if (!systems.has(system)) report("resources", r.key, ["key"], `there is no system "${system}" in systems.yaml`);
    r.owners.forEach((o) => {
      if (!person(o)) report("resources", r.key, ["owners"], `owners: nobody has the email ${o}`);
    });
    if (r.defaultTemplate && !activeTemplates.has(r.defaultTemplate))
      report(
        "resources",
        r.key,
        ["defaultTemplate"],
        `defaultTemplate: there is no active template "${r.defaultTemplate}" in templates.yaml`,
      );
  }

  for (const g of desired.approverGroups)
    g.members.forEach((m, i) => {
      if (!person(m)) report("approverGroups", g.key, ["members", i], `members: nobody has the email ${m}`);
    });

  for (const t of desired.templates) {
    const def = t.definition;
    const at = (...path: PropertyKey[]) => ["definition", ...path];
    def.grants.forEach((g, i) => {
      if (!resources.has(g.resource)) {
        report("templates", t.key, at("grants", i, "resource"), `${g.resource} is not in resources.yaml`);
        return;
      }
      const levels = systems.get(resourceSystem(g.resource))?.accessLevels ?? [];
      if (g.level !== null && !levels.includes(g.level))
        report(
          "templates",
          t.key,
          at("grants", i, "level"),
          `${resourceSystem(g.resource)} has no access level "${g.level}" (it has ${levels.join(", ")})`,
        );
    });
    for (const { group, path } of groupsNamed(def))
      if (!groups.has(group))
        report("templates", t.key, at(...path), `there is no approver group "${group}" in approver-groups.yaml`);
    def.stages.forEach((s, i) =>
      s.approvers.forEach((a, j) => {
        if (a.kind === "person" && !person(a.email))
          report("templates", t.key, at("stages", i, "approvers", j), `nobody has the email ${a.email}`);
      }),
    );
    if (t.active)
      for (const p of templateTypeProblems(def, typeMax.get(def.exceptionType) ?? Number.MAX_SAFE_INTEGER))
        report("templates", t.key, at(...p.field.split(".")), `definition.${p.field}: ${p.message}`);
  }

  for (const t of desired.exceptionTypes) {
    const group = t.escalatedApproverGroup;
    if (group && !groups.has(group) && ctx.currentGroups.has(group))
      report(
        "exceptionTypes",
        t.type,
        ["escalatedApproverGroup"],
        `escalatedApproverGroup: approver group "${group}" is removed, but ${t.type} exceptions still escalate to it`,
      );
    if (!ctx.changedExceptionTypes.has(t.type)) continue;
    for (const p of typeSettingsProblems(t.type, t)) report("exceptionTypes", t.type, [], p.message);
    if (t.reminderOffsetsMinutes.some((o) => o <= 0 || o >= t.maxDurationMinutes))
      report("exceptionTypes", t.type, ["reminders"], "each reminder must come before expiry, within maxDuration");
    if (group && !groups.has(group) && !ctx.currentGroups.has(group))
      report(
        "exceptionTypes",
        t.type,
        ["escalatedApproverGroup"],
        `there is no approver group "${t.escalatedApproverGroup}" in approver-groups.yaml`,
      );
  }

  const catalog = {
    systems: Object.fromEntries(desired.systems.map((s) => [s.key, s.accessLevels])),
    resources,
  };
  for (const p of lintFallbacks(
    desired.fallbacks.map((f) => f.fallback),
    catalog,
  ))
    out.push({
      severity: p.severity,
      file: configFileOf.fallbacks,
      // Lines of fallbacks kept as they are (no fallbacks.yaml in the directory) point nowhere.
      line: parsed.set.fallbacks ? p.line : 0,
      message: `${p.policy}: ${p.message}`,
    });

  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

/** Approver groups a template names, with where. */
function groupsNamed(def: TemplateDefinition): { group: string; path: PropertyKey[] }[] {
  return [
    ...def.stages.flatMap((s, i) => [
      ...s.approvers.flatMap((a, j) =>
        a.kind === "group" ? [{ group: a.group, path: ["stages", i, "approvers", j] }] : [],
      ),
      ...(s.escalation ? [{ group: s.escalation.toGroup, path: ["stages", i, "escalation"] }] : []),
    ]),
    ...def.autoApproval.flatMap((a, i) =>
      a.kind === "requester_in_group" ? [{ group: a.group, path: ["autoApproval", i] }] : [],
    ),
  ];
}

/** `file:line: message`, or `file: message` for an item not in the directory. */
export const problemText = (p: ConfigProblem) =>
  `${p.file}${p.line > 0 ? `:${p.line}` : ""}: ${p.severity === "warning" ? "warning: " : ""}${p.message}`;
