import type { Alias, PolicyIdentity } from "@/server/core/policy";
import { Rng, Weighted, slug, zipfWeights } from "./rng";

/**
 * A synthetic organization: departments with roles and teams, a title ladder, locations and
 * trainings, and people drawn from them. Distributions are documented in docs/benchmarks.md.
 */

export interface Department {
  name: string;
  slug: string;
  weight: number;
  roles: string[];
  teams: string[];
  costCenters: string[];
  aliases: string[];
}

export interface Title {
  name: string;
  role: string;
  department: Department;
  seniority: number;
}

export interface Org {
  departments: Department[];
  titles: Title[];
  titlesByDepartment: Map<string, Title[]>;
  teamDepartment: Map<string, Department>;
  locations: string[];
  trainings: string[];
  employmentTypes: string[];
  aliases: Alias[];
  /** the evaluation clock */
  at: Date;
}

const DEPARTMENTS: [string, number, string[], string[]][] = [
  [
    "Engineering",
    25,
    [
      "Software Engineer",
      "Frontend Engineer",
      "Backend Engineer",
      "Mobile Engineer",
      "QA Engineer",
      "Engineering Manager",
    ],
    ["Eng", "Engg"],
  ],
  ["Platform", 6, ["Platform Engineer", "Database Administrator (DBA)", "Cloud Engineer"], ["Infra"]],
  ["SRE", 4, ["Site Reliability Engineer", "Incident Manager"], ["Site Reliability"]],
  ["Data", 6, ["Data Engineer", "Data Scientist", "Analytics Engineer", "Data Analyst"], ["Analytics"]],
  ["Security", 3, ["Security Engineer", "Security Analyst", "GRC Analyst"], ["InfoSec"]],
  ["Product", 5, ["Product Manager", "Product Owner", "Technical Program Manager"], ["PM"]],
  ["Design", 3, ["Product Designer", "UX Researcher", "Content Designer"], ["UX"]],
  [
    "Sales",
    14,
    ["Account Executive", "Sales Engineer", "Sales Development Rep", "Sales Manager", "Solutions Architect"],
    ["Sls"],
  ],
  ["Marketing", 6, ["Marketing Manager", "Content Marketer", "Growth Analyst", "Event Manager"], ["Mktg"]],
  ["Customer Success", 8, ["Customer Success Manager", "Support Engineer", "Onboarding Specialist"], ["CS", "Support"]],
  ["Finance", 4, ["Accountant", "Financial Analyst", "Payroll Specialist", "Controller"], ["Fin"]],
  ["Legal", 2, ["Counsel", "Paralegal", "Contracts Manager"], []],
  ["People", 3, ["Recruiter", "HR Business Partner", "People Ops Specialist"], ["HR"]],
  ["IT", 3, ["IT Support Specialist", "Systems Administrator", "IT Manager"], ["Information Technology"]],
  ["Operations", 5, ["Operations Analyst", "Facilities Coordinator", "Procurement Specialist"], ["Ops"]],
];

/** The title ladder: prefix, share of people, job levels. */
export const SENIORITY: { prefix: string; share: number; levels: string[] }[] = [
  { prefix: "Associate ", share: 14, levels: ["L1", "L2"] },
  { prefix: "", share: 38, levels: ["L2", "L3"] },
  { prefix: "Senior ", share: 28, levels: ["L4"] },
  { prefix: "Staff ", share: 11, levels: ["L5", "L6"] },
  { prefix: "Principal ", share: 6, levels: ["L7", "L8"] },
  { prefix: "Head of ", share: 3, levels: ["L9", "L10"] },
];

const TEAM_WORDS = [
  "Payments",
  "Identity",
  "Search",
  "Growth",
  "Core",
  "Billing",
  "Mobile",
  "Web",
  "Infra",
  "Insights",
  "Partners",
  "Enterprise",
  "SMB",
  "EMEA",
  "APAC",
  "Americas",
  "Compliance",
  "Tooling",
  "Onboarding",
  "Retention",
  "Pricing",
  "Platform",
  "Risk",
  "Ledger",
  "Catalog",
  "Checkout",
  "Messaging",
  "Notifications",
  "Storage",
  "Networking",
  "Reporting",
  "Automation",
  "Quality",
  "Research",
];

export const LOCATIONS = [
  "San Francisco",
  "New York",
  "London",
  "Austin",
  "Bangalore",
  "Berlin",
  "Toronto",
  "Dublin",
  "Singapore",
  "Seattle",
  "Amsterdam",
  "Sydney",
  "Tokyo",
  "Paris",
  "Sao Paulo",
  "Mexico City",
  "Remote US",
  "Remote EU",
];

/** training → [share of everyone who has it, departments where most have it, share there] */
export const TRAININGS: [string, number, string[], number][] = [
  ["security-101", 0.92, [], 0],
  ["code-of-conduct", 0.85, [], 0],
  ["privacy-basics", 0.7, [], 0],
  ["data-handling", 0.15, ["Engineering", "Platform", "SRE", "Data", "Security"], 0.6],
  ["prod-db-access", 0.02, ["Engineering", "Platform", "SRE", "Data"], 0.3],
  ["secure-coding", 0.03, ["Engineering", "Platform", "Security"], 0.5],
  ["incident-response", 0.05, ["SRE", "Platform", "Security", "IT"], 0.6],
  ["aws-fundamentals", 0.05, ["Engineering", "Platform", "SRE", "Data"], 0.4],
  ["pci-dss", 0.03, ["Finance", "Sales", "Customer Success"], 0.3],
  ["sox-controls", 0.02, ["Finance", "Legal"], 0.5],
  ["gdpr", 0.2, ["Legal", "People", "Marketing"], 0.6],
  ["hipaa", 0.05, [], 0],
  ["export-control", 0.04, ["Legal", "Sales"], 0.2],
  ["sales-methodology", 0.02, ["Sales", "Customer Success"], 0.7],
  ["first-aid", 0.05, ["Operations"], 0.3],
  ["leadership-101", 0.08, [], 0],
];

export const EMPLOYMENT_TYPES: [string, number][] = [
  ["FTE", 82],
  ["Contractor", 10],
  ["Intern", 4],
  ["Vendor", 4],
];

export function buildOrg(rng: Rng): Org {
  const totalWeight = DEPARTMENTS.reduce((s, d) => s + d[1], 0);
  const departments: Department[] = DEPARTMENTS.map(([name, weight, roles, aliases], i) => {
    const teamCount = Math.max(3, Math.round((weight / totalWeight) * 240));
    const words = rng.sample(TEAM_WORDS, TEAM_WORDS.length);
    const teams = Array.from(
      { length: teamCount },
      (_, t) => `${name} ${words[t % words.length]}${t >= words.length ? ` ${Math.floor(t / words.length) + 1}` : ""}`,
    );
    const costCenters = Array.from(
      { length: Math.max(1, Math.round(teamCount / 6)) },
      (_, c) => `CC-${100 + i * 10 + c}`,
    );
    return { name, slug: slug(name), weight, roles, teams, costCenters, aliases };
  });
  const titles: Title[] = [];
  const titlesByDepartment = new Map<string, Title[]>();
  for (const d of departments) {
    const list: Title[] = [];
    for (const role of d.roles)
      SENIORITY.forEach((s, seniority) => list.push({ name: `${s.prefix}${role}`, role, department: d, seniority }));
    titlesByDepartment.set(d.name, list);
    titles.push(...list);
  }
  const aliases: Alias[] = [];
  for (const d of departments)
    for (const raw of d.aliases) aliases.push({ attribute: "department", raw, canonical: d.name });
  for (const t of titles)
    if (t.seniority === 2) aliases.push({ attribute: "job_title", raw: `Sr. ${t.role}`, canonical: t.name });
  aliases.push(
    { attribute: "location", raw: "SF", canonical: "San Francisco" },
    { attribute: "location", raw: "NYC", canonical: "New York" },
  );
  const teamDepartment = new Map<string, Department>();
  for (const d of departments) for (const t of d.teams) teamDepartment.set(t, d);
  return {
    departments,
    titles,
    titlesByDepartment,
    teamDepartment,
    locations: LOCATIONS,
    trainings: TRAININGS.map((t) => t[0]),
    employmentTypes: EMPLOYMENT_TYPES.map((t) => t[0]),
    aliases,
    at: new Date("2026-06-01T12:00:00Z"),
  };
}

const DAY_MS = 86_400_000;

/** Occasionally spelled as HR systems do: different case, stray spaces. */
function messy(rng: Rng, value: string, p: number): string {
  if (!rng.chance(p)) return value;
  const r = rng.int(3);
  return r === 0 ? value.toUpperCase() : r === 1 ? value.toLowerCase() : ` ${value} `;
}

export function generateIdentities(org: Org, n: number, rng: Rng): PolicyIdentity[] {
  const departments = new Weighted(
    org.departments,
    org.departments.map((d) => d.weight),
  );
  const teamPickers = new Map(
    org.departments.map((d) => [d.name, new Weighted(d.teams, zipfWeights(d.teams.length, 0.8))]),
  );
  const seniority = new Weighted(
    SENIORITY.map((_, i) => i),
    SENIORITY.map((s) => s.share),
  );
  const locations = new Weighted(org.locations, zipfWeights(org.locations.length, 0.9));
  const types = new Weighted(
    EMPLOYMENT_TYPES.map((t) => t[0]),
    EMPLOYMENT_TYPES.map((t) => t[1]),
  );
  const out: PolicyIdentity[] = [];
  for (let i = 0; i < n; i++) {
    const d = departments.pick(rng);
    const type = types.pick(rng);
    const s = type === "Intern" ? 0 : seniority.pick(rng);
    const role = rng.pick(d.roles);
    const title = `${SENIORITY[s]!.prefix}${role}`;
    const level = rng.pick(SENIORITY[s]!.levels);
    const team = teamPickers.get(d.name)!.pick(rng);
    const tenure = Math.min(5400, Math.floor(rng.exponential(type === "Intern" ? 90 : 900)));
    const hire = new Date(org.at.getTime() - tenure * DAY_MS).toISOString().slice(0, 10);
    const trainings: string[] = [];
    for (const [name, base, depts, there] of TRAININGS) {
      let p = depts.includes(d.name) ? there : base;
      if (name === "leadership-101" && s >= 3) p = 0.6;
      if (rng.chance(p)) trainings.push(name);
    }
    const statusRoll = rng.next();
    const status = statusRoll < 0.94 ? messy(rng, "Active", 0.02) : statusRoll < 0.96 ? "On Leave" : "Terminated";
    const deptRaw = d.aliases.length && rng.chance(0.03) ? rng.pick(d.aliases) : messy(rng, d.name, 0.015);
    const titleRaw = s === 2 && rng.chance(0.2) ? `Sr. ${role}` : messy(rng, title, 0.01);
    let location = locations.pick(rng);
    if (location === "San Francisco" && rng.chance(0.05)) location = "SF";
    out.push({
      id: `u${String(i).padStart(6, "0")}`,
      attributes: {
        department: deptRaw,
        job_title: titleRaw,
        team,
        location: messy(rng, location, 0.01),
        employment_type: type,
        employment_status: status,
        job_level: level,
        hire_date: hire,
        trainings,
        cost_center: d.costCenters[d.teams.indexOf(team) % d.costCenters.length]!,
        manager: `u${String(rng.int(Math.max(1, n))).padStart(6, "0")}`,
      },
    });
  }
  return out;
}

/** attribute → match key → how many identities have it (CompileOptions.valueCounts). */
export function valueCounts(
  identities: readonly PolicyIdentity[],
  key: (attribute: string, raw: string) => string,
): Map<string, Map<string, number>> {
  const counts = new Map<string, Map<string, number>>();
  for (const identity of identities) {
    for (const [attribute, raw] of Object.entries(identity.attributes)) {
      if (raw === null || raw === undefined) continue;
      let m = counts.get(attribute);
      if (!m) counts.set(attribute, (m = new Map()));
      for (const v of Array.isArray(raw) ? raw : [raw]) {
        const k = key(attribute, v);
        m.set(k, (m.get(k) ?? 0) + 1);
      }
    }
  }
  return counts;
}
