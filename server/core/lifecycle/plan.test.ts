import { describe, expect, it } from "vitest";
import { DEFAULT_GRACE_DAYS, describeChanges, graceDaysFor, planAccessChange } from "./plan";

const now = new Date("2026-05-24T11:00:00Z");
const g = (resource: string, level: string | null = null, via = ["p"]) => ({ resource, level, via });
const base = {
  activeAfter: true,
  changed: ["job_title"],
  graceDaysOf: () => 30,
  heldByException: new Set<string>(),
  now,
};
const show = (steps: ReturnType<typeof planAccessChange>["steps"]) =>
  steps.map((s) => `${s.action} ${s.resource}${s.level ? `@${s.level}` : ""}${s.graceDays ? ` +${s.graceDays}d` : ""}`);

describe("planAccessChange", () => {
  it("a joiner gets every grant at once", () => {
    const plan = planAccessChange({ ...base, before: null, after: [g("a:x:1"), g("b:y:2", "read")] });
    expect(plan.kind).toBe("joiner");
    expect(show(plan.steps)).toEqual(["grant a:x:1", "grant b:y:2@read"]);
    expect(plan.steps.every((s) => s.dueAt.getTime() === now.getTime())).toBe(true);
  });

  it("a mover gains and changes levels at once, and loses after each resource's grace period", () => {
    const plan = planAccessChange({
      ...base,
      changed: ["department", "job_title"],
      graceDaysOf: (r) => (r === "slack:channel:#sales-team" ? 0 : 30),
      before: [
        g("gitlab:group:cs", "reporter"),
        g("salesforce:license:user"),
        g("slack:channel:#sales-team", "member"),
      ],
      after: [g("github:org:eng", "read"), g("gitlab:group:cs", "developer")],
    });
    expect(plan.kind).toBe("mover");
    expect(show(plan.steps)).toEqual([
      "grant github:org:eng@read",
      "change_level gitlab:group:cs@developer",
      "revoke slack:channel:#sales-team@member",
      "revoke salesforce:license:user +30d",
    ]);
    const later = plan.steps.find((s) => s.resource === "salesforce:license:user")!;
    expect(later.dueAt).toEqual(new Date("2026-06-23T11:00:00Z"));
    expect(plan.steps.find((s) => s.action === "change_level")).toMatchObject({
      previousLevel: "reporter",
      level: "developer",
    });
  });

  it("a leaver loses everything at once; a resource held by exception is left to the exception (not for a leaver)", () => {
    const leaver = planAccessChange({ ...base, activeAfter: false, before: [g("a:x:1"), g("b:y:2")], after: [] });
    expect(leaver.kind).toBe("leaver");
    expect(show(leaver.steps)).toEqual(["revoke a:x:1", "revoke b:y:2"]);
    const mover = planAccessChange({
      ...base,
      heldByException: new Set(["a:x:1"]),
      before: [g("a:x:1"), g("b:y:2")],
      after: [],
    });
    expect(show(mover.steps)).toEqual(["revoke b:y:2 +30d"]);
  });

  it("a change of something other than the role is a 'change'", () => {
    expect(planAccessChange({ ...base, changed: ["trainings"], before: [], after: [g("a:x:1")] }).kind).toBe("change");
  });
});

describe("graceDaysFor", () => {
  it("takes the resource's, else the system's, else the default", () => {
    const settings = {
      resources: new Map([
        ["slack:channel:#sales-team", 0],
        ["slack:channel:#x", null],
      ]),
      systems: new Map([
        ["slack", 14],
        ["github", null],
      ]),
    };
    expect(graceDaysFor("slack:channel:#sales-team", settings)).toBe(0);
    expect(graceDaysFor("slack:channel:#x", settings)).toBe(14);
    expect(graceDaysFor("github:org:eng", settings)).toBe(DEFAULT_GRACE_DAYS);
  });
});

describe("describeChanges", () => {
  it("says what changed in one line", () => {
    expect(
      describeChanges({
        job_title: { from: "Sales Engineer", to: "Solutions Architect" },
        department: { from: "Sales", to: "Engineering" },
      }),
    ).toBe("Job title Sales Engineer → Solutions Architect; Department Sales → Engineering");
    expect(describeChanges({ trainings: { from: [], to: ["security-101"] } })).toBe("Trainings (none) → security-101");
  });
});
