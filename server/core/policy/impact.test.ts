import { describe, expect, it } from "vitest";
import { demoConfig, demoPolicyFiles } from "@/test/support/policies";
import { compilePolicySet } from "./compile";
import { diffLines, diffPolicySets } from "./diff";
import { policyGraph, toMermaid } from "./graph";
import { previewImpact } from "./impact";
import { loadPolicySet } from "./policy-set";
import type { PolicyIdentity } from "./types";

const at = new Date("2026-11-22T12:00:00Z");
const files = demoPolicyFiles();
const compile = (fs: typeof files) => compilePolicySet(loadPolicySet(fs).policies, demoConfig());
const people: PolicyIdentity[] = [
  { id: "se", attributes: { department: "Sales", job_title: "Sales Engineer", employment_status: "Active" } },
  { id: "ae", attributes: { department: "Sales", job_title: "Account Executive", employment_status: "Active" } },
  { id: "fin", attributes: { department: "Finance", job_title: "Accountant", employment_status: "Active" } },
  { id: "gone", attributes: { department: "Sales", job_title: "Sales Engineer", employment_status: "Terminated" } },
];

describe("impact preview (seed 002, dry run)", () => {
  const edited = files.map((f) =>
    f.path === "sales-engineer-access.yaml"
      ? {
          ...f,
          source: f.source.replace(
            "  - resource: notion:space:sales-playbooks\n    level: read\n",
            "  - google:group:finance-reports@company.com\n",
          ),
        }
      : f,
  );

  it("says who gains and who loses which grant", () => {
    const preview = previewImpact(compile(files), compile(edited), people, at);
    expect(preview.people).toEqual([
      {
        identity: "se",
        delta: {
          added: [
            { resource: "google:group:finance-reports@company.com", level: null, via: ["sales-engineer-access"] },
          ],
          removed: [{ resource: "notion:space:sales-playbooks", level: "read", via: ["sales-engineer-access"] }],
          changed: [],
        },
      },
    ]);
    expect(preview).toMatchObject({ gains: 1, losses: 1, levelChanges: 0, evaluated: 4 });
  });

  it("with the changed policy named, only evaluates people it (or a policy inheriting it) reaches", () => {
    const preview = previewImpact(compile(files), compile(edited), people, at, {
      changedPolicies: ["sales-engineer-access"],
    });
    expect(preview.evaluated).toBe(1);
    expect(preview.people.map((p) => p.identity)).toEqual(["se"]);
  });
});

describe("diff", () => {
  it("diffs lines keeping the unchanged ones", () => {
    expect(diffLines("a\nb\nc\n", "a\nc\nd\n").map((o) => `${o.op}:${o.text}`)).toEqual([
      "same:a",
      "remove:b",
      "same:c",
      "add:d",
    ]);
  });

  it("lists added, removed and changed files of two versions of a set", () => {
    const before = [
      { path: "a.yaml", source: "name: a\n" },
      { path: "b.yaml", source: "name: b\n" },
    ];
    const after = [
      { path: "a.yaml", source: "name: a\ndescription: x\n" },
      { path: "c.yaml", source: "name: c\n" },
    ];
    expect(diffPolicySets(before, after).map((c) => [c.path, c.change])).toEqual([
      ["a.yaml", "changed"],
      ["b.yaml", "removed"],
      ["c.yaml", "added"],
    ]);
  });
});

describe("inheritance graph", () => {
  it("has an edge per inherits, the depth of each chain, and Mermaid with every policy", () => {
    const { policies } = loadPolicySet(files);
    const graph = policyGraph(policies);
    expect(graph.edges).toContainEqual({ from: "senior-sales-engineer-access", to: "sales-engineer-access" });
    expect(graph.nodes.find((n) => n.name === "senior-sales-engineer-access")!.depth).toBe(2);
    expect(graph.nodes.find((n) => n.name === "base-employee-access")!.depth).toBe(0);
    const mermaid = toMermaid(graph);
    expect(mermaid.startsWith("flowchart BT\n")).toBe(true);
    for (const p of policies) expect(mermaid).toContain(`"${p.name}`);
    expect(mermaid).toContain("classDef deny");
  });
});
