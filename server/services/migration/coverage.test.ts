import { and, count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectedAccess } from "@/server/db/schema";
import { identityIdByEmail, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import type { PersonContext } from "../context";
import { approvedException } from "@/test/support/exceptions";
import { ensureExpectedAccessFresh } from "../lifecycle/expected";
import { getCoverageReport, listMissingAccess, listUnexplainedAccess } from "./coverage";
import { importSnapshot } from "./snapshot";

const EXTRA = "slack:channel:#sales-leadership";

describe("policy coverage of the snapshot (seed 001, phase 4)", () => {
  let t: TestDatabase;
  let ctx: PersonContext;
  let sarahId: string;
  /** Sarah's expected gitlab and slack grants, as policy gives them */
  let sarahs: { resourceKey: string; systemKey: string; level: string | null }[];
  const clock = movableClock("2026-11-22T12:00:00Z");
  const csvOf = (rows: { resourceKey: string; level: string | null }[], username = "sarah.chen") =>
    ["username,resource,level", ...rows.map((r) => `${username},${r.resourceKey},${r.level ?? ""}`)].join("\n");

  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = await as(t.db, personaEmails.it_admin, clock);
    sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    await ensureExpectedAccessFresh(t.db, clock());
    sarahs = await t.db
      .select({
        resourceKey: expectedAccess.resourceKey,
        systemKey: expectedAccess.systemKey,
        level: expectedAccess.level,
      })
      .from(expectedAccess)
      .where(and(eq(expectedAccess.identityId, sarahId), inArray(expectedAccess.systemKey, ["gitlab", "slack"])));
  });
  afterAll(() => t.close());

  it("is empty before any snapshot", async () => {
    const report = await getCoverageReport({ ctx });
    expect(report.systems).toEqual([]);
    expect(report.overall).toMatchObject({ rows: 0, policyShare: null, missing: 0 });
  });

  it("exactly Sarah's expected access plus one extra resource: the extra is the only unexplained row, coverage n/(n+1)", async () => {
    const n = sarahs.length;
    expect(n).toBeGreaterThanOrEqual(4);
    await importSnapshot({
      ctx,
      input: { systemKey: "gitlab", csv: csvOf(sarahs.filter((s) => s.systemKey === "gitlab")) },
    });
    await importSnapshot({
      ctx,
      input: {
        systemKey: "slack",
        csv: csvOf([...sarahs.filter((s) => s.systemKey === "slack"), { resourceKey: EXTRA, level: "member" }]),
      },
    });

    const report = await getCoverageReport({ ctx });
    expect(report.overall).toMatchObject({ rows: n + 1, policy: n, exception: 0, unexplained: 1 });
    expect(report.overall.policyShare).toBeCloseTo(n / (n + 1), 10);
    expect(report.systems.map((s) => [s.systemKey, s.rows, s.policy, s.unexplained])).toEqual([
      [
        "gitlab",
        sarahs.filter((s) => s.systemKey === "gitlab").length,
        sarahs.filter((s) => s.systemKey === "gitlab").length,
        0,
      ],
      [
        "slack",
        sarahs.filter((s) => s.systemKey === "slack").length + 1,
        sarahs.filter((s) => s.systemKey === "slack").length,
        1,
      ],
    ]);
    expect(report.resourcesWithoutPolicy).toEqual([]);

    const unexplained = await listUnexplainedAccess({ ctx, input: { page: 1, pageSize: 25 } });
    expect(unexplained).toEqual({
      total: 1,
      rows: [
        expect.objectContaining({
          systemKey: "slack",
          username: "sarah.chen",
          resource: EXTRA,
          level: "member",
          personId: sarahId,
          why: "Not in any policy that applies to Sarah Chen, and no active exception covers it",
        }),
      ],
    });
  });

  it("the reverse: grants policy expects on the imported systems that the snapshot lacks, never Sarah's", async () => {
    const [expected] = await t.db
      .select({ n: count() })
      .from(expectedAccess)
      .where(inArray(expectedAccess.systemKey, ["gitlab", "slack"]));
    const report = await getCoverageReport({ ctx });
    expect(report.overall.missing).toBe(expected!.n - sarahs.length);
    const missing = await listMissingAccess({ ctx, input: { page: 1, pageSize: 200, systemKey: "gitlab" } });
    expect(missing.total).toBe(report.systems.find((s) => s.systemKey === "gitlab")!.missing);
    expect(missing.rows.every((r) => r.systemKey === "gitlab" && r.username !== "sarah.chen")).toBe(true);
    expect(missing.rows[0]!.why).toMatch(/ grants it/);
    // Nothing expected on a system without a snapshot counts as missing.
    expect(report.systems.map((s) => s.systemKey)).not.toContain("salesforce");
  });

  it("an active exception covers the extra; once it has expired it no longer does, even before anything ends it", async () => {
    await approvedException(
      t.db,
      {
        identityId: sarahId,
        resource: EXTRA,
        level: "member",
        type: "project",
        justification: "Helps sales leadership with the Q4 forecast",
        approverEmail: "john.doe@company.com",
        expiresAt: new Date("2026-12-01T00:00:00Z"),
      },
      { clock },
    );
    const covered = await getCoverageReport({ ctx });
    expect(covered.overall).toMatchObject({ policy: sarahs.length, exception: 1, unexplained: 0 });
    expect((await listUnexplainedAccess({ ctx, input: { page: 1, pageSize: 25 } })).total).toBe(0);

    clock.set("2026-12-02T00:00:00Z");
    const expired = await getCoverageReport({ ctx });
    expect(expired.overall).toMatchObject({ exception: 0, unexplained: 1 });
  });

  it("explains accounts nobody in HR has and people who are not Active, and pages through the list", async () => {
    await importSnapshot({
      ctx,
      input: {
        systemKey: "gitlab",
        csv:
          csvOf([{ resourceKey: "gitlab:group:platform-engineering", level: "developer" }], "tom.becker") +
          "\nghost.account,gitlab:group:finance,developer\n",
      },
    });
    const first = await listUnexplainedAccess({ ctx, input: { page: 1, pageSize: 2 } });
    const second = await listUnexplainedAccess({ ctx, input: { page: 2, pageSize: 2 } });
    expect(first.total).toBe(3);
    expect([...first.rows, ...second.rows].map((r) => [r.username, r.why])).toEqual([
      ["ghost.account", "No identity has the account name ghost.account: an account nobody in HR owns"],
      ["tom.becker", "Tom Becker is Terminated: nobody who is not Active keeps access"],
      ["sarah.chen", "Not in any policy that applies to Sarah Chen, and no active exception covers it"],
    ]);
    const gitlabOnly = await listUnexplainedAccess({ ctx, input: { page: 1, pageSize: 25, systemKey: "gitlab" } });
    expect(gitlabOnly.total).toBe(2);
    const report = await getCoverageReport({ ctx });
    expect(report.systems.find((s) => s.systemKey === "gitlab")).toMatchObject({
      rows: 2,
      policy: 0,
      unmatchedAccounts: 1,
      policyShare: 0,
    });
  });
});
