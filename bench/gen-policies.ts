import { stringify } from "yaml";
import { parsePolicyFile, type Policy, type PolicyFile } from "@/server/core/policy";
import type { Org, Title } from "./org";
import { Rng, slug } from "./rng";

/**
 * A synthetic policy set of realistic shape, written as YAML and parsed with the real parser
 * (so every policy is valid policy language and carries real file/line references).
 * Shares and shapes are documented in docs/benchmarks.md.
 */

export type Condition = Record<string, unknown>;
export type GrantDraft = string | { resource: string; level: string };

export interface PolicyDraft {
  name: string;
  description: string;
  priority: number;
  effect: "allow" | "deny";
  inherits: string[];
  when: Condition[];
  grants: GrantDraft[];
  category: string;
  /** longest inheritance path below this policy, in hops */
  depth: number;
}

export const SYSTEM_LEVELS: Record<string, string[]> = {
  github: ["read", "triage", "write", "maintain", "admin"],
  gitlab: ["guest", "reporter", "developer", "maintainer", "owner"],
  slack: ["guest", "member", "admin"],
  notion: ["read", "edit", "admin"],
  jira: ["viewer", "user", "admin"],
  salesforce: ["standard", "admin"],
  netsuite: ["viewer", "approver", "admin"],
  datadog: ["read", "standard", "admin"],
  snowflake: ["reader", "analyst", "admin"],
};

/** Share of the policies left after the base and department policies, by category. */
export const CATEGORY_SHARES: [string, number][] = [
  ["title", 0.42],
  ["team", 0.22],
  ["level", 0.07],
  ["cross-department", 0.05],
  ["office", 0.04],
  ["cost-center", 0.03],
  ["production", 0.04],
  ["any-titles", 0.03],
  ["employment-type", 0.03],
  ["unindexed", 0.05],
  ["deny", 0.02],
];

const ENGINEERING = ["Engineering", "Platform", "SRE", "Data", "Security"];
const POOL_SYSTEMS: [string, string][] = [
  ["github", "repo"],
  ["gitlab", "group"],
  ["aws", "role"],
  ["datadog", "dashboard"],
  ["jira", "project"],
  ["snowflake", "db"],
  ["postgres", "role"],
  ["salesforce", "profile"],
  ["notion", "space"],
  ["google", "drive"],
  ["slack", "channel"],
  ["netsuite", "role"],
];
const SENSITIVE = /^(aws|postgres|snowflake):|admin/;

export function generatePolicyDrafts(org: Org, m: number, rng: Rng): PolicyDraft[] {
  if (m < org.departments.length + 10) throw new Error(`--policies must be at least ${org.departments.length + 10}`);
  const drafts: PolicyDraft[] = [];
  const names = new Set<string>();
  const granted: string[] = [];
  const byName = new Map<string, PolicyDraft>();
  const level = (system: string): string | null => {
    const levels = SYSTEM_LEVELS[system];
    if (!levels || rng.chance(0.1)) return null;
    const weights = [0.4, 0.3, 0.15, 0.1, 0.05];
    let x = rng.next() * weights.slice(0, levels.length).reduce((a, b) => a + b, 0);
    for (let i = 0; i < levels.length; i++) if ((x -= weights[i]!) < 0) return levels[i]!;
    return levels[0]!;
  };
  const grant = (resource: string): GrantDraft => {
    granted.push(resource);
    const l = level(resource.slice(0, resource.indexOf(":")));
    return l ? { resource, level: l } : resource;
  };
  const pools = new Map(
    org.departments.map((d) => {
      const systems = ENGINEERING.includes(d.name) ? POOL_SYSTEMS.slice(0, 8) : POOL_SYSTEMS.slice(4);
      return [
        d.name,
        Array.from({ length: 30 }, (_, k) => {
          const [s, t] = rng.pick(systems);
          return `${s}:${t}:${d.slug}-${k}`;
        }),
      ];
    }),
  );
  const fromPool = (department: string, n: number) => rng.sample(pools.get(department)!, n).map(grant);
  const add = (
    category: string,
    base: string,
    when: Condition[],
    grants: GrantDraft[],
    inherits: string[] = [],
    effect: "allow" | "deny" = "allow",
  ) => {
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    const depth = inherits.length ? 1 + Math.max(...inherits.map((p) => byName.get(p)!.depth)) : 0;
    const priority = rng.chance(0.85) ? 0 : rng.pick([10, 20, 50, 100]);
    const d: PolicyDraft = {
      name,
      description: `Synthetic ${category} policy`,
      priority,
      effect,
      inherits,
      when,
      grants,
      category,
      depth,
    };
    drafts.push(d);
    byName.set(name, d);
    return d;
  };

  const base = add(
    "base",
    "base-employee-access",
    [{ employment_type: { in: ["FTE", "Intern"] } }],
    [
      grant("okta:group:everyone"),
      grant("google:account:workspace"),
      "slack:workspace:company (member)",
      "notion:space:company-handbook (read)",
      "jira:project:helpdesk (user)",
    ],
  );
  const deptPolicy = new Map<string, string>();
  for (const d of org.departments) {
    const p = add(
      "department",
      `dept-${d.slug}-access`,
      [{ department: d.name }],
      [
        grant(`okta:group:${d.slug}`),
        grant(`google:group:${d.slug}@company.com`),
        `slack:channel:#${d.slug} (member)`,
        ...fromPool(d.name, 1),
      ],
      [base.name],
    );
    deptPolicy.set(d.name, p.name);
  }

  const rest = m - drafts.length;
  const counts = new Map(CATEGORY_SHARES.map(([c, s]) => [c, Math.floor(s * rest)]));
  counts.set("title", counts.get("title")! + rest - [...counts.values()].reduce((a, b) => a + b, 0));
  const repeat = (category: string, make: (i: number) => void) => {
    for (let i = 0; i < counts.get(category)!; i++) make(i);
  };
  const teams = org.departments.flatMap((d) => d.teams);
  const twoLocations = () => rng.sample(org.locations, rng.between(1, 2));

  repeat("team", () => {
    const team = rng.pick(teams);
    const d = org.teamDepartment.get(team)!;
    const when: Condition[] = [{ team }];
    if (rng.chance(0.2))
      when.push(
        rng.chance(0.5)
          ? { employment_type: { not_in: ["Contractor", "Vendor"] } }
          : { trainings: { includes: [rng.pick(org.trainings.slice(0, 4))] } },
      );
    const s = slug(team);
    const grants = [
      grant(`github:repo:${s}-${rng.int(3)}`),
      grant(`slack:channel:#team-${s}`),
      ...(rng.chance(0.5) ? [grant(`jira:project:${s}`)] : []),
    ];
    add("team", `team-${s}-access`, when, grants, rng.chance(0.7) ? [deptPolicy.get(d.name)!] : []);
  });

  // Titles, junior first, so a senior title's policy can inherit its junior's (chains up to 4 hops).
  const picks: Title[] = [];
  repeat("title", () => picks.push(rng.pick(org.titles)));
  picks.sort(
    (a, b) =>
      a.department.name.localeCompare(b.department.name) || a.role.localeCompare(b.role) || a.seniority - b.seniority,
  );
  const lastForTitle = new Map<string, PolicyDraft>();
  for (const t of picks) {
    const when: Condition[] = [{ job_title: t.name }];
    if (rng.chance(0.3)) {
      const extra = rng.int(5);
      if (extra === 0) when.push({ trainings: { includes: [rng.pick(org.trainings.slice(0, 6))] } });
      else if (extra === 1) when.push({ tenure_days: { min: rng.pick([30, 90, 180, 365]) } });
      else if (extra === 2) when.push({ employment_type: "FTE" });
      else if (extra === 3) when.push({ location: { not_in: twoLocations() } });
      else when.push({ job_level: { min: `L${Math.min(10, 1 + t.seniority * 2)}` } });
    }
    let junior: PolicyDraft | undefined;
    for (let s = t.seniority - 1; s >= 0 && !junior; s--) junior = lastForTitle.get(`${t.role}/${s}`);
    const inherits =
      junior && junior.depth <= 3 && rng.chance(0.65)
        ? [junior.name]
        : rng.chance(0.6)
          ? [deptPolicy.get(t.department.name)!]
          : [];
    const own = rng.chance(0.4)
      ? [grant(`${rng.pick(["salesforce:profile", "notion:space", "github:team", "okta:group"])}:${slug(t.name)}`)]
      : [];
    const p = add(
      "title",
      `title-${slug(t.name)}`,
      when,
      [...own, ...fromPool(t.department.name, rng.between(1, 2))],
      inherits,
    );
    lastForTitle.set(`${t.role}/${t.seniority}`, p);
  }

  repeat("level", () => {
    const d = rng.pick(org.departments);
    const when: Condition[] = [{ department: d.name }, { job_level: { min: rng.pick(["L5", "L6", "L7", "L8"]) } }];
    if (rng.chance(0.3)) when.push({ employment_type: "FTE" });
    add(
      "level",
      `${d.slug}-leadership`,
      when,
      fromPool(d.name, rng.between(1, 3)),
      rng.chance(0.4) ? [deptPolicy.get(d.name)!] : [],
    );
  });
  repeat("cross-department", (i) => {
    const depts = rng.sample(org.departments, rng.between(2, 4)).map((d) => d.name);
    const when: Condition[] = [{ department: { in: depts } }];
    if (rng.chance(0.5))
      when.push(
        rng.chance(0.5) ? { employment_type: { in: ["FTE", "Intern"] } } : { location: { not_in: twoLocations() } },
      );
    add("cross-department", `shared-tool-${i}`, when, [
      grant(`${rng.pick(["okta:app", "datadog:dashboard", "notion:space"])}:shared-${i}`),
      ...fromPool(rng.pick(depts), 1),
    ]);
  });
  repeat("office", () => {
    const location = rng.pick(org.locations);
    const when: Condition[] = [{ location }];
    if (rng.chance(0.3)) when.push({ employment_type: { not_in: ["Vendor"] } });
    add("office", `office-${slug(location)}`, when, [
      grant(`badge:office:${slug(location)}`),
      grant(`slack:channel:#office-${slug(location)}`),
    ]);
  });
  repeat("cost-center", () => {
    const d = rng.pick(org.departments);
    const cc = rng.pick(d.costCenters);
    const when: Condition[] = [{ cost_center: cc }];
    if (rng.chance(0.3)) when.push({ job_level: { min: "L6" } });
    add("cost-center", `cost-center-${slug(cc)}`, when, [grant(`netsuite:cost-center:${slug(cc)}`)]);
  });
  repeat("production", (i) => {
    const depts = rng.sample(ENGINEERING, rng.between(2, 4));
    const when: Condition[] = [
      { department: { in: depts } },
      { job_level: { min: rng.pick(["L3", "L4", "L5"]) } },
      { employment_type: "FTE" },
      { location: { not_in: twoLocations() } },
      { trainings: { includes: rng.sample(["prod-db-access", "data-handling", "secure-coding"], rng.between(1, 2)) } },
      { tenure_days: { min: rng.pick([30, 90, 180]) } },
      {
        any: [{ job_title: { contains: rng.pick(["DBA", "Engineer", "Reliability"]) } }, { job_level: { min: "L5" } }],
      },
    ];
    add("production", `production-access-${i}`, when, [
      grant(`postgres:role:prod-rw-${i}`),
      grant(`aws:role:production-${i}`),
      ...fromPool(depts[0]!, 1),
    ]);
  });
  repeat("any-titles", (i) => {
    const titles = rng.sample(org.titles, rng.between(2, 3));
    const when: Condition[] = [{ any: titles.map((t) => ({ job_title: t.name })) }];
    if (rng.chance(0.5)) when.unshift({ department: { in: [...new Set(titles.map((t) => t.department.name))] } });
    add("any-titles", `title-group-${i}`, when, fromPool(titles[0]!.department.name, 2));
  });
  repeat("employment-type", () => {
    const type = rng.pick(["Intern", "Contractor", "Vendor"]);
    const d = rng.pick(org.departments);
    add(
      "employment-type",
      `${slug(type)}-${d.slug}`,
      [{ employment_type: type }, { department: d.name }],
      [grant(`okta:group:${slug(type)}-${d.slug}`), ...fromPool(d.name, 1)],
    );
  });
  repeat("unindexed", (i) => {
    const shapes: Condition[][] = [
      [{ job_level: { min: rng.pick(["L8", "L9"]) } }],
      [{ tenure_days: { min: rng.pick([1095, 1825, 3650]) } }],
      [{ trainings: { includes: [rng.pick(org.trainings)] } }],
      [{ any: [{ job_title: { contains: "Manager" } }, { job_level: { min: "L6" } }] }],
      [{ location: { not_in: twoLocations() } }, { job_level: { min: "L3" } }],
      [{ job_title: { contains: rng.pick(["Engineer", "Analyst", "Designer"]) } }, { tenure_days: { min: 30 } }],
      [{ employment_type: { not_in: ["Contractor", "Vendor", "Intern"] } }, { job_level: { min: "L7" } }],
    ];
    add("unindexed", `attribute-rule-${i}`, rng.pick(shapes), [
      grant(`${rng.pick(["okta:app", "notion:space", "datadog:dashboard"])}:rule-${i}`),
    ]);
  });
  const sensitive = [...new Set(granted.filter((r) => SENSITIVE.test(r)))];
  const anyGranted = [...new Set(granted)];
  repeat("deny", (i) => {
    const shapes: Condition[][] = [
      [{ employment_type: { in: ["Contractor", "Vendor"] } }],
      [{ employment_type: "Intern" }],
      [{ location: { in: twoLocations() } }],
      [{ job_level: { max: "L2" } }],
      [{ team: rng.pick(teams) }],
    ];
    const targets = [
      ...rng.sample(sensitive.length ? sensitive : anyGranted, rng.between(2, 4)),
      ...rng.sample(anyGranted, 1),
    ];
    add("deny", `deny-rule-${i}`, shapes[i % shapes.length]!, [...new Set(targets)], [], "deny");
  });
  return drafts;
}

/** The YAML file for one draft, as a person would write it. */
export function draftYaml(d: PolicyDraft): string {
  const doc: Record<string, unknown> = { name: d.name, description: d.description };
  if (d.priority) doc.priority = d.priority;
  if (d.effect === "deny") doc.effect = "deny";
  if (d.inherits.length) doc.inherits = d.inherits;
  doc.when = d.when;
  doc.grants = d.grants.map((g) => (typeof g === "string" ? g : `${g.resource} (${g.level})`));
  return stringify(doc, { lineWidth: 0 });
}

/** Drafts → YAML files → policies through parsePolicyFile; any parse problem is fatal. */
export function parseDrafts(drafts: readonly PolicyDraft[]): { files: PolicyFile[]; policies: Policy[] } {
  const files = drafts.map((d) => ({ path: `generated/${d.category}/${d.name}.yaml`, source: draftYaml(d) }));
  const policies: Policy[] = [];
  for (const f of files) {
    const parsed = parsePolicyFile(f.path, f.source);
    if (parsed.problems.length || parsed.policies.length !== 1) {
      throw new Error(`generated policy ${f.path} does not parse: ${JSON.stringify(parsed.problems)}\n${f.source}`);
    }
    policies.push(parsed.policies[0]!);
  }
  return { files, policies };
}

const EDITABLE = ["job_title", "team", "department", "location", "cost_center", "employment_type"];

/** A one-policy edit of the kind an admin makes: another value for a condition, a bumped level, or one more grant. */
export function editDraft(d: PolicyDraft, org: Org, rng: Rng, serial: number): { draft: PolicyDraft; kind: string } {
  const draft = structuredClone(d);
  const domains: Record<string, string[]> = {
    job_title: org.titles.map((t) => t.name),
    team: org.departments.flatMap((x) => x.teams),
    department: org.departments.map((x) => x.name),
    location: org.locations,
    cost_center: org.departments.flatMap((x) => x.costCenters),
    employment_type: org.employmentTypes,
  };
  const editable = draft.when
    .map((c, i) => [i, Object.keys(c)[0]!] as const)
    .filter(([i, k]) => EDITABLE.includes(k) && typeof draft.when[i]![k] === "string");
  const levelled = draft.when.findIndex((c) => typeof (c.job_level as { min?: string } | undefined)?.min === "string");
  if (editable.length && rng.chance(0.5)) {
    const [i, attribute] = rng.pick(editable);
    const from = draft.when[i]![attribute] as string;
    const to = rng.pick(domains[attribute]!.filter((v) => v !== from));
    draft.when[i] = { [attribute]: to };
    return { draft, kind: `${attribute}: ${from} → ${to}` };
  }
  if (levelled >= 0 && rng.chance(0.5)) {
    const cond = draft.when[levelled]!.job_level as { min: string };
    const from = cond.min;
    const n = Number(from.slice(1));
    cond.min = `L${n >= 10 ? n - 1 : n + 1}`;
    return { draft, kind: `job_level min ${from} → ${cond.min}` };
  }
  draft.grants.push(draft.effect === "deny" ? "google:account:workspace" : `github:repo:edited-${serial} (write)`);
  return { draft, kind: "one more grant" };
}
