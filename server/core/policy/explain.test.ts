import { describe, expect, it } from "vitest";
import { compiledDemoPolicies } from "@/test/support/policies";
import { explainAccess } from "./explain";
import { explainWithTemporaryAccess, type HeldAccess } from "./explain-temporary";
import type { PolicyIdentity } from "./types";

const at = new Date("2026-11-22T12:00:00Z");
const set = compiledDemoPolicies();
const person = (attributes: PolicyIdentity["attributes"]): PolicyIdentity => ({
  id: "p",
  attributes: { employment_status: "Active", ...attributes },
});

describe("explain", () => {
  it("why: the chain of policies behind a grant", () => {
    const e = explainAccess(
      set,
      person({ department: "Sales", job_title: "Senior Sales Engineer" }),
      "gitlab:group:customer-solutions",
      at,
    );
    expect(e.granted).toEqual({ level: "reporter", via: ["senior-sales-engineer-access", "sales-engineer-access"] });
    expect(e.sources.filter((s) => s.matched).map((s) => s.via)).toEqual([
      ["senior-sales-engineer-access", "sales-engineer-access"],
    ]);
  });

  it("why not: each policy that would grant it, with its first failing condition, the actual and the required value", () => {
    const dba = person({
      department: "Engineering",
      job_title: "Software Engineer",
      job_level: "L4",
      employment_type: "FTE",
      location: "Berlin",
      hire_date: "2020-01-01",
      trainings: ["prod-db-access", "data-handling"],
    });
    const e = explainAccess(set, dba, "postgres:role:prod_rw", at);
    expect(e.granted).toBeNull();
    expect(e.sources).toHaveLength(1);
    const failed = e.sources[0]!.failed!;
    expect(failed.requirement).toBe("any of: job_title contains DBA; job_level min L5");
    expect(failed.alternatives!.map((a) => [a.requirement, a.actual])).toEqual([
      ["job_title contains DBA", "Software Engineer"],
      ["job_level min L5", "L4"],
    ]);
    expect(failed).toMatchObject({ file: "production-database-access.yaml", line: 11, field: "when[6].any" });
  });

  it("reports tenure in days and the first failing condition only", () => {
    const newcomer = person({
      department: "Engineering",
      job_title: "DBA",
      job_level: "L5",
      employment_type: "FTE",
      location: "Berlin",
      hire_date: "2026-11-01",
      trainings: ["prod-db-access", "data-handling"],
    });
    const failed = explainAccess(set, newcomer, "postgres:role:prod_rw", at).sources[0]!.failed!;
    expect(failed).toMatchObject({ requirement: "tenure_days min 90", attribute: "tenure_days", actual: 21 });
  });

  it("names the deny policy that takes a grant away", () => {
    const contractor = person({ department: "Engineering", team: "Platform", employment_type: "Contractor" });
    const e = explainAccess(set, contractor, "aws:role:prod-readonly", at);
    expect(e.granted).toBeNull();
    expect(e.deniedBy).toEqual(["no-production-for-contractors"]);
    expect(e.sources.find((s) => s.matched)!.via).toEqual(["platform-team-access"]);
  });

  it("says when the person is not Active", () => {
    const e = explainAccess(
      set,
      person({ department: "Sales", employment_status: "Terminated" }),
      "salesforce:license:user",
      at,
    );
    expect(e).toMatchObject({ active: false, employmentStatus: "Terminated", granted: null });
  });

  it("says nothing grants a resource no policy names", () => {
    expect(explainAccess(set, person({}), "google:group:finance-reports@company.comx", at)).toMatchObject({
      granted: null,
      sources: [],
    });
  });
});

describe("explain and evaluate agree", () => {
  it("name the same winner when two paths tie on level and priority", async () => {
    const { loadPolicySet } = await import("./policy-set");
    const { compilePolicySet } = await import("./compile");
    const { evaluateIdentity } = await import("./evaluate");
    const { policies } = loadPolicySet([
      { path: "p.yaml", source: "name: p\ninherits: [q-r]\n" },
      { path: "q-r.yaml", source: "name: q-r\ngrants: [x:y:z (member)]\n" },
      { path: "p-q.yaml", source: "name: p-q\ninherits: [r]\n" },
      { path: "r.yaml", source: "name: r\ngrants: [x:y:z (guest)]\n" },
    ]);
    const tied = compilePolicySet(policies, { scales: {}, aliases: [], systemLevels: {} });
    const someone = person({});
    const evaluated = evaluateIdentity(tied, someone, at).find((g) => g.resource === "x:y:z")!;
    expect(explainAccess(tied, someone, "x:y:z", at).granted).toEqual({ level: evaluated.level, via: evaluated.via });
  });
});

describe("explain counts temporary access as expected access does (issue 12 point 8)", () => {
  const exc1: HeldAccess = {
    exceptionId: "e1",
    number: 1,
    level: null,
    type: "project",
    source: "request",
    approvedBy: "Dana Whitfield",
    fallbackName: null,
    expiresAt: new Date("2027-01-06T00:00:00Z"),
  };
  const sarah = person({ department: "Sales", job_title: "Sales Engineer", employment_type: "FTE" });

  it("has the resource through an exception no policy gives", () => {
    const e = explainWithTemporaryAccess(explainAccess(set, sarah, "google:group:finance-reports@company.com", at), [
      exc1,
    ]);
    expect(e).toMatchObject({
      granted: null,
      has: true,
      temporary: [{ number: 1, approvedBy: "Dana Whitfield", counts: true, blockedBy: null }],
    });
  });

  it("does not count it for someone who is not Active, nor against a deny policy, and says why", () => {
    const gone = explainWithTemporaryAccess(
      explainAccess(
        set,
        { ...sarah, attributes: { ...sarah.attributes, employment_status: "Terminated" } },
        "google:group:finance-reports@company.com",
        at,
      ),
      [exc1],
    );
    expect(gone).toMatchObject({
      has: false,
      temporary: [{ counts: false, blockedBy: "the person is not Active (employment_status: Terminated)" }],
    });
    const contractor = person({ department: "Engineering", team: "Platform", employment_type: "Contractor" });
    const denied = explainWithTemporaryAccess(explainAccess(set, contractor, "aws:role:prod-readonly", at), [
      { ...exc1, type: "privilege_escalation" },
    ]);
    expect(denied).toMatchObject({
      has: false,
      temporary: [{ counts: false, blockedBy: "the deny policy no-production-for-contractors takes it away" }],
    });
  });

  it("without temporary access, has is what policy gives", () => {
    expect(explainWithTemporaryAccess(explainAccess(set, sarah, "salesforce:license:user", at), [])).toMatchObject({
      has: true,
      temporary: [],
    });
    expect(explainWithTemporaryAccess(explainAccess(set, sarah, "postgres:role:prod_rw", at), [])).toMatchObject({
      has: false,
      temporary: [],
    });
  });
});
