import { describe, expect, it } from "vitest";
import { parseCsv } from "../csv";
import { parsePolicyFile } from "../policy";
import { coverageShares, percentText } from "./coverage";
import { draftPolicy, draftPolicyName } from "./draft-policy";
import { defaultDraftResources, patternBand } from "./patterns";
import { readSnapshotFile } from "./snapshot-file";

describe("migration helpers", () => {
  it("bands shares: 100%, 90% and up, under half, the rest", () => {
    expect([
      patternBand(23, 23),
      patternBand(21, 23),
      patternBand(20, 23),
      patternBand(12, 23),
      patternBand(11, 23),
      patternBand(1, 1),
    ]).toEqual(["all", "most", "some", "some", "outlier", "all"]);
    expect(
      defaultDraftResources(
        [
          { resource: "a", holders: 10, policyGives: 10 },
          { resource: "b", holders: 9, policyGives: 3 },
          { resource: "c", holders: 8, policyGives: 0 },
        ],
        10,
      ),
    ).toEqual(["b"]);
  });

  it("never rounds unexplained access up to 100%, nor a little of it down to 0%", () => {
    expect(percentText(999 / 1000)).toBe("99%");
    expect(percentText(1 / 1000)).toBe("<1%");
    expect(percentText(null)).toBe("—");
    expect(coverageShares({ rows: 6, policy: 5, exception: 0 })).toMatchObject({ unexplained: 1, policyShare: 5 / 6 });
  });

  it("names drafts in kebab-case, after the names already taken, and quotes YAML that needs it", () => {
    expect(draftPolicyName("job_title", "Sr. Sales Engineer (EMEA)", new Set())).toBe("sr-sales-engineer-emea-access");
    expect(
      draftPolicyName("job_title", "Sales Engineer", new Set(["sales-engineer-access", "sales-engineer-access-2"])),
    ).toBe("sales-engineer-access-3");
    const { source } = draftPolicy({
      dimension: "department",
      value: "R&D: Labs",
      groupSize: 4,
      grants: [
        { resource: "google:group:r&d: labs@company.com", level: "owner", holders: 4 },
        { resource: "okta:group:labs", level: "superuser", holders: 4 },
      ],
      systemLevels: { google: ["member", "manager", "owner"], okta: ["member"] },
      takenNames: new Set(),
    });
    const parsed = parsePolicyFile("d.yaml", source);
    expect(parsed.problems).toEqual([]);
    expect(parsed.policies[0]).toMatchObject({
      name: "r-d-labs-department-access",
      when: [{ attribute: "department", value: "R&D: Labs" }],
      // A level the system does not have is left out rather than failing lint.
      grants: [
        { resource: "google:group:r&d: labs@company.com", level: "owner" },
        { resource: "okta:group:labs", level: null },
      ],
    });
  });

  it("asks for type:name when a bare resource name is ambiguous in the system", () => {
    const system = { key: "google", levels: ["member"], resources: ["google:group:sales", "google:drive:sales"] };
    const file = readSnapshotFile(parseCsv("username,resource\nsarah.chen,sales\n"), system, new Set(["google"]));
    expect(file.problems).toEqual([
      {
        row: 2,
        column: "resource",
        message: '"sales" names 2 google resources (google:group:sales, google:drive:sales): write type:name',
      },
    ]);
  });
});
