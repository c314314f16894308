import { hrAttributes, isListAttribute } from "../identity/attributes";
import { AliasTable, matchKey } from "./normalize";
import { derivedAttributes } from "./prepare";
import type { Comparison, Condition, Policy, PolicyConfig, PolicyIdentity, PolicyProblem } from "./types";

/**
 * Lint (seed 002, "Solution 1"): what makes a policy wrong or hard to trust before it ships.
 * Errors block a save; warnings are shown beside the line they are about.
 */
export interface LintContext {
  config: PolicyConfig;
  /** attributes a condition may name; defaults to the HR attributes and tenure_days */
  knownAttributes?: readonly string[];
  /** people whose values tell which condition values exist at all */
  identities?: readonly PolicyIdentity[];
  /** systems and resources that exist; without it, system/resource checks are skipped */
  catalog?: { systems: Record<string, string[]>; resources?: ReadonlySet<string> };
  /** above this complexity score a policy gets a warning */
  complexityThreshold?: number;
}

export const DEFAULT_COMPLEXITY_THRESHOLD = 12;

export function lintPolicies(policies: readonly Policy[], ctx: LintContext): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const report = (p: Policy, severity: PolicyProblem["severity"], code: string, message: string, at = p.at) =>
    out.push({ severity, code, message, file: at.file, line: at.line, field: at.field, policy: p.name });
  const known = new Set(ctx.knownAttributes ?? [...hrAttributes, ...derivedAttributes]);
  const aliases = new AliasTable(ctx.config.aliases);
  const byName = new Map<string, Policy>();
  const valuesInUse = ctx.identities ? identityValues(ctx.identities, aliases) : null;

  for (const p of policies) {
    const first = byName.get(p.name);
    if (first)
      report(
        p,
        "error",
        "duplicate-name",
        `another policy is already named ${p.name} (${first.file}:${first.at.line})`,
      );
    else byName.set(p.name, p);
  }

  for (const p of policies) {
    for (const parent of p.inherits) {
      if (!byName.has(parent))
        report(p, "error", "unknown-inherits", `inherits ${parent}, but no policy has that name`, p.inheritsAt);
    }
    const cycle = findCycle(p, byName);
    if (cycle)
      report(p, "error", "cyclic-inherits", `inheritance goes round in a circle: ${cycle.join(" → ")}`, p.inheritsAt);
    if (p.grants.length === 0 && p.inherits.length === 0) {
      report(
        p,
        "warning",
        "grants-nothing",
        p.effect === "deny" ? "this deny policy takes nothing away" : "this policy grants nothing and inherits nothing",
      );
    }
    if (p.effect === "deny" && p.inherits.length > 0) {
      report(
        p,
        "warning",
        "deny-inherits",
        "a deny policy that inherits takes away everything the inherited policies grant; name the grants instead",
        p.inheritsAt,
      );
    }

    walk(p.when, (c) => {
      if (!known.has(c.attribute)) {
        report(
          p,
          "error",
          "unknown-attribute",
          `${c.attribute} is not an attribute (known: ${[...known].join(", ")})`,
          c.at,
        );
        return;
      }
      lintComparison(p, c, ctx, aliases, valuesInUse, report);
    });
    lintContradictions(p, ctx.config.scales, report);
    lintGrants(p, ctx, report);

    const score = complexity(p, byName);
    const threshold = ctx.complexityThreshold ?? DEFAULT_COMPLEXITY_THRESHOLD;
    if (score > threshold) {
      report(
        p,
        "warning",
        "too-complex",
        `complexity ${score} is above ${threshold}: split it, or move shared conditions into a policy it inherits`,
      );
    }
  }
  return out.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

type Report = (
  p: Policy,
  severity: PolicyProblem["severity"],
  code: string,
  message: string,
  at?: Policy["at"],
) => void;

function walk(conditions: readonly Condition[], visit: (c: Comparison) => void) {
  for (const c of conditions) {
    if (c.kind === "compare") visit(c);
    else walk(c.conditions, visit);
  }
}

function lintComparison(
  p: Policy,
  c: Comparison,
  ctx: LintContext,
  aliases: AliasTable,
  valuesInUse: Map<string, Set<string>> | null,
  report: Report,
) {
  const values = (Array.isArray(c.value) ? c.value : [c.value]).map(String);
  if (c.op === "min" || c.op === "max") {
    const scale = ctx.config.scales[c.attribute];
    if (scale) {
      if (!scale.some((v) => matchKey(v) === aliases.key(c.attribute, values[0]!))) {
        report(
          p,
          "error",
          "not-on-scale",
          `${values[0]} is not on the ${c.attribute} scale (${scale.join(" < ")})`,
          c.at,
        );
      }
    } else if (!Number.isFinite(Number(values[0]))) {
      report(p, "error", "no-scale", `${c.attribute} has no ordered scale, so ${c.op} needs a number`, c.at);
    }
    return;
  }
  if (c.op === "contains") return;
  for (const v of values) {
    if (aliases.isAlias(c.attribute, v)) {
      report(
        p,
        "warning",
        "alias-in-policy",
        `"${v}" is an alias of "${aliases.canonical(c.attribute, v)}": write the canonical value`,
        c.at,
      );
    }
    const inUse = valuesInUse?.get(c.attribute);
    if (inUse && !inUse.has(aliases.key(c.attribute, v))) {
      report(p, "warning", "value-nobody-has", `no identity has ${c.attribute} "${v}"`, c.at);
    }
  }
}

/** Conditions that can never hold together at the top level of one policy. */
function lintContradictions(p: Policy, scales: PolicyConfig["scales"], report: Report) {
  const byAttribute = new Map<string, Comparison[]>();
  for (const c of p.when) {
    if (c.kind !== "compare" || isListAttribute(c.attribute)) continue;
    byAttribute.set(c.attribute, [...(byAttribute.get(c.attribute) ?? []), c]);
  }
  for (const [attribute, cs] of byAttribute) {
    let allowed = null as Set<string> | null;
    const excluded = new Set<string>();
    for (const c of cs) {
      const vals = (Array.isArray(c.value) ? c.value : [c.value]).map((v) => matchKey(String(v)));
      if (c.op === "equals" || c.op === "in") {
        const previous: Set<string> | null = allowed;
        allowed = previous ? new Set([...previous].filter((v) => vals.includes(v))) : new Set(vals);
      }
      if (c.op === "not_in") vals.forEach((v) => excluded.add(v));
    }
    if (allowed && [...allowed].filter((v) => !excluded.has(v)).length === 0) {
      const last = cs[cs.length - 1]!;
      report(
        p,
        "error",
        "contradiction",
        `the conditions on ${attribute} cannot all hold: no value satisfies them`,
        last.at,
      );
    }
    const min = cs.find((c) => c.op === "min");
    const max = cs.find((c) => c.op === "max");
    if (min && max) {
      const scale = scales[attribute]?.map(matchKey);
      const position = (c: Comparison) => (scale ? scale.indexOf(matchKey(String(c.value))) : Number(c.value));
      const lo = position(min);
      const hi = position(max);
      if (Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && hi >= 0 && lo > hi) {
        report(p, "error", "contradiction", `${attribute} min ${min.value} is above max ${max.value}`, max.at);
      }
    }
  }
}

function lintGrants(p: Policy, ctx: LintContext, report: Report) {
  const seen = new Set<string>();
  for (const g of p.grants) {
    if (seen.has(g.resource))
      report(p, "warning", "duplicate-grant", `${g.resource} is granted twice in this policy`, g.at);
    seen.add(g.resource);
    if (!ctx.catalog) continue;
    const system = g.resource.slice(0, g.resource.indexOf(":"));
    const levels = ctx.catalog.systems[system];
    if (!levels) {
      report(
        p,
        "error",
        "unknown-system",
        `no system is called ${system} (known: ${Object.keys(ctx.catalog.systems).sort().join(", ")})`,
        g.at,
      );
      continue;
    }
    if (ctx.catalog.resources && !ctx.catalog.resources.has(g.resource)) {
      report(p, "error", "unknown-resource", `${g.resource} is not a resource of ${system}`, g.at);
    }
    if (g.level !== null && !levels.includes(g.level)) {
      report(p, "error", "unknown-level", `${system} has no level "${g.level}" (levels: ${levels.join(" < ")})`, g.at);
    }
  }
}

function findCycle(start: Policy, byName: Map<string, Policy>): string[] | null {
  const path: string[] = [];
  const visit = (p: Policy): string[] | null => {
    if (path.includes(p.name)) return p.name === start.name ? [...path, p.name] : null;
    path.push(p.name);
    for (const n of p.inherits) {
      const parent = byName.get(n);
      const found = parent && visit(parent);
      if (found) return found;
    }
    path.pop();
    return null;
  };
  return visit(start);
}

/**
 * How hard a policy is to read: one point per condition and one more per three further listed
 * values, two per any/all group, one per level of inheritance below it. Seed 002's
 * three-year-old "Engineering-All" rule scores above the default threshold of 12.
 */
export function complexity(p: Policy, byName: Map<string, Policy>): number {
  let score = 0;
  const visit = (cs: readonly Condition[]) => {
    for (const c of cs) {
      if (c.kind === "compare") score += 1 + (Array.isArray(c.value) ? Math.floor((c.value.length - 1) / 3) : 0);
      else {
        score += 2;
        visit(c.conditions);
      }
    }
  };
  visit(p.when);
  const depth = (q: Policy, path: Set<string>): number =>
    q.inherits.reduce((max, n) => {
      const parent = byName.get(n);
      if (!parent || path.has(n)) return max;
      path.add(n);
      const d = 1 + depth(parent, path);
      path.delete(n);
      return Math.max(max, d);
    }, 0);
  return score + depth(p, new Set([p.name]));
}

function identityValues(identities: readonly PolicyIdentity[], aliases: AliasTable): Map<string, Set<string>> {
  const values = new Map<string, Set<string>>();
  for (const i of identities) {
    for (const [attribute, raw] of Object.entries(i.attributes)) {
      if (raw === null || raw === undefined || raw === "") continue;
      let set = values.get(attribute);
      if (!set) values.set(attribute, (set = new Set()));
      for (const v of Array.isArray(raw) ? raw : [raw]) set.add(aliases.key(attribute, String(v)));
    }
  }
  return values;
}
