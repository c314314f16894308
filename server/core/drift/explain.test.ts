import { describe, expect, it } from "vitest";
import { explainDrift, type DriftFacts } from "./explain";

const base: DriftFacts = {
  kind: "excess",
  username: "sarah.chen",
  resource: "ldap:group:finance",
  person: { name: "Sarah Chen", status: "Active" },
  expectedLevel: null,
  actualLevel: null,
  policies: null,
  exception: null,
  endedException: null,
};

describe("explainDrift", () => {
  it("says why excess access is excess: no policy, an ended exception, a leaver, an unknown account", () => {
    expect(explainDrift(base)).toEqual({
      expected: "Not in any policy that applies to Sarah Chen, and no active exception covers it",
      actual: "sarah.chen holds ldap:group:finance",
    });
    expect(
      explainDrift({
        ...base,
        endedException: { number: 7, endReason: "expired", endedAt: new Date("2026-10-01T00:00:00Z") },
      }).expected,
    ).toMatch(/EXC-7 ended \(expired\) on 2026-10-01$/);
    expect(explainDrift({ ...base, person: { name: "Sarah Chen", status: "Terminated" } }).expected).toBe(
      "Sarah Chen is Terminated: nobody who is not Active keeps access",
    );
    expect(explainDrift({ ...base, person: null, username: "ghost" }).expected).toBe(
      "No identity has the account name ghost: an account nobody in HR owns",
    );
  });

  it("says what grants missing access and which level policy wants", () => {
    expect(
      explainDrift({
        ...base,
        kind: "missing",
        policies: ["sales-engineer-access", "sales-team-access"],
        expectedLevel: "member",
      }),
    ).toEqual({
      expected: "sales-engineer-access → sales-team-access grants it (member)",
      actual: "ldap:group:finance has no access for sarah.chen",
    });
    expect(
      explainDrift({
        ...base,
        kind: "level",
        exception: { number: 3, type: "role_transition", expiresAt: new Date("2026-12-23T09:00:00Z") },
        expectedLevel: "reporter",
        actualLevel: "owner",
      }),
    ).toEqual({
      expected: "EXC-3 (role transition) covers it until 2026-12-23 at reporter",
      actual: "sarah.chen holds ldap:group:finance (owner)",
    });
  });
});

describe("policyDraftForAccess", () => {
  it("drafts a policy for the person's role that parses in the policy language", async () => {
    const { parsePolicyFile } = await import("../policy/parse");
    const yaml = (await import("./explain")).policyDraftForAccess({
      jobTitle: "Sales Engineer",
      department: "Sales",
      resource: "gitlab:group:finance",
      level: "developer",
    });
    expect(yaml).toBe(
      "name: sales-engineer-finance\n" +
        "description: Found in place by drift detection; granted to the role instead of by hand\n" +
        "when:\n" +
        "  - department: Sales\n" +
        "  - job_title: Sales Engineer\n" +
        "grants:\n" +
        "  - resource: gitlab:group:finance\n" +
        "    level: developer\n",
    );
    const parsed = parsePolicyFile("draft.yaml", yaml);
    expect(parsed.problems).toEqual([]);
    expect(parsed.policies.map((p) => p.name)).toEqual(["sales-engineer-finance"]);
  });
});
