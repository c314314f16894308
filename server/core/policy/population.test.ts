import { describe, expect, it } from "vitest";
import { demoConfig, demoPolicyFiles } from "@/test/support/policies";
import { compilePolicySet } from "./compile";
import { evaluateAll, evaluateIdentity } from "./evaluate";
import { explainAccess } from "./explain";
import { diffGrants, isEmptyDelta, previewImpact } from "./impact";
import { POPULATION_BLOCK } from "./population";
import { evaluatePopulation } from "./population-resolve";
import { loadPolicySet } from "./policy-set";
import type { PolicyIdentity } from "./types";

/** Two evaluators, one semantics: the population path (bitsets) must give what one-by-one gives. */
const extra = `name: mixed-conditions
priority: 5
inherits: [sales-team-access]
when:
  - location: { not_in: [Bangalore, London] }
  - trainings: { includes: [data-handling] }
  - job_level: { min: L3, max: L6 }
  - any:
      - job_title: { contains: engineer }
      - all:
          - department: Finance
          - tenure_days: { min: 365 }
grants:
  - resource: gitlab:group:customer-solutions
    level: maintainer
  - postgres:role:prod_ro
---
name: deny-leave-takers
effect: deny
when:
  - team: { in: [Payments, Mobile] }
  - employment_type: { not_in: [FTE] }
grants: [gitlab:group:customer-solutions]
`;

function rng(seed: number) {
  let a = seed;
  return () => (a = (a * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
}

function people(n: number): PolicyIdentity[] {
  const r = rng(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    attributes: {
      department: pick(["Sales", "Engineering", "Eng", "Finance", "Support", "IT", null]),
      job_title: pick([
        "Sales Engineer",
        "Senior Sales Engineer",
        "Solutions Architect",
        "Software Engineer",
        "Accountant",
        "DBA",
        null,
      ]),
      team: pick(["Enterprise", "Platform", "SRE", "Payments", "Mobile", null]),
      location: pick(["San Francisco", "SF", "London", "Bangalore", "Bengaluru", "Berlin", null]),
      employment_type: pick(["FTE", "Contractor", "Full-time", "Intern", null]),
      employment_status: pick(["Active", "Active", "Active", "Terminated", "Leave"]),
      job_level: pick(["L1", "L2", "L3", "L4", "L5", "L6", "L7", "Senior", null]),
      hire_date: pick(["2020-01-01", "2026-08-24", "2026-08-25", "2025-11-22", null]),
      trainings: r() < 0.2 ? null : ["security-101", "data-handling", "prod-db-access"].filter(() => r() < 0.5),
    },
  }));
}

describe("population evaluation", () => {
  const files = [...demoPolicyFiles(), { path: "zz-extra.yaml", source: extra }];
  const set = compilePolicySet(loadPolicySet(files).policies, demoConfig());
  const at = new Date("2026-11-22T12:00:00Z");
  const population = people(3000);

  it("gives everyone exactly what evaluating them one by one gives", () => {
    const all = evaluateAll(set, population, at);
    for (const person of population) expect(all.get(person.id), person.id).toEqual(evaluateIdentity(set, person, at));
    expect([...all.values()].some((g) => g.some((x) => x.level === "maintainer"))).toBe(true);
  });

  it("gives people with more grants than a row holds all of them, in order, and the same as one by one", () => {
    // 100 resources from one policy and 30 from another, some shared at other levels and
    // priorities: more than the 64 places the population sweep keeps per person before it overflows.
    const wide = [
      `name: wide-engineering\n` +
        `priority: 1\n` +
        `when:\n` +
        `  - department: Engineering\n` +
        `grants:\n` +
        Array.from(
          { length: 100 },
          (_, i) =>
            `  - resource: gitlab:group:wide-${String(i).padStart(3, "0")}\n` +
            `    level: ${i % 2 ? "developer" : "reporter"}\n`,
        ).join(""),
      `name: wide-platform\n` +
        `priority: 2\n` +
        `when:\n` +
        `  - team: Platform\n` +
        `grants:\n` +
        Array.from(
          { length: 30 },
          (_, i) => `  - resource: gitlab:group:wide-${String(i * 3).padStart(3, "0")}\n    level: reporter\n`,
        ).join(""),
    ].join("---\n");
    const wideSet = compilePolicySet(
      loadPolicySet([...files, { path: "zz-wide.yaml", source: wide }]).policies,
      demoConfig(),
    );
    const all = evaluateAll(wideSet, population, at);
    const counts = population.map((person) => all.get(person.id)!.length);
    expect(Math.max(...counts)).toBeGreaterThan(64);
    for (const person of population)
      expect(all.get(person.id), person.id).toEqual(evaluateIdentity(wideSet, person, at));
  });

  it("evaluates a population larger than one block, block by block, with the same results in the same order", () => {
    const many = people(POPULATION_BLOCK * 2 + 77);
    const results = evaluatePopulation(set, many, at);
    expect(results.size).toBe(many.length);
    const wrong = many.filter(
      (person, i) => JSON.stringify(results.at(i)) !== JSON.stringify(evaluateIdentity(set, person, at)),
    );
    expect(wrong.map((p) => p.id)).toEqual([]);
  });

  it("previews an edit the same way whether or not it is told which policy changed", () => {
    const edited = compilePolicySet(
      loadPolicySet(
        files.map((f) => (f.path === "zz-extra.yaml" ? { ...f, source: f.source.replace("max: L6", "max: L5") } : f)),
      ).policies,
      demoConfig(),
    );
    const full = previewImpact(set, edited, population, at);
    const narrowed = previewImpact(set, edited, population, at, { changedPolicies: ["mixed-conditions"] });
    expect(narrowed.people).toEqual(full.people);
    expect(narrowed.people.length).toBeGreaterThan(0);
    expect(narrowed.evaluated).toBeLessThan(full.evaluated);
  });

  it("previews the same whether the people an edit reaches are few (one by one) or many (the whole block)", () => {
    // mixed-conditions reaches few people: they are evaluated one by one. The department edit
    // reaches a third of everyone: the block is evaluated through its bitsets.
    const few = files.map((f) =>
      f.path === "zz-extra.yaml" ? { ...f, source: f.source.replace("max: L6", "max: L5") } : f,
    );
    const many = files.map((f) => ({
      ...f,
      source: f.source.replace("  - department: Engineering\n", "  - department: { in: [Engineering, Sales] }\n"),
    }));
    expect(many.some((f, i) => f.source !== files[i]!.source)).toBe(true);
    for (const [edited, changed, oneByOne] of [
      [few, ["mixed-conditions"], true],
      [
        many,
        loadPolicySet(many)
          .policies.filter((p) => JSON.stringify(p.when).includes("Sales"))
          .map((p) => p.name),
        false,
      ],
    ] as const) {
      const after = compilePolicySet(loadPolicySet(edited).policies, demoConfig());
      const narrowed = previewImpact(set, after, population, at, { changedPolicies: changed });
      // one by one below an eighth of the block (impact.ts)
      expect(narrowed.evaluated * 8 < population.length).toBe(oneByOne);
      const expected = population.flatMap((person) => {
        const delta = diffGrants(evaluateIdentity(set, person, at), evaluateIdentity(after, person, at));
        return isEmptyDelta(delta) ? [] : [{ identity: person.id, delta }];
      });
      expect(narrowed.people).toEqual(expected);
      expect(narrowed.changedPeople).toBe(expected.length);
    }
  });

  it("keeps the counts of everyone but the changes of only the first `limit` people", () => {
    const edited = compilePolicySet(
      loadPolicySet(files.map((f) => ({ ...f, source: f.source.replace("max: L6", "max: L5") }))).policies,
      demoConfig(),
    );
    const all = previewImpact(set, edited, population, at);
    const limited = previewImpact(set, edited, population, at, { limit: 2 });
    expect(all.changedPeople).toBeGreaterThan(2);
    expect(limited.people).toEqual(all.people.slice(0, 2));
    expect({ ...limited, people: [] }).toEqual({ ...all, people: [] });
  });
});

describe("comparing two evaluations", () => {
  it("names exactly the people whose grants or levels differ, looked up by id", () => {
    const files = [...demoPolicyFiles(), { path: "zz-extra.yaml", source: extra }];
    const at = new Date("2026-11-22T12:00:00Z");
    const population = people(2000);
    const before = compilePolicySet(loadPolicySet(files).policies, demoConfig());
    const after = compilePolicySet(
      loadPolicySet(
        files.map((f) =>
          f.path === "zz-extra.yaml"
            ? { ...f, source: f.source.replace("level: maintainer", "level: developer").replace("max: L6", "max: L4") }
            : f,
        ),
      ).policies,
      demoConfig(),
    );
    const stored = evaluateAll(before, population, at);
    // Some of the people, in another order, as after an edit that reaches only them.
    const some = population.filter((_, i) => i % 3 !== 0).reverse();
    const changed = evaluateAll(after, some, at).changedFrom(stored);
    const expected = some
      .filter((p) => !isEmptyDelta(diffGrants(evaluateIdentity(before, p, at), evaluateIdentity(after, p, at))))
      .map((p) => p.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(changed).toEqual(expected);
    // Someone the stored evaluation does not hold had nothing.
    const newcomer = { id: "new", attributes: { ...population.find((p) => stored.get(p.id)!.length > 0)!.attributes } };
    expect(evaluateAll(before, [newcomer], at).changedFrom(stored)).toEqual(["new"]);
  });
});

describe("edge cases on which both paths agree", () => {
  const at = new Date("2026-11-22T12:00:00Z");
  const compile = (source: string) =>
    compilePolicySet(loadPolicySet([{ path: "p.yaml", source }]).policies, demoConfig());
  const person = (id: string, attributes: PolicyIdentity["attributes"]): PolicyIdentity => ({
    id,
    attributes: { employment_status: "Active", ...attributes },
  });
  const bothPaths = (set: ReturnType<typeof compile>, people: PolicyIdentity[]) => {
    const all = evaluateAll(set, people, at);
    return people.map((p) => {
      expect(all.get(p.id), p.id).toEqual(evaluateIdentity(set, p, at));
      return all.get(p.id)!.map((g) => g.resource);
    });
  };

  it("two policies with one name (a lint error a draft may still have) each keep their own grants", () => {
    const set = compile("name: d\ngrants: [okta:group:x]\n---\nname: d\ngrants: [okta:group:y]\n");
    expect(bothPaths(set, [person("a", {})])).toEqual([["okta:group:x", "okta:group:y"]]);
  });

  it("tenure_days is a number, never text: not_in does not hold for it on either path", () => {
    const set = compile("name: t\nwhen:\n  - tenure_days: { not_in: [5] }\ngrants: [okta:group:t]\n");
    expect(bothPaths(set, [person("a", { hire_date: "2020-01-01" })])).toEqual([[]]);
  });

  it("a scale bound holds for one value on the scale, not for a list holding one", () => {
    const set = compile(
      "name: a\n" +
        "when:\n" +
        "  - job_level: { min: L4 }\n" +
        "grants: [okta:group:a]\n" +
        "---\n" +
        "name: b\n" +
        "when:\n" +
        "  - department: Eng\n" +
        "  - job_level: { min: L4 }\n" +
        "grants: [okta:group:b]\n",
    );
    expect(
      bothPaths(set, [
        person("list", { department: "Eng", job_level: ["L5"] }),
        person("one", { department: "Eng", job_level: "L5" }),
      ]),
    ).toEqual([[], ["okta:group:a", "okta:group:b"]]);
    expect(
      explainAccess(set, person("list", { department: "Eng", job_level: ["L5"] }), "okta:group:a", at).granted,
    ).toBeNull();
  });

  it("priorities beyond 32 bits rank as written, in evaluation and in explain", () => {
    const set = compile(
      "name: big\npriority: 3000000000\ngrants: [okta:group:x]\n---\nname: small\npriority: 1\ngrants: [okta:group:x]\n",
    );
    const a = person("a", {});
    expect(bothPaths(set, [a])).toEqual([["okta:group:x"]]);
    expect(evaluateIdentity(set, a, at)[0]!.via).toEqual(["big"]);
    expect(explainAccess(set, a, "okta:group:x", at).granted!.via).toEqual(["big"]);
  });

  it("previews a hire_date condition that only the new version has", () => {
    const before = compile("name: e\nwhen:\n  - department: Engineering\ngrants: [okta:group:e]\n");
    const after = compile(
      'name: e\nwhen:\n  - department: Engineering\n  - hire_date: "2020-01-01"\ngrants: [okta:group:e]\n',
    );
    const people = Array.from({ length: 40 }, (_, i) =>
      person(`p${i}`, { department: "Engineering", hire_date: i % 2 ? "2020-01-01" : "2021-06-01" }),
    );
    for (const options of [{}, { changedPolicies: ["e"] }]) {
      const preview = previewImpact(before, after, people, at, options);
      expect(preview.changedPeople).toBe(20);
      expect(preview.people.map((p) => p.identity)).toEqual(people.filter((_, i) => i % 2 === 0).map((p) => p.id));
    }
  });
});
