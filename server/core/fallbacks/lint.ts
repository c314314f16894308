import type { PolicyProblem, SourceRef } from "../policy/types";
import type { FallbackPolicy } from "./types";

/** The systems (key → ordered access levels) and resources that exist. */
export interface FallbackLintContext {
  systems: Record<string, string[]>;
  resources: ReadonlySet<string>;
}

/**
 * What makes a set of fallbacks wrong or hard to trust (docs/fallbacks.md, "Lint"):
 * duplicate names, targets in systems or resources that do not exist, levels a system does not
 * have, and two fallbacks whose order only their names decide.
 */
export function lintFallbacks(fallbacks: readonly FallbackPolicy[], ctx: FallbackLintContext): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  const report = (
    f: FallbackPolicy,
    severity: PolicyProblem["severity"],
    code: string,
    message: string,
    at: SourceRef = f.at,
  ) => out.push({ severity, code, message, file: at.file, line: at.line, field: at.field, policy: f.name });
  const knownSystems = () => Object.keys(ctx.systems).sort().join(", ");

  const byName = new Map<string, FallbackPolicy>();
  for (const f of fallbacks) {
    const first = byName.get(f.name);
    if (first)
      report(
        f,
        "error",
        "duplicate-name",
        `another fallback is already named ${f.name} (${first.file}:${first.at.line})`,
      );
    else byName.set(f.name, f);
  }

  for (const f of fallbacks) {
    const system = f.target === null ? null : f.target.split(":")[0]!;
    const levels = system === null ? null : ctx.systems[system];
    if (system !== null && !levels) {
      report(f, "error", "unknown-system", `no system is called ${system} (known: ${knownSystems()})`, f.targetAt);
    } else if (f.scope === "resource" && !ctx.resources.has(f.target!)) {
      report(f, "error", "unknown-resource", `${f.target} is not a resource of ${system}`, f.targetAt);
    } else if (f.scope === "namespace" && f.target!.includes(":")) {
      const prefix = `${f.target}:`;
      if (![...ctx.resources].some((r) => r.startsWith(prefix))) {
        report(
          f,
          "warning",
          "empty-namespace",
          `no resource is under ${f.target} (yet): this fallback applies to nothing`,
          f.targetAt,
        );
      }
    }

    if (f.action === "allow" && f.constraints.level !== null) {
      const level = f.constraints.level;
      const at = f.constraints.levelAt ?? f.at;
      if (levels && !levels.includes(level)) {
        report(
          f,
          "error",
          "unknown-level",
          `${system} has no level "${level}" (levels: ${levels.join(" < ") || "none"})`,
          at,
        );
      } else if (system === null && !Object.values(ctx.systems).some((l) => l.includes(level))) {
        report(f, "error", "unknown-level", `no system has a level "${level}"`, at);
      }
    }
  }

  const byOrder = new Map<string, FallbackPolicy[]>();
  for (const f of fallbacks) {
    const key = `${f.scope}\u0000${f.target ?? ""}\u0000${f.priority}`;
    byOrder.set(key, [...(byOrder.get(key) ?? []), f]);
  }
  for (const group of byOrder.values()) {
    const names = [...new Set(group.map((f) => f.name))].sort(byText);
    if (names.length < 2) continue;
    const where =
      group[0]!.scope === "global" ? "global fallbacks" : `${group[0]!.scope} fallbacks for ${group[0]!.target}`;
    for (const f of group) {
      if (f.name === names[0]) continue;
      report(
        f,
        "warning",
        "ambiguous-order",
        `${names.join(" and ")} are ${where} at priority ${f.priority}: when more than one ` +
          `applies, only name order decides (${names[0]} first); give them different priorities`,
        f.at,
      );
    }
  }
  return out.sort((a, b) => byText(a.file, b.file) || a.line - b.line);
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
