import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintPolicies, loadPolicySet, parsePolicyFile } from "@/server/core/policy";
import { attributeAliases, identities } from "@/server/db/schema";
import { personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as } from "@/test/support/requests";
import type { PersonContext } from "../context";
import { loadCatalog, loadPolicyConfig, loadPolicyIdentities, policyEngine } from "../policies/engine";
import { draftPolicyFromPattern } from "./draft";
import { getGroupPattern, listPatternGroups } from "./patterns";
import { importSnapshot } from "./snapshot";

/**
 * Ten Migration Analysts (one spelled the way HR sometimes does, mapped by an alias) and a
 * snapshot where everyone holds one resource, nine hold another, six a third and one a fourth.
 */
const analysts = Array.from({ length: 10 }, (_, i) => `analyst${i + 1}`);
const name = (u: string) => `Analyst ${u.slice(7).padStart(2, "0")}`;

describe("access patterns and policy drafts (seed 001, phases 2 and 3)", () => {
  let t: TestDatabase;
  let ctx: PersonContext;

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = await as(t.db, personaEmails.it_admin);
    await t.db
      .insert(attributeAliases)
      .values({ attribute: "job_title", rawValue: "Mig. Analyst", canonicalValue: "Migration Analyst" });
    await t.db.insert(identities).values(
      analysts.map((u, i) => ({
        externalId: u,
        email: `${u}@company.com`,
        displayName: name(u),
        department: "Migration Office",
        jobTitle: i === 4 ? " mig. analyst " : "Migration Analyst",
        employmentStatus: "Active",
      })),
    );
    const rows = (resource: string, holders: string[], level: string) =>
      holders.map((u) => `${u},${resource},${level}`);
    const gitlab = [
      "username,resource,level",
      ...rows("group:customer-solutions", analysts, "reporter"),
      ...rows("group:finance", ["analyst3"], "developer"),
    ];
    const notion = ["username,resource,level", ...rows("space:technical-docs", analysts.slice(0, 9), "read")];
    const slack = [
      "username,resource,level",
      ...rows("channel:#engineering-general", analysts.slice(0, 6), "guest"),
      ...rows("workspace:company", analysts, "member"),
    ];
    await importSnapshot({ ctx, input: { systemKey: "gitlab", csv: gitlab.join("\n") } });
    await importSnapshot({ ctx, input: { systemKey: "notion", csv: notion.join("\n") } });
    await importSnapshot({ ctx, input: { systemKey: "slack", csv: slack.join("\n") } });
  });
  afterAll(() => t.close());

  it("lists each job title with access, counting what 100%, 90%+ and under half of it hold", async () => {
    const groups = await listPatternGroups({ ctx, input: { dimension: "job_title" } });
    expect(groups).toEqual([
      { group: "Migration Analyst", size: 10, inSnapshot: 10, resources: 5, heldByAll: 2, heldByMost: 1, outliers: 1 },
    ]);
    const departments = await listPatternGroups({ ctx, input: { dimension: "department" } });
    expect(departments).toEqual([
      { group: "Migration Office", size: 10, inSnapshot: 10, resources: 5, heldByAll: 2, heldByMost: 1, outliers: 1 },
    ]);
  });

  it("classifies each resource and names the people who lack common access and who hold outliers", async () => {
    const pattern = await getGroupPattern({ ctx, input: { dimension: "job_title", group: "migration analyst" } });
    expect(pattern).toMatchObject({ group: "Migration Analyst", size: 10 });
    const byResource = Object.fromEntries(pattern.resources.map((r) => [r.resource, r]));
    expect(byResource["gitlab:group:customer-solutions"]).toMatchObject({
      holders: 10,
      band: "all",
      level: "reporter",
      policyGives: 0,
      lacking: [],
      heldBy: [],
    });
    expect(byResource["notion:space:technical-docs"]).toMatchObject({
      holders: 9,
      band: "most",
      lacking: [{ name: "Analyst 10", username: "analyst10" }],
    });
    expect(byResource["slack:channel:#engineering-general"]).toMatchObject({
      holders: 6,
      band: "some",
      lacking: [],
      heldBy: [],
    });
    expect(byResource["gitlab:group:finance"]).toMatchObject({
      holders: 1,
      band: "outlier",
      level: "developer",
      heldBy: [{ name: "Analyst 03", username: "analyst3" }],
    });
    // Everyone Active gets the workspace from base-employee-access already.
    expect(byResource["slack:workspace:company"]).toMatchObject({ holders: 10, band: "all", policyGives: 10 });
    await expect(getGroupPattern({ ctx, input: { dimension: "job_title", group: "Astronaut" } })).rejects.toMatchObject(
      { code: "NOT_FOUND", field: "group" },
    );
  });

  it("drafts a policy of what 90%+ hold that policy does not already give, which parses and lints clean with the active set", async () => {
    const draft = await draftPolicyFromPattern({ ctx, input: { dimension: "job_title", group: "Migration Analyst" } });
    expect(draft.resources.sort()).toEqual(["gitlab:group:customer-solutions", "notion:space:technical-docs"]);
    expect(draft.name).toBe("migration-analyst-access");
    const parsed = parsePolicyFile(draft.path, draft.source);
    expect(parsed.problems).toEqual([]);
    expect(parsed.policies[0]).toMatchObject({
      name: "migration-analyst-access",
      when: [{ kind: "compare", attribute: "job_title", op: "equals", value: "Migration Analyst" }],
      grants: [
        { resource: "gitlab:group:customer-solutions", level: "reporter" },
        { resource: "notion:space:technical-docs", level: "read" },
      ],
    });
    const engine = await policyEngine(t.db);
    const set = loadPolicySet([...engine.files, { path: draft.path, source: draft.source }]);
    const [config, catalog, people] = await Promise.all([
      loadPolicyConfig(t.db),
      loadCatalog(t.db),
      loadPolicyIdentities(t.db),
    ]);
    const problems = [...set.problems, ...lintPolicies(set.policies, { config, catalog, identities: people })].filter(
      (p) => p.file === draft.path,
    );
    expect(problems).toEqual([]);
  });

  it("drafts the resources chosen, under a name the set does not use yet, and refuses one the group does not hold", async () => {
    const byDepartment = await draftPolicyFromPattern({
      ctx,
      input: { dimension: "department", group: "Migration Office", resources: ["gitlab:group:finance"] },
    });
    expect(byDepartment.name).toBe("migration-office-department-access");
    expect(byDepartment.source).toContain(
      "when:\n  - department: Migration Office\ngrants:\n  - resource: gitlab:group:finance\n    level: developer\n",
    );
    await expect(
      draftPolicyFromPattern({
        ctx,
        input: {
          dimension: "job_title",
          group: "Migration Analyst",
          resources: ["gitlab:group:customer-solutions", "aws:role:production-admin"],
        },
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "resources.1",
    });
    // Sarah is a Sales Engineer: the set already has sales-engineer-access.
    await importSnapshot({
      ctx,
      input: { systemKey: "okta", csv: "username,resource\nsarah.chen,group:engineering-team\n" },
    });
    const sales = await draftPolicyFromPattern({
      ctx,
      input: { dimension: "job_title", group: "Sales Engineer", resources: ["okta:group:engineering-team"] },
    });
    expect(sales.name).toBe("sales-engineer-access-2");
  });
});
