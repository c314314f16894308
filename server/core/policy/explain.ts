import type { CheckNode, CompiledPolicy, CompiledPolicySet, FlatGrant } from "./compile";
import { matchedPolicies } from "./evaluate";
import { beats } from "./resolve";
import { prepareIdentity, type PreparedIdentity } from "./prepare";
import type { Condition, PolicyIdentity } from "./types";

/** A condition that did not hold, with what it asked for and what the person has. */
export interface FailedCondition {
  /** e.g. "job_level min L4", "any of: job_title contains DBA; job_level min L5" */
  requirement: string;
  attribute: string | null;
  actual: string | number | string[] | null;
  file: string;
  line: number;
  field: string;
  /** for an any-group: why each of its conditions failed */
  alternatives?: FailedCondition[];
}

export interface GrantSource {
  /** the policy whose conditions decide, then the inheritance path to the policy naming the grant */
  via: string[];
  level: string | null;
  matched: boolean;
  /** the first condition of via[0] that failed, when it did not match */
  failed: FailedCondition | null;
}

export interface Explanation {
  identity: string;
  resource: string;
  active: boolean;
  employmentStatus: string | null;
  /** what the person gets, when they get it */
  granted: { level: string | null; via: string[] } | null;
  /** every policy that would give the resource, matched or not */
  sources: GrantSource[];
  /** deny policies the person matches that take the resource away */
  deniedBy: string[];
}

/**
 * Why a person has a resource (the chain of policies) or why not (for each policy that would
 * give it, the first condition that failed, with the person's value and the required one).
 */
export function explainAccess(
  set: CompiledPolicySet,
  identity: PolicyIdentity,
  resource: string,
  at: Date,
): Explanation {
  const p = prepareIdentity(set.layout, identity, at);
  const status = identity.attributes.employment_status;
  const resourceId = set.resourceIds.get(resource);
  const base = {
    identity: identity.id,
    resource,
    active: p.active,
    employmentStatus: typeof status === "string" ? status : null,
  };
  if (resourceId === undefined) return { ...base, granted: null, sources: [], deniedBy: [] };

  const { denied } = matchedPolicies(set, p);
  const deniedBy = denied.filter((d) => d.grants.some((g) => g.resource === resourceId)).map((d) => d.policy.name);

  const sources: (GrantSource & { key: string })[] = [];
  for (const { cp, grant } of sourcesOf(set, resourceId)) {
    const failed = firstFailure(cp.checks, p, identity, at);
    sources.push({ via: grant.via, level: grant.level, matched: failed === null, failed, key: grant.viaKey });
  }
  sources.sort(
    (a, b) =>
      Number(b.matched) - Number(a.matched) ||
      a.via.length - b.via.length ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
  let granted: Explanation["granted"] = null;
  if (p.active && deniedBy.length === 0) {
    let best: { s: GrantSource; rank: number; via: string[]; policy: { priority: number } } | null = null;
    for (const s of sources) {
      if (!s.matched) continue;
      const candidate = {
        s,
        rank: rankOf(set, resource, s.level),
        via: s.via,
        policy: set.byName.get(s.via[0]!)!.policy,
      };
      if (!best || beats(candidate, candidate, best, best)) best = candidate;
    }
    if (best) granted = { level: best.s.level, via: best.s.via };
  }
  return { ...base, granted, sources: sources.map(({ key: _key, ...s }) => s), deniedBy };
}

const sourceIndex = new WeakMap<CompiledPolicySet, Map<number, { cp: CompiledPolicy; grant: FlatGrant }[]>>();

/** Allow policies that give a resource, by resource id: built once per compiled set. */
function sourcesOf(set: CompiledPolicySet, resourceId: number) {
  let index = sourceIndex.get(set);
  if (!index) {
    index = new Map();
    for (const cp of set.policies) {
      if (cp.policy.effect !== "allow") continue;
      for (const grant of cp.grants) {
        let list = index.get(grant.resource);
        if (!list) index.set(grant.resource, (list = []));
        list.push({ cp, grant });
      }
    }
    sourceIndex.set(set, index);
  }
  return index.get(resourceId) ?? [];
}

function rankOf(set: CompiledPolicySet, resource: string, level: string | null): number {
  if (level === null) return 0;
  const levels = set.config.systemLevels[resource.slice(0, resource.indexOf(":"))];
  return levels ? levels.indexOf(level) + 1 : 1;
}

function firstFailure(
  checks: CheckNode[],
  p: PreparedIdentity,
  identity: PolicyIdentity,
  at: Date,
): FailedCondition | null {
  for (const check of checks) if (!check.match(p)) return describe(check, p, identity, at);
  return null;
}

function describe(check: CheckNode, p: PreparedIdentity, identity: PolicyIdentity, at: Date): FailedCondition {
  const c = check.condition;
  const where = { file: c.at.file, line: c.at.line, field: c.at.field };
  if (c.kind === "compare") {
    return {
      requirement: requirementText(c),
      attribute: c.attribute,
      actual: actualValue(identity, c.attribute, at),
      ...where,
    };
  }
  // Every alternative of an any-group failed; an all-group failed at its first failing part.
  const failing = c.kind === "any" ? check.children : check.children.filter((x) => !x.match(p)).slice(0, 1);
  const alternatives = failing.map((x) => describe(x, p, identity, at));
  return {
    requirement: `${c.kind === "any" ? "any" : "all"} of: ${c.conditions.map(requirementText).join("; ")}`,
    attribute: null,
    actual: null,
    alternatives,
    ...where,
  };
}

export function requirementText(c: Condition): string {
  if (c.kind !== "compare") return `${c.kind} of: ${c.conditions.map(requirementText).join("; ")}`;
  const v = Array.isArray(c.value) ? `[${c.value.join(", ")}]` : String(c.value);
  return `${c.attribute} ${c.op === "equals" ? "is" : c.op.replace("_", " ")} ${v}`;
}

function actualValue(identity: PolicyIdentity, attribute: string, at: Date): string | number | string[] | null {
  if (attribute === "tenure_days") {
    const hired = identity.attributes.hire_date;
    if (typeof hired !== "string" || !hired) return null;
    const t = Date.parse(hired.length === 10 ? `${hired}T00:00:00Z` : hired);
    return Number.isNaN(t) ? null : Math.floor((at.getTime() - t) / 86_400_000);
  }
  const v = identity.attributes[attribute];
  return v === undefined || v === "" ? null : v;
}
