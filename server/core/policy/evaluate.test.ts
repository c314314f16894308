import { describe, expect, it } from "vitest";
import { compiledDemoPolicies, demoConfig } from "@/test/support/policies";
import { compilePolicySet } from "./compile";
import { evaluateIdentity } from "./evaluate";
import { diffGrants } from "./impact";
import type { ExpectedGrant, PolicyIdentity } from "./types";

const at = new Date("2026-11-22T12:00:00Z");
const set = compiledDemoPolicies();

const sarah = (changes: Record<string, string | string[] | null> = {}): PolicyIdentity => ({
  id: "sarah.chen",
  attributes: {
    department: "Sales",
    job_title: "Sales Engineer",
    team: "Enterprise",
    location: "San Francisco",
    employment_type: "FTE",
    employment_status: "Active",
    job_level: "L3",
    hire_date: "2024-11-24",
    trainings: ["security-101"],
    ...changes,
  },
});

const asText = (grants: readonly ExpectedGrant[]) =>
  grants.map((g) => (g.level ? `${g.resource} (${g.level})` : g.resource));

describe("expected access: Sarah Chen's lifecycle (seed 001)", () => {
  const day1 = evaluateIdentity(set, sarah(), at);

  it("day 1: base employee + sales team + sales engineer access", () => {
    expect(asText(day1)).toEqual([
      "gitlab:group:customer-solutions (reporter)",
      "google:account:workspace",
      "google:drive:sales-shared-drive",
      "google:group:sales@company.com",
      "notion:space:company-handbook (read)",
      "notion:space:sales-playbooks (read)",
      "notion:space:technical-docs (read)",
      "okta:group:base-employee-group",
      "okta:group:sales-team",
      "salesforce:license:user",
      "salesforce:profile:sales-engineer (standard)",
      "slack:channel:#customer-success (member)",
      "slack:channel:#engineering-general (guest)",
      "slack:channel:#sales-team (member)",
      "slack:workspace:company (member)",
    ]);
  });

  it("names the path of every grant: the matched policy, then what it inherits", () => {
    const byResource = new Map(day1.map((g) => [g.resource, g.via]));
    expect(byResource.get("salesforce:profile:sales-engineer")).toEqual(["sales-engineer-access"]);
    expect(byResource.get("salesforce:license:user")).toEqual(["sales-team-access"]);
    expect(byResource.get("google:account:workspace")).toEqual(["base-employee-access"]);
  });

  it("promotion to Senior Sales Engineer adds the senior grants and keeps the rest", () => {
    const senior = evaluateIdentity(set, sarah({ job_title: "Senior Sales Engineer", job_level: "L4" }), at);
    const delta = diffGrants(day1, senior);
    expect(asText(delta.added)).toEqual([
      "salesforce:profile:sales-leadership (standard)",
      "slack:channel:#sales-leadership (member)",
    ]);
    expect(delta.removed).toEqual([]);
    expect(delta.changed).toEqual([]);
    // Mentor access to Sales Engineer resources comes through an inherited policy whose own
    // condition (job_title: Sales Engineer) does not match her any more.
    expect(senior.find((g) => g.resource === "gitlab:group:customer-solutions")!.via).toEqual([
      "senior-sales-engineer-access",
      "sales-engineer-access",
    ]);
  });

  it("transfer to Solutions Architect in Engineering: Salesforce and sales channels go, GitHub comes, GitLab goes up a level", () => {
    const senior = evaluateIdentity(set, sarah({ job_title: "Senior Sales Engineer", job_level: "L4" }), at);
    const architect = evaluateIdentity(
      set,
      sarah({ job_title: "Solutions Architect", department: "Engineering", job_level: "L5" }),
      at,
    );
    const delta = diffGrants(senior, architect);
    expect(asText(delta.removed)).toEqual([
      "google:drive:sales-shared-drive",
      "google:group:sales@company.com",
      "notion:space:sales-playbooks (read)",
      "okta:group:sales-team",
      "salesforce:license:user",
      "salesforce:profile:sales-engineer (standard)",
      "salesforce:profile:sales-leadership (standard)",
      "slack:channel:#customer-success (member)",
      "slack:channel:#sales-leadership (member)",
      "slack:channel:#sales-team (member)",
    ]);
    expect(asText(delta.added)).toEqual([
      "github:org:engineering (read)",
      "github:team:architecture-review (triage)",
      "github:team:deployers (write)",
      "google:group:engineering@company.com",
      "ldap:group:engineering",
      "okta:group:engineering-team",
    ]);
    expect(delta.changed.map((c) => [c.resource, c.from, c.to])).toEqual([
      ["gitlab:group:customer-solutions", "reporter", "developer"],
      ["notion:space:technical-docs", "read", "edit"],
      ["slack:channel:#engineering-general", "guest", "member"],
    ]);
  });

  it("termination: nothing, whatever else matches (invariant 3)", () => {
    expect(evaluateIdentity(set, sarah({ employment_status: "Terminated" }), at)).toEqual([]);
    expect(evaluateIdentity(set, sarah({ employment_status: "Leave" }), at)).toEqual([]);
    expect(evaluateIdentity(set, sarah({ employment_status: null }), at)).toEqual([]);
  });
});

describe("seed 002: production database requirements", () => {
  const engineer = (changes: Record<string, string | string[] | null> = {}): PolicyIdentity => ({
    id: "eng",
    attributes: {
      department: "Engineering",
      job_title: "Staff Engineer",
      team: "Core Engineering",
      location: "Berlin",
      employment_type: "FTE",
      employment_status: "Active",
      job_level: "L5",
      hire_date: "2024-01-10",
      trainings: ["security-101", "prod-db-access", "data-handling"],
      ...changes,
    },
  });
  const hasProdRw = (i: PolicyIdentity) =>
    evaluateIdentity(set, i, at).some((g) => g.resource === "postgres:role:prod_rw");

  it("grants read-write production access to a qualified engineer", () => expect(hasProdRw(engineer())).toBe(true));

  it.each([
    ["below L4", { job_level: "L3" }],
    ["a contractor", { employment_type: "Contractor" }],
    ["in Bangalore", { location: "Bangalore" }],
    ["in Bengaluru (an alias of Bangalore)", { location: "Bengaluru" }],
    ["without the data-handling training", { trainings: ["security-101", "prod-db-access"] }],
    ["in another department", { department: "Sales" }],
    ["L4 without DBA in the title", { job_level: "L4" }],
  ])("refuses an engineer %s", (_why, changes) => expect(hasProdRw(engineer(changes))).toBe(false));

  it("lets an L4 in with DBA in the title (any: contains DBA or L5+)", () => {
    expect(hasProdRw(engineer({ job_level: "L4", job_title: "Database Administrator (DBA)" }))).toBe(true);
  });

  it("counts tenure from the hire date to the evaluation time: 90 days exactly is enough, 89 is not", () => {
    expect(hasProdRw(engineer({ hire_date: "2026-08-24" }))).toBe(true); // 90 days before 2026-11-22
    expect(hasProdRw(engineer({ hire_date: "2026-08-25" }))).toBe(false); // 89 days
    expect(hasProdRw(engineer({ hire_date: null }))).toBe(false);
  });

  it("matches messy HR spellings through aliases: Eng is Engineering", () => {
    expect(hasProdRw(engineer({ department: "Eng" }))).toBe(true);
    expect(hasProdRw(engineer({ department: "Product Eng" }))).toBe(false);
  });
});

describe("deny beats allow (invariant 2)", () => {
  it("takes production access from a contractor on the Platform team, and leaves the rest", () => {
    const contractor: PolicyIdentity = {
      id: "contractor",
      attributes: {
        department: "Engineering",
        team: "Platform",
        employment_type: "Contractor",
        employment_status: "Active",
        job_title: "Software Engineer",
      },
    };
    const grants = evaluateIdentity(set, contractor, at).map((g) => g.resource);
    expect(grants).toContain("gitlab:group:platform-engineering");
    expect(grants).not.toContain("aws:role:prod-readonly");
    const fte = evaluateIdentity(
      set,
      { ...contractor, attributes: { ...contractor.attributes, employment_type: "FTE" } },
      at,
    );
    expect(fte.map((g) => g.resource)).toContain("aws:role:prod-readonly");
  });

  it("gives nothing without a policy (deny by default, invariant 1)", () => {
    const empty = compilePolicySet([], demoConfig());
    expect(evaluateIdentity(empty, sarah(), at)).toEqual([]);
  });

  it("treats a missing attribute as failing every condition on it, not_in included", () => {
    const unknownPlace = evaluateIdentity(set, { id: "x", attributes: { employment_status: "Active" } }, at).map(
      (g) => g.resource,
    );
    expect(unknownPlace).not.toContain("ldap:group:vpn-users");
    const berlin = evaluateIdentity(
      set,
      { id: "y", attributes: { employment_status: "Active", location: "Berlin" } },
      at,
    ).map((g) => g.resource);
    expect(berlin).toContain("ldap:group:vpn-users");
  });
});
