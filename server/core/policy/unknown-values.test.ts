import { describe, expect, it } from "vitest";
import { demoConfig } from "@/test/support/policies";
import { abbreviates, genericWords, spellingEvidence } from "./alias-evidence";
import { policyUsesOf } from "./alias-safety";
import { parsePolicyFile } from "./parse";
import { unknownValues } from "./unknown-values";
import type { PolicyConfig, PolicyIdentity } from "./types";

const person = (id: string, attributes: Record<string, string>, status = "Active"): PolicyIdentity => ({
  id,
  attributes: { ...attributes, employment_status: status },
});
const many = (n: number, attributes: Record<string, string>) =>
  Array.from({ length: n }, (_, i) => person(`${attributes.job_title ?? attributes.department}-${i}`, attributes));

describe("HR values no policy or alias knows", () => {
  const { policies } = parsePolicyFile(
    "p.yaml",
    "name: eng\nwhen:\n  - department: Engineering\n  - employment_status: Active\ngrants: [google:account:workspace]\n",
  );

  it("lists values policies do not name and no alias maps, likely mistakes first, with the value they resemble and the evidence", () => {
    const report = unknownValues(
      policies,
      [
        person("1", { department: "Engineering" }),
        person("2", { department: "Eng" }),
        person("3", { department: "Product Eng" }),
        person("4", { department: "Product Eng" }),
        person("5", { department: "Legal" }),
        person("6", { department: "Legal" }),
        person("7", { department: "Legal" }, "Terminated"),
      ],
      demoConfig(),
    );
    expect(report).toEqual([
      {
        attribute: "department",
        value: "Product Eng",
        people: 2,
        looksLike: "Engineering",
        evidence: {
          kind: "extra-words",
          text: "contains all of “Engineering” (“Eng” for “Engineering”), plus “Product”",
        },
      },
      { attribute: "department", value: "Legal", people: 3, looksLike: null, evidence: null },
    ]);
  });
});

describe("likely misspellings never map one value policies use onto another (issue 12 point 11)", () => {
  // The demo organization's situation: policies name two Sales job titles; engineers are matched by department.
  const { policies } = parsePolicyFile(
    "p.yaml",
    `name: sales-engineer-access
when:
  - job_title: { in: [Sales Engineer, Senior Sales Engineer] }
grants: [salesforce:license:user]
---
name: dba-access
when:
  - job_title: { contains: DBA }
grants: [postgres:role:prod_rw]
---
name: engineering
when:
  - department: { in: [Engineering, Sales] }
  - location: { not_in: [Tier 2] }
grants: [google:account:workspace]
`,
  );
  const config: PolicyConfig = {
    ...demoConfig(),
    aliases: [{ attribute: "job_title", raw: "Sr. Software Engineer", canonical: "Senior Software Engineer" }],
  };
  const people = [
    ...many(33, { job_title: "Software Engineer", department: "Engineering" }),
    ...many(10, { job_title: "Senior Software Engineer", department: "Engineering" }),
    ...many(2, { job_title: "Senior Counsel", department: "Legal" }),
    ...many(6, { job_title: "Staff Engineer", department: "Engineering" }),
    ...many(6, { job_title: "Data Engineer", department: "Engineering" }),
    ...many(1, { job_title: "Senior SWE", department: "Engineering" }),
    ...many(1, { job_title: "Sales Engineering Manager", department: "Sales" }),
    ...many(2, { job_title: "Sales Engineer (DBA)", department: "Sales" }),
    ...many(3, { job_title: "Sales Enginer", department: "Sales" }),
    ...many(2, { job_title: "Sr Sales Engineer", department: "Sales" }),
    ...many(1, { job_title: "sales-engineer", department: "Sales" }),
    ...many(2, { job_title: "Sales Engineer", department: "Sales Engineering" }),
    ...many(2, { job_title: "Sales Engineer", department: "Sales", location: "Tier 1" }),
  ];
  const report = unknownValues(policies, people, config);
  const suggestion = (value: string) => report.find((u) => u.value === value);

  it("suggests nothing from one shared word: Software Engineer is not Sales Engineer, Senior Counsel is not Senior Sales Engineer", () => {
    for (const v of [
      "Software Engineer",
      "Senior Counsel",
      "Staff Engineer",
      "Data Engineer",
      "Senior SWE",
      "Sales Engineering Manager",
    ]) {
      expect(suggestion(v), v).toMatchObject({ looksLike: null, evidence: null });
    }
  });

  it("never proposes mapping a value that is a value of its own: other spellings map to it, or a policy reads it", () => {
    // Aliases map "Sr. Software Engineer" onto it; "contains DBA" reads the other.
    expect(suggestion("Senior Software Engineer")).toMatchObject({ people: 10, looksLike: null });
    expect(suggestion("Sales Engineer (DBA)")).toMatchObject({ looksLike: null });
    // Tier 1 is one digit from Tier 2, which a policy names: digits are never a typo.
    expect(suggestion("Tier 1")).toMatchObject({ looksLike: null });
    // Two values policies name, equally likely: no guess.
    expect(suggestion("Sales Engineering")).toMatchObject({ looksLike: null });
  });

  it("suggests a named value only with evidence: a typo, an abbreviation of a word, case or spacing", () => {
    expect(suggestion("Sales Enginer")).toMatchObject({
      looksLike: "Sales Engineer",
      evidence: { kind: "typo", text: "“Enginer” is 1 letter from “Engineer”; the other words are the same" },
    });
    expect(suggestion("Sr Sales Engineer")).toMatchObject({
      looksLike: "Senior Sales Engineer",
      evidence: {
        kind: "abbreviation",
        text: "each word is the word of “Senior Sales Engineer” or short for it: “Sr” for “Senior”",
      },
    });
    expect(suggestion("sales-engineer")).toMatchObject({
      looksLike: "Sales Engineer",
      evidence: { kind: "case-or-spacing" },
    });
    // The likely ones first.
    expect(
      report
        .slice(0, 3)
        .map((u) => u.value)
        .sort(),
    ).toEqual(["Sales Enginer", "Sr Sales Engineer", "sales-engineer"]);
  });
});

describe("spelling evidence", () => {
  it("abbreviations keep the first letters, or the first and last with letters in order between; never digits", () => {
    expect(
      ["Eng/Engineering", "Sr/Senior", "Mgr/Manager", "Dept/Department", "Acct/Accountant"].every((p) =>
        abbreviates(...(p.toLowerCase().split("/") as [string, string])),
      ),
    ).toBe(true);
    expect(
      ["e/engineering", "sales/software", "snr/sales", "ii/iii", "engineering/engineer"].some((p) =>
        abbreviates(...(p.split("/") as [string, string])),
      ),
    ).toBe(false);
  });

  it("initials, and containment of a distinctive value but not of a generic word", () => {
    expect(spellingEvidence("SF", "San Francisco")).toEqual({
      kind: "abbreviation",
      text: "“SF” is the initials of “San Francisco”",
    });
    expect(spellingEvidence("San Francisco, CA", "San Francisco")).toMatchObject({
      kind: "extra-words",
      text: "contains all of “San Francisco”, plus “CA”",
    });
    const generic = genericWords(["Software Engineer", "Data Engineer", "Staff Engineer", "Engineer"]);
    expect(generic).toEqual(new Set(["engineer"]));
    expect(spellingEvidence("Software Engineer", "Engineer", (w) => generic.has(w))).toBeNull();
    expect(spellingEvidence("Software Engineer", "Sales Engineer")).toBeNull();
  });

  it("names the policy conditions that read a value as itself", () => {
    const { policies } = parsePolicyFile(
      "q.yaml",
      "name: q\nwhen:\n  - job_title: { contains: DBA }\n  - job_level: { min: L4 }\n  - department: { not_in: [Legal] }\ngrants: [a:b:c]\n",
    );
    expect(policyUsesOf(policies, demoConfig(), "job_title", "Lead DBA")).toEqual([
      { policy: "q", file: "q.yaml", line: 3, requirement: "job_title contains DBA" },
    ]);
    expect(policyUsesOf(policies, demoConfig(), "job_level", "L2").map((u) => u.requirement)).toEqual([
      "job_level min L4",
    ]);
    expect(policyUsesOf(policies, demoConfig(), "department", "legal").map((u) => u.requirement)).toEqual([
      "department not in [Legal]",
    ]);
    expect(policyUsesOf(policies, demoConfig(), "department", "Legal Ops")).toEqual([]);
  });
});
