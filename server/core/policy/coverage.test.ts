import { describe, expect, it } from "vitest";
import { compiledDemoPolicies, demoCatalog } from "@/test/support/policies";
import { policyCoverage } from "./coverage";
import { evaluateIdentity } from "./evaluate";

describe("policy coverage (seed 001, phase 4)", () => {
  const set = compiledDemoPolicies();
  const at = new Date("2026-11-22T12:00:00Z");
  const sarah = {
    id: "sarah",
    attributes: { department: "Sales", job_title: "Sales Engineer", employment_status: "Active" },
  };

  it("lists resources no allow policy grants, inheritance included", () => {
    const coverage = policyCoverage(set, [...demoCatalog().resources]);
    expect(coverage.resourcesWithoutPolicy).toEqual([
      "aws:account:sandbox",
      "aws:role:production-admin",
      "aws:role:security-audit-readonly",
      "gitlab:group:billing-system-rewrite",
    ]);
    expect(coverage.share).toBeNull();
  });

  it("says what share of held access policy explains", () => {
    const expected = new Map([["sarah", new Set(evaluateIdentity(set, sarah, at).map((g) => g.resource))]]);
    const held = [
      { identity: "sarah", resource: "salesforce:license:user" },
      { identity: "sarah", resource: "slack:channel:#sales-team" },
      { identity: "sarah", resource: "gitlab:group:platform-engineering" },
      { identity: "sarah", resource: "google:group:finance-reports@company.com" },
    ];
    expect(policyCoverage(set, [], held, expected)).toMatchObject({ explained: 2, held: 4, share: 0.5 });
  });
});
