import { isActiveStatus } from "../identity/status";
import { compilePolicySet, type CompiledPolicySet } from "../policy/compile";
import { explainAccess, type FailedCondition } from "../policy/explain";
import type { Policy, PolicyConfig, PolicyIdentity } from "../policy/types";
import { formatDuration } from "../requests/template";
import type { ConsideredFallback, FallbackDecision, FallbackPolicy, FallbackScope } from "./types";

/**
 * Which fallback decides a request for a resource that no policy gives the person
 * (docs/fallbacks.md, seed 004). The caller asks only after the policies said no.
 *
 * Fallbacks are tried most specific scope first (resource, then namespace, then global), then
 * higher priority, then by name; the first whose target covers the resource and whose subjects
 * hold decides. None: deny (invariant 1). A person who is not Active gets deny (invariant 3).
 */
export interface ResolveFallbackInput {
  fallbacks: readonly FallbackPolicy[];
  /** system:type:name */
  resource: string;
  identity: PolicyIdentity;
  /** aliases and scales, as the policy engine uses them; systemLevels to check an allow's level */
  config: PolicyConfig;
  now: Date;
}

const SCOPE_RANK: Record<FallbackScope, number> = { resource: 0, namespace: 1, global: 2 };

/** The order fallbacks are tried in: resource < namespace < global, then priority (higher first), then name. */
export function compareFallbacks(a: FallbackPolicy, b: FallbackPolicy): number {
  return (
    SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] ||
    b.priority - a.priority ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/**
 * Whether a fallback is about a resource: scope resource, the exact key; scope namespace, a
 * resource under the system or system:type, whole segments only (`aws:role` covers
 * `aws:role:x`, not `aws:roles:x`); scope global, every resource.
 */
export function targetCovers(f: FallbackPolicy, resource: string): boolean {
  if (f.scope === "global") return true;
  if (f.scope === "resource") return f.target === resource;
  return f.target !== null && resource.startsWith(`${f.target}:`);
}

export function resolveFallback({
  fallbacks,
  resource,
  identity,
  config,
  now,
}: ResolveFallbackInput): FallbackDecision {
  const ordered = fallbacks.map((f, index) => ({ f, index })).sort((a, b) => compareFallbacks(a.f, b.f));
  const status = identity.attributes.employment_status;
  const statusText = typeof status === "string" && status.trim() ? status.trim() : null;
  const active = isActiveStatus(statusText);
  const system = resource.includes(":") ? resource.slice(0, resource.indexOf(":")) : resource;
  const subjects = active ? subjectSet(fallbacks, config) : null;

  const considered: ConsideredFallback[] = [];
  let winner: FallbackPolicy | null = null;
  for (const { f, index } of ordered) {
    const entry = (
      outcome: ConsideredFallback["outcome"],
      reason: ConsideredFallback["reason"],
      why: string,
      failed: FailedCondition | null = null,
    ) =>
      considered.push({
        name: f.name,
        scope: f.scope,
        target: f.target,
        priority: f.priority,
        action: f.action,
        outcome,
        reason,
        why,
        failed,
      });

    if (!targetCovers(f, resource)) {
      entry(
        "skipped",
        "target",
        f.scope === "resource"
          ? `it is for ${f.target}, not ${resource}`
          : `it is for resources under ${f.target}; ${resource} is not one`,
      );
      continue;
    }
    if (!active) {
      entry(
        "skipped",
        "inactive",
        `${identity.id} is not Active (employment_status: ${statusText ?? "none"}): only deny applies`,
      );
      continue;
    }
    const explained = explainAccess(subjects!, identity, subjectKey(index), now).sources[0];
    if (explained && !explained.matched) {
      entry("skipped", "subjects", `subjects do not hold: ${failureText(explained.failed!)}`, explained.failed);
      continue;
    }
    if (f.action === "allow" && f.constraints.level !== null) {
      const levels = config.systemLevels[system];
      if (levels && !levels.includes(f.constraints.level)) {
        entry(
          "skipped",
          "level",
          `it gives level ${f.constraints.level}, which ${system} does not have (levels: ${levels.join(" < ") || "none"})`,
        );
        continue;
      }
    }
    if (winner) {
      entry("outranked", null, `it applies too, but ${winner.name} comes first (${precedence(winner, f)})`);
      continue;
    }
    winner = f;
    entry("applied", null, appliedText(f, now));
  }

  if (!active) {
    return {
      action: "deny",
      fallback: null,
      reason: "inactive",
      message: `Your employment status is ${statusText ?? "not set"}, not Active: access to ${resource} is denied, whatever a policy or fallback says.`,
      considered,
    };
  }
  if (!winner) {
    return {
      action: "deny",
      fallback: null,
      reason: "default",
      message: `No policy or fallback gives you ${resource}: access is denied by default.`,
      considered,
    };
  }
  switch (winner.action) {
    case "deny":
      return { action: "deny", fallback: winner, reason: "fallback", message: winner.message, considered };
    case "prompt-for-request":
      return {
        action: "prompt-for-request",
        fallback: winner,
        request: winner.request,
        message: winner.message,
        considered,
      };
    case "allow": {
      const c = winner.constraints;
      if (c.timeframe === "business-hours" && !isBusinessHours(now, c.timezone)) {
        return {
          action: "deny",
          fallback: winner,
          reason: "outside_timeframe",
          message: outsideText(winner.name, c.timezone),
          considered,
        };
      }
      return {
        action: "allow",
        fallback: winner,
        durationDefaultMinutes: c.durationDefaultMinutes,
        durationMaxMinutes: c.durationMaxMinutes,
        level: c.level,
        tags: winner.tags,
        message: winner.message,
        considered,
      };
    }
  }
}

/** Business hours: Monday to Friday, 09:00 (inclusive) to 18:00 (exclusive), in the time zone. */
export function isBusinessHours(now: Date, timeZone: string): boolean {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formats.set(timeZone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  if (parts.weekday === "Sat" || parts.weekday === "Sun") return false;
  const minutes = (Number(parts.hour) % 24) * 60 + Number(parts.minute);
  return minutes >= 9 * 60 && minutes < 18 * 60;
}

const formats = new Map<string, Intl.DateTimeFormat>();

const outsideText = (name: string, tz: string) =>
  `${name} allows this only in business hours (Mon–Fri 09:00–18:00 ${tz})`;

function appliedText(f: FallbackPolicy, now: Date): string {
  if (f.action === "deny") return "it applies: deny";
  if (f.action === "prompt-for-request") return "it applies: the person may ask, and approvers decide";
  const c = f.constraints;
  const base = `it applies: allow${c.level ? ` (${c.level})` : ""} for up to ${formatDuration(c.durationMaxMinutes)}`;
  if (c.timeframe !== "business-hours") return base;
  return isBusinessHours(now, c.timezone)
    ? `${base}, in business hours`
    : `it applies, but ${outsideText(f.name, c.timezone)}`;
}

function precedence(winner: FallbackPolicy, f: FallbackPolicy): string {
  if (winner.scope !== f.scope) return `a ${winner.scope} fallback comes before a ${f.scope} one`;
  if (winner.priority !== f.priority) return `priority ${winner.priority} is above ${f.priority}`;
  return `same scope and priority ${f.priority}: the name sorts first`;
}

/** "department in [Engineering] (theirs: Sales)"; for a group, every failing alternative's value. */
export function failureText(f: FailedCondition): string {
  const leaves = (x: FailedCondition): FailedCondition[] =>
    x.alternatives?.length ? x.alternatives.flatMap(leaves) : [x];
  if (!f.alternatives?.length) return `${f.requirement} (theirs: ${valueText(f.actual)})`;
  return `${f.requirement} (theirs: ${leaves(f)
    .map((l) => `${l.attribute ?? "?"} ${valueText(l.actual)}`)
    .join(", ")})`;
}

const valueText = (v: FailedCondition["actual"]) =>
  v === null ? "none" : Array.isArray(v) ? `[${v.join(", ")}]` : String(v);

/**
 * Subjects are a policy's `when`, so they are checked by the policy engine itself: each
 * fallback becomes a policy granting a marker resource, and explain says whether it matches
 * and, if not, the first condition that failed. Compiled once per fallback list and config.
 */
const compiled = new WeakMap<
  readonly FallbackPolicy[],
  { config: PolicyConfig; items: FallbackPolicy[]; set: CompiledPolicySet }
>();

const subjectKey = (index: number) => `fallback:subjects:${index}`;

function subjectSet(fallbacks: readonly FallbackPolicy[], config: PolicyConfig): CompiledPolicySet {
  const cached = compiled.get(fallbacks);
  if (
    cached &&
    cached.config === config &&
    cached.items.length === fallbacks.length &&
    cached.items.every((f, i) => f === fallbacks[i])
  )
    return cached.set;
  const policies: Policy[] = fallbacks.map((f, index) => ({
    name: `fallback-${index}`,
    description: f.description,
    priority: 0,
    effect: "allow",
    inherits: [],
    inheritsAt: f.at,
    when: f.subjects,
    grants: [{ resource: subjectKey(index), level: null, at: f.at }],
    file: f.file,
    at: f.at,
  }));
  const set = compilePolicySet(policies, config);
  compiled.set(fallbacks, { config, items: [...fallbacks], set });
  return set;
}
