import { describe, expect, it } from "vitest";
import { demoCatalog, demoConfig, demoPolicyFiles } from "@/test/support/policies";
import { lintPolicies } from "./lint";
import { parsePolicyFile } from "./parse";
import { loadPolicySet } from "./policy-set";
import type { PolicyIdentity } from "./types";

const catalog = demoCatalog();
const people: PolicyIdentity[] = [
  {
    id: "1",
    attributes: { department: "Sales", job_title: "Sales Engineer", location: "SF", employment_status: "Active" },
  },
  {
    id: "2",
    attributes: { department: "Eng", job_title: "Staff Engineer", location: "Berlin", employment_status: "Active" },
  },
];

function lint(source: string, extra = "") {
  const { policies, problems } = parsePolicyFile("p.yaml", source + extra);
  expect(problems).toEqual([]);
  return lintPolicies(policies, { config: demoConfig(), catalog, identities: people });
}
const codes = (ps: { code: string }[]) => ps.map((p) => p.code);

describe("policy lint", () => {
  it("finds nothing wrong with the demo organization's policies", () => {
    const { policies } = loadPolicySet(demoPolicyFiles());
    expect(lintPolicies(policies, { config: demoConfig(), catalog }).filter((p) => p.severity === "error")).toEqual([]);
  });

  it("flags an unknown attribute at its line", () => {
    const problems = lint("name: a\nwhen:\n  - departmnet: Sales\ngrants: [google:account:workspace]\n");
    expect(problems).toEqual([
      expect.objectContaining({ code: "unknown-attribute", line: 3, field: "when[0].departmnet", severity: "error" }),
    ]);
  });

  it("warns about values no identity has, and about aliases written in a policy", () => {
    const problems = lint(
      "name: a\nwhen:\n  - department: { in: [Sales, Platform] }\n  - location: SF\ngrants: [google:account:workspace]\n",
    );
    expect(problems.map((p) => [p.code, p.message])).toEqual([
      ["value-nobody-has", 'no identity has department "Platform"'],
      ["alias-in-policy", '"SF" is an alias of "San Francisco": write the canonical value'],
    ]);
  });

  it.each([
    ["equals A and equals B", "  - department: Sales\n  - department: Finance\n"],
    [
      "in and not_in leaving nothing",
      "  - location: { in: [London, Berlin] }\n  - location: { not_in: [London, Berlin] }\n",
    ],
    ["min above max", "  - tenure_days: { min: 90 }\n  - tenure_days: { max: 30 }\n"],
  ])("finds contradictory conditions: %s", (_what, conditions) => {
    expect(codes(lint(`name: a\nwhen:\n${conditions}grants: [google:account:workspace]\n`))).toContain("contradiction");
  });

  it("finds unknown and cyclic inherits and duplicate names", () => {
    const { policies } = loadPolicySet([
      { path: "a.yaml", source: "name: a\ninherits: [b]\ngrants: [google:account:workspace]\n" },
      { path: "b.yaml", source: "name: b\ninherits: [a, ghost]\ngrants: [google:account:workspace]\n" },
      { path: "c.yaml", source: "name: a\ngrants: [google:account:workspace]\n" },
    ]);
    const problems = lintPolicies(policies, { config: demoConfig() });
    expect(problems.map((p) => `${p.file}:${p.code}`)).toEqual(
      expect.arrayContaining([
        "a.yaml:cyclic-inherits",
        "b.yaml:cyclic-inherits",
        "b.yaml:unknown-inherits",
        "c.yaml:duplicate-name",
      ]),
    );
    expect(problems.find((p) => p.code === "cyclic-inherits")!.message).toContain("a → b → a");
  });

  it("finds unknown systems, resources and levels", () => {
    const problems = lint(
      "name: a\ngrants:\n  - jira:project:x\n  - gitlab:group:nope\n  - resource: gitlab:group:customer-solutions\n    level: admin\n",
    );
    expect(problems.map((p) => [p.code, p.line])).toEqual([
      ["unknown-system", 3],
      ["unknown-resource", 4],
      ["unknown-level", 5],
    ]);
  });

  it("refuses min on a value off the scale or on an attribute without one", () => {
    expect(codes(lint("name: a\nwhen:\n  - job_level: { min: Senior }\ngrants: [google:account:workspace]\n"))).toEqual(
      ["not-on-scale"],
    );
    expect(codes(lint("name: a\nwhen:\n  - department: { min: Sales }\ngrants: [google:account:workspace]\n"))).toEqual(
      ["no-scale"],
    );
  });

  it("scores seed 002's three-year-old rule as too complex", () => {
    const rule = `name: engineering-all
when:
  - any:
      - department: { in: [Engineering, Product Engineering, Platform Engineering, Eng, Product Eng, Core Engineering, Engineering - Platform] }
      - manager: { in: [alice@company.com, bob@company.com] }
  - location: { not_in: [Bangalore, Hyderabad, Mumbai, Delhi, Chennai] }
  - employment_type: { in: [FTE, FTE-Convert] }
  - job_level: { min: L3 }
  - trainings: { includes: [security-101, prod-access-2024] }
  - tenure_days: { min: 90 }
  - team: { not_in: [Documentation] }
grants: [google:account:workspace]
`;
    const { policies } = parsePolicyFile("rule.yaml", rule);
    const problems = lintPolicies(policies, { config: demoConfig(), complexityThreshold: 12 });
    expect(problems.find((p) => p.code === "too-complex")?.message).toMatch(/^complexity 1[3-9] is above 12/);
  });
});

describe("policy lint on scales and positions", () => {
  it("finds min above max on an ordered scale", () => {
    const { policies } = parsePolicyFile(
      "p.yaml",
      "name: a\nwhen:\n  - job_level: { min: L6 }\n  - job_level: { max: L4 }\ngrants: [google:account:workspace]\n",
    );
    expect(lintPolicies(policies, { config: demoConfig() }).map((p) => [p.code, p.line])).toEqual([
      ["contradiction", 4],
    ]);
  });

  it("points inherits problems at the inherits line", () => {
    const { policies } = parsePolicyFile(
      "p.yaml",
      "name: a\ndescription: x\ninherits: [ghost]\ngrants: [google:account:workspace]\n",
    );
    expect(lintPolicies(policies, { config: demoConfig() })).toEqual([
      expect.objectContaining({ code: "unknown-inherits", line: 3, field: "inherits" }),
    ]);
  });
});
