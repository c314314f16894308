import { describe, expect, it } from "vitest";
import { demoConfig, demoPolicyFiles } from "@/test/support/policies";
import { compilePolicySet } from "./compile";
import { evaluateIdentity } from "./evaluate";
import { explainAccess } from "./explain";
import { previewImpact } from "./impact";
import { lintPolicies } from "./lint";
import { parsePolicyFile } from "./parse";
import { loadPolicySet } from "./policy-set";
import type { PolicyIdentity } from "./types";

/**
 * A person's directory groups (SCIM /Groups, issue 16) are a list attribute like trainings:
 * `groups: { includes: [...] }` in the policy language, with lint, explain and impact.
 */
const at = new Date("2026-11-22T12:00:00Z");
const oncall = `name: platform-oncall-access
description: Paging and production read for whoever is on call
when:
  - groups: { includes: [platform-oncall] }
grants:
  - okta:group:sales-team
`;
const person = (id: string, groups: string[]): PolicyIdentity => ({
  id,
  attributes: { employment_status: "Active", department: "Engineering", groups },
});
const compiled = (extra: string) => {
  const loaded = loadPolicySet([...demoPolicyFiles(), { path: "platform-oncall-access.yaml", source: extra }]);
  expect(loaded.problems).toEqual([]);
  return { policies: loaded.policies, set: compilePolicySet(loaded.policies, demoConfig()) };
};

describe("groups in policies", () => {
  it("grants to members of the group, in any case, and to nobody else", () => {
    const { set } = compiled(oncall);
    const has = (p: PolicyIdentity) =>
      evaluateIdentity(set, p, at).some((g) => g.via.includes("platform-oncall-access"));
    expect(has(person("ana", ["Platform-OnCall", "engineering-all"]))).toBe(true);
    expect(has(person("ben", ["engineering-all"]))).toBe(false);
    expect(has(person("cy", []))).toBe(false);
  });

  it("lint knows groups as an attribute, and warns of a group nobody is in", () => {
    const { policies } = parsePolicyFile("platform-oncall-access.yaml", oncall);
    const identities = [person("ana", ["engineering-all"])];
    const problems = lintPolicies(policies, { config: demoConfig(), identities });
    expect(problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(problems.map((p) => p.code)).toContain("value-nobody-has");
    expect(
      lintPolicies(policies, { config: demoConfig(), identities: [person("ana", ["platform-oncall"])] }).map(
        (p) => p.code,
      ),
    ).not.toContain("value-nobody-has");
  });

  it("explain names the group condition a non-member fails, with their groups", () => {
    const { set } = compiled(oncall);
    const e = explainAccess(set, person("ben", ["engineering-all"]), "okta:group:sales-team", at);
    const source = e.sources.find((s) => s.via[0] === "platform-oncall-access")!;
    expect(source.failed).toMatchObject({ attribute: "groups", requirement: "groups includes [platform-oncall]" });
    expect(source.failed!.actual).toEqual(["engineering-all"]);
  });

  it("the impact preview of the policy counts the group's members", () => {
    const before = compiled(
      "name: platform-oncall-access\nwhen:\n  - department: Nowhere\ngrants: [okta:group:sales-team]\n",
    );
    const after = compiled(oncall);
    const people = [person("ana", ["platform-oncall"]), person("ben", ["engineering-all"])];
    const impact = previewImpact(before.set, after.set, people, at);
    expect(impact.people.map((p) => [p.identity, p.delta.added.map((g) => g.resource)])).toEqual([
      ["ana", ["okta:group:sales-team"]],
    ]);
  });
});
