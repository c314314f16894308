import { describe, expect, it } from "vitest";
import { diffAttributes } from "./attributes";
import { isActiveStatus } from "./status";

describe("attribute changes", () => {
  it("lists only attributes that changed, and ignores the order of trainings", () => {
    const changes = diffAttributes(
      { job_title: "Sales Engineer", department: "Sales", trainings: ["a", "b"] },
      { job_title: "Senior Sales Engineer", department: "Sales", trainings: ["b", "a"] },
    );
    expect(changes).toEqual([
      { attribute: "job_title", oldValue: "Sales Engineer", newValue: "Senior Sales Engineer" },
    ]);
  });

  it("treats a missing value as null and a new training as a change", () => {
    expect(diffAttributes({}, { team: "Enterprise", trainings: ["a"] }).map((c) => c.attribute)).toEqual([
      "team",
      "trainings",
    ]);
    expect(diffAttributes({ team: null }, { team: null })).toEqual([]);
  });
});

describe("active status", () => {
  it.each([
    ["Active", true],
    [" active ", true],
    ["ACTIVE", true],
    ["Terminated", false],
    ["Leave", false],
    [null, false],
    ["", false],
  ])("%j is active: %s", (status, expected) => expect(isActiveStatus(status)).toBe(expected));
});
