import { describe, expect, it } from "vitest";
import { parsePolicyFile } from "./parse";

const designExample = `name: production-database-access        # unique, kebab-case
description: Access to production databases for qualified engineers
priority: 50
effect: allow
inherits: [base-employee-access]
when:
  - department: { in: [Engineering, Platform, SRE] }
  - job_level: { min: L4 }
  - employment_type: FTE
  - location: { not_in: [Bangalore] }
  - trainings: { includes: [prod-db-access, data-handling] }
  - tenure_days: { min: 90 }
  - any:
      - job_title: { contains: DBA }
      - job_level: { min: L5 }
grants:
  - postgres:role:prod_rw
  - resource: gitlab:group:customer-solutions
    level: reporter
`;

describe("parsing policies", () => {
  it("reads the design brief's example with every condition kind", () => {
    const { policies, problems } = parsePolicyFile("prod.yaml", designExample);
    expect(problems).toEqual([]);
    const [p] = policies;
    expect(p).toMatchObject({
      name: "production-database-access",
      priority: 50,
      effect: "allow",
      inherits: ["base-employee-access"],
    });
    expect(
      p!.when.map((c) => (c.kind === "compare" ? `${c.attribute} ${c.op} ${JSON.stringify(c.value)}` : c.kind)),
    ).toEqual([
      'department in ["Engineering","Platform","SRE"]',
      'job_level min "L4"',
      'employment_type equals "FTE"',
      'location not_in ["Bangalore"]',
      'trainings includes ["prod-db-access","data-handling"]',
      "tenure_days min 90",
      "any",
    ]);
    expect(p!.grants).toMatchObject([
      { resource: "postgres:role:prod_rw", level: null, at: { line: 17 } },
      { resource: "gitlab:group:customer-solutions", level: "reporter", at: { line: 18 } },
    ]);
  });

  it("accepts the seeds' `resource (level)` shorthand and several policies in one file", () => {
    const { policies, problems } = parsePolicyFile(
      "two.yaml",
      "name: a\ngrants:\n  - gitlab:group:customer-solutions (reporter)\n---\nname: b\neffect: deny\ngrants: [aws:role:production-admin]\n",
    );
    expect(problems).toEqual([]);
    expect(policies.map((p) => [p.name, p.effect, p.grants[0]!.resource, p.grants[0]!.level, p.at.line])).toEqual([
      ["a", "allow", "gitlab:group:customer-solutions", "reporter", 1],
      ["b", "deny", "aws:role:production-admin", null, 5],
    ]);
  });

  it.each([
    ["name: Bad Name\n", 1, "name", "must be kebab-case"],
    ["description: no name\n", 1, "name", "name is required"],
    ["name: a\neffct: deny\n", 2, "effct", 'unknown field "effct"'],
    ["name: a\neffect: maybe\n", 2, "effect", "effect must be allow or deny"],
    ["name: a\npriority: high\n", 2, "priority", "whole number"],
    ["name: a\nwhen:\n  - department: { equal: Sales }\n", 3, "when[0].department.equal", 'unknown operator "equal"'],
    ["name: a\nwhen:\n  - job_level: { min: [L4, L5] }\n", 3, "when[0].job_level.min", "takes one value"],
    ["name: a\nwhen:\n  - any: []\n", 3, "when[0].any", "non-empty list"],
    ["name: a\nwhen: department\n", 2, "when", "list of conditions"],
    ["name: a\ngrants:\n  - notaresource\n", 3, "grants[0].resource", "system:type:name"],
    ["name: a\ngrants:\n  - resource: gitlab:group:x\n    levl: reporter\n", 4, "grants[0].levl", "resource and level"],
    ["name: a\ninherits: [Base Access]\n", 2, "inherits[0]", "kebab-case"],
    ["name: a\nname: b\n", 2, "", "YAML: Map keys must be unique"],
    ["name: a\ngrants:\n  - x\n\tbad\n", 4, "", "YAML: Tabs are not allowed"],
  ])("names file, line and field: %j", (source, line, field, message) => {
    const { policies, problems } = parsePolicyFile("bad.yaml", source);
    expect(policies).toEqual([]);
    expect(problems[0]).toMatchObject({ file: "bad.yaml", line, field, severity: "error" });
    expect(problems[0]!.message).toContain(message);
  });
});
