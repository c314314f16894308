import { describe, expect, it } from "vitest";
import { completeYaml, type EditorVocabulary, type YamlSchema } from "./yaml-completion";

const vocabulary: EditorVocabulary = {
  attributes: [
    { name: "department", values: ["Sales", "Engineering", "Customer Success"] },
    { name: "job_level", values: ["L1", "L2"] },
  ],
  policies: ["base-employee-access", "sales-team-access"],
  resources: [
    { key: "gitlab:group:customer-solutions", description: null },
    { key: "slack:channel:#sales-team", description: "Sales" },
  ],
  levels: { gitlab: ["guest", "reporter", "developer"], slack: ["guest", "member"] },
};

/** Completes at `|` in the text. */
function at(text: string, schema: YamlSchema = "policy", explicit = false) {
  const pos = text.indexOf("|");
  const doc = text.replace("|", "");
  const result = completeYaml(schema, vocabulary, doc, pos, explicit);
  return result && { typed: doc.slice(result.from, pos), labels: result.options.map((o) => o.label), result };
}

describe("completion in a policy file", () => {
  it("offers the fields at the top level", () => {
    expect(at("name: a\ngr|")).toMatchObject({ typed: "gr", labels: expect.arrayContaining(["grants", "when"]) });
  });

  it("offers attribute names (and groups) as a condition's key, in when and in any:", () => {
    expect(at("name: a\nwhen:\n  - dep|")).toMatchObject({
      typed: "dep",
      labels: ["department", "job_level", "any", "all"],
    });
    expect(at("when:\n  - any:\n      - job|")?.labels).toContain("job_level");
    expect(at("when:\n  - dep|")!.result.options[0]).toMatchObject({ apply: "department: " });
  });

  it("offers an attribute's known values, plain and in flow lists, quoting what YAML would misread", () => {
    expect(at("when:\n  - department: Sa|")).toMatchObject({
      typed: "Sa",
      labels: ["Sales", "Engineering", "Customer Success"],
    });
    expect(at("when:\n  - department: [Sales, Cu|")).toMatchObject({ typed: "Cu" });
    expect(at("when:\n  - department: { in: [Sales, E|")).toMatchObject({
      typed: "E",
      labels: expect.arrayContaining(["Engineering"]),
    });
    expect(at("when:\n  - department: Customer Su|")).toMatchObject({ typed: "Customer Su" });
  });

  it("offers operators inside braces before the colon", () => {
    expect(at("when:\n  - job_level: { m|")).toMatchObject({
      typed: "m",
      labels: expect.arrayContaining(["min", "max", "not_in"]),
    });
    expect(at("when:\n  - job_level: { min: L1, ma|")).toMatchObject({
      typed: "ma",
      labels: expect.arrayContaining(["max"]),
    });
    expect(at("when:\n  - job_level: { min: L|")).toMatchObject({ typed: "L", labels: ["L1", "L2"] });
  });

  it("offers policy names to inherit, inline and as list items", () => {
    expect(at("inherits: [base-employee-access, sa|")).toMatchObject({ typed: "sa", labels: vocabulary.policies });
    expect(at("inherits:\n  - ba|")).toMatchObject({ typed: "ba", labels: vocabulary.policies });
  });

  it("offers resources in grants, and the levels of the grant's own system", () => {
    expect(at("grants:\n  - resource: git|")).toMatchObject({
      typed: "git",
      labels: ["gitlab:group:customer-solutions", "slack:channel:#sales-team"],
    });
    expect(at("grants:\n  - slack:ch|")).toMatchObject({ typed: "slack:ch" });
    expect(at("grants:\n  - resource: gitlab:group:customer-solutions\n    level: re|")).toMatchObject({
      typed: "re",
      labels: ["guest", "reporter", "developer"],
    });
    expect(
      at("grants:\n  - resource: gitlab:group:x\n  - resource: slack:channel:#sales-team\n    level: |")?.labels,
    ).toEqual(["guest", "member"]);
    expect(at("grants:\n  - gitlab:group:customer-solutions (dev|")).toMatchObject({
      typed: "dev",
      labels: ["guest", "reporter", "developer"],
    });
    expect(at("grants:\n  - resource: gitlab:group:x\n    le|")?.labels).toEqual(["level", "resource"]);
  });

  it("stays quiet where nothing applies: comments, free text, an empty line unless asked", () => {
    expect(at("description: Who this is |")).toBeNull();
    expect(at("# a comm|")).toBeNull();
    expect(at("name: a\n|")).toBeNull();
    expect(at("name: a\n|", "policy", true)?.labels).toContain("when");
    expect(at("effect:|")).toBeNull();
    expect(at("effect: |")?.labels).toEqual(["allow", "deny"]);
  });
});

describe("completion in a fallback file", () => {
  it("offers its own fields, their fixed values, subjects as conditions, and namespaces", () => {
    expect(at("sc|", "fallback")?.labels).toContain("scope");
    expect(at("scope: n|", "fallback")?.labels).toEqual(["resource", "namespace", "global"]);
    expect(at("action: |", "fallback")?.labels).toEqual(["allow", "deny", "prompt-for-request"]);
    expect(at("subjects:\n  - department: S|", "fallback")?.labels).toContain("Sales");
    expect(at("namespace: gi|", "fallback")?.labels).toEqual(
      expect.arrayContaining(["gitlab", "gitlab:group", "slack:channel"]),
    );
    expect(at("resource: gitlab:group:x\nconstraints:\n  level: |", "fallback")?.labels).toEqual([
      "guest",
      "reporter",
      "developer",
    ]);
    expect(at("constraints:\n  time|", "fallback")?.labels).toContain("timeframe");
  });

  it("quotes a value that would start a YAML comment or flow", () => {
    const quoted = completeYaml(
      "fallback",
      { ...vocabulary, attributes: [{ name: "team", values: ["#ops", "a, b"] }] },
      "subjects:\n  - team: ",
      21,
      false,
    );
    expect(quoted!.options.map((o) => o.apply)).toEqual(['"#ops"', '"a, b"']);
  });
});
