import { describe, expect, it } from "vitest";
import { emptyConfig } from "./types";
import { MAX_VALUES_PER_ATTRIBUTE, policyVocabulary } from "./vocabulary";

describe("policy vocabulary (what the editor completes)", () => {
  const config = { ...emptyConfig(), aliases: [{ attribute: "department", raw: "Eng", canonical: "Engineering" }] };
  const vocabulary = policyVocabulary({
    config,
    identities: [
      { id: "1", attributes: { department: "Sales", job_level: "L3", trainings: ["security", "gdpr"] } },
      { id: "2", attributes: { department: "Eng", job_level: "L12", trainings: ["security"] } },
      { id: "3", attributes: { department: "Engineering", location: null } },
    ],
    policies: ["sales-team-access", "base-employee-access", "sales-team-access"],
    resources: [{ key: "slack:channel:#sales-team", description: "Sales" }],
    systems: [{ key: "gitlab", accessLevels: ["guest", "reporter", "developer"] }],
  });
  const values = (name: string) => vocabulary.attributes.find((a) => a.name === name)?.values;

  it("names every attribute lint accepts, derived ones included", () => {
    expect(vocabulary.attributes.map((a) => a.name)).toEqual(
      expect.arrayContaining(["department", "trainings", "tenure_days"]),
    );
    expect(values("location")).toEqual([]);
  });

  it("offers canonical values, most common first, list attributes value by value", () => {
    expect(values("department")).toEqual(["Engineering", "Sales"]);
    expect(values("trainings")).toEqual(["security", "gdpr"]);
  });

  it("keeps a scale's order and adds values seen off the scale", () => {
    expect(values("job_level")).toEqual(["L1", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9", "L10", "L12"]);
  });

  it("lists policy names once, sorted, with resources and levels per system", () => {
    expect(vocabulary.policies).toEqual(["base-employee-access", "sales-team-access"]);
    expect(vocabulary.resources).toEqual([{ key: "slack:channel:#sales-team", description: "Sales" }]);
    expect(vocabulary.levels).toEqual({ gitlab: ["guest", "reporter", "developer"] });
  });

  it("caps the values of one attribute", () => {
    const many = Array.from({ length: MAX_VALUES_PER_ATTRIBUTE + 50 }, (_, i) => ({
      id: String(i),
      attributes: { manager: `m${i}@company.com` },
    }));
    const big = policyVocabulary({ config, identities: many, policies: [], resources: [], systems: [] });
    expect(big.attributes.find((a) => a.name === "manager")!.values).toHaveLength(MAX_VALUES_PER_ATTRIBUTE);
  });
});
