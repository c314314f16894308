import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, policySetVersions } from "@/server/db/schema";
import { actorFor, identityIdByEmail, personaEmails, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import type { ServiceContext } from "../context";
import {
  activeVersion,
  decidePolicyChange,
  expectedAccessOf,
  exportPolicyFiles,
  getPolicyFile,
  getPolicyVersion,
  importPolicyFiles,
  lintPolicyDraft,
  listPolicies,
  previewPolicyDraft,
  restorePolicyVersion,
  savePolicyChange,
  setPolicySettings,
  whatIfAttributes,
  explainPersonAccess,
} from "./index";

describe("policies in the database", () => {
  let t: TestDatabase;
  let priya: ServiceContext;
  let omar: ServiceContext;
  let sarahId: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    priya = serviceContext(t.db, await actorFor(t.db, personaEmails.it_admin));
    omar = serviceContext(t.db, await actorFor(t.db, "omar.haddad@company.com"));
    sarahId = await identityIdByEmail(t.db, personaEmails.employee);
  });
  afterAll(() => t.close());

  const salesEngineerFile = async () =>
    (await getPolicyFile({ ctx: priya, input: { path: "sales-engineer-access.yaml" } })).source;
  const withFinanceReports = (source: string) =>
    source.replace("grants:\n", "grants:\n  - google:group:finance-reports@company.com\n");

  it("starts with the demo policies active, and counts who each matches", async () => {
    const list = await listPolicies({ ctx: priya });
    expect(list.versionId).toBe(1);
    expect(list.problems).toEqual([]);
    const se = list.policies.find((p) => p.name === "sales-engineer-access")!;
    expect(se).toMatchObject({
      effect: "allow",
      inherits: ["base-employee-access", "sales-team-access"],
      ownGrants: 6,
    });
    expect(se.peopleMatched).toBeGreaterThan(5);
    expect(list.policies.find((p) => p.name === "base-employee-access")!.peopleMatched).toBeGreaterThan(250);
  });

  it("gives Sarah her expected access with a reason for each grant", async () => {
    const access = await expectedAccessOf({ ctx: priya, input: { identityId: sarahId } });
    expect(access.grants.find((g) => g.resource === "salesforce:license:user")?.via).toEqual(["sales-team-access"]);
    expect(access.matchedPolicies).toEqual(["base-employee-access", "sales-engineer-access", "sales-team-access"]);
  });

  it("lints a draft at its line and refuses to save it with the error named", async () => {
    const broken = (await salesEngineerFile()).replace("job_title: Sales Engineer", "job_titel: Sales Engineer");
    const problems = await lintPolicyDraft({
      ctx: priya,
      input: { changes: [{ path: "sales-engineer-access.yaml", source: broken }] },
    });
    expect(problems[0]).toMatchObject({
      file: "sales-engineer-access.yaml",
      line: 5,
      code: "unknown-attribute",
      severity: "error",
    });
    await expect(
      savePolicyChange({
        ctx: priya,
        input: { baseVersionId: 1, changes: [{ path: "sales-engineer-access.yaml", source: broken }], message: "typo" },
      }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "sales-engineer-access.yaml",
      message: expect.stringContaining("sales-engineer-access.yaml:5"),
    });
    expect((await activeVersion(t.db))!.id).toBe(1);
  });

  it("previews the impact with people named, then saves a new version with an audit event", async () => {
    const source = withFinanceReports(await salesEngineerFile());
    const preview = await previewPolicyDraft({
      ctx: priya,
      input: { changes: [{ path: "sales-engineer-access.yaml", source }], limit: 50 },
    });
    expect(preview.gains).toBe(preview.affectedPeople);
    expect(preview.people.find((p) => p.email === personaEmails.employee)?.delta.added.map((g) => g.resource)).toEqual([
      "google:group:finance-reports@company.com",
    ]);
    const saved = await savePolicyChange({
      ctx: priya,
      input: {
        baseVersionId: 1,
        changes: [{ path: "sales-engineer-access.yaml", source }],
        message: "Sales engineers see finance reports",
      },
    });
    expect(saved).toMatchObject({ id: 2, status: "active", authorLabel: personaEmails.it_admin });
    expect(saved.summary).toMatchObject({
      files: [{ path: "sales-engineer-access.yaml", change: "changed" }],
      impact: { gains: preview.gains },
    });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "policy.change_saved"), eq(auditEvents.subjectId, "2")));
    expect(event).toMatchObject({ actorLabel: personaEmails.it_admin, reason: "Sales engineers see finance reports" });
    expect(
      (await expectedAccessOf({ ctx: priya, input: { identityId: sarahId } })).grants.map((g) => g.resource),
    ).toContain("google:group:finance-reports@company.com");
  });

  it("refuses a save based on a version that is no longer active", async () => {
    await expect(
      savePolicyChange({
        ctx: omar,
        input: {
          baseVersionId: 1,
          changes: [{ path: "x.yaml", source: "name: x\ngrants: [google:account:workspace]\n" }],
          message: "late",
        },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "baseVersionId" });
  });

  it("diffs two versions and restores an earlier one as a new version", async () => {
    const v2 = await getPolicyVersion({ ctx: priya, input: { versionId: 2 } });
    expect(v2.against).toBe(1);
    expect(v2.diff.map((d) => [d.path, d.change])).toEqual([["sales-engineer-access.yaml", "changed"]]);
    expect(v2.diff[0]!.lines.filter((l) => l.op === "add").map((l) => l.text)).toEqual([
      "  - google:group:finance-reports@company.com",
    ]);
    const restored = await restorePolicyVersion({ ctx: priya, input: { versionId: 1 } });
    expect(restored).toMatchObject({
      id: 3,
      status: "active",
      message: 'Restore version 1 ("The demo organization\'s policies")',
    });
    expect(
      (await expectedAccessOf({ ctx: priya, input: { identityId: sarahId } })).grants.map((g) => g.resource),
    ).not.toContain("google:group:finance-reports@company.com");
  });

  it("with second approval on, a change waits for another IT admin, who may approve it", async () => {
    await setPolicySettings({ ctx: priya, input: { requireSecondApproval: true } });
    const source = withFinanceReports(await salesEngineerFile());
    const proposed = await savePolicyChange({
      ctx: priya,
      input: { baseVersionId: 3, changes: [{ path: "sales-engineer-access.yaml", source }], message: "Again" },
    });
    expect(proposed.status).toBe("pending");
    expect((await activeVersion(t.db))!.id).toBe(3);
    await expect(
      decidePolicyChange({ ctx: priya, input: { versionId: proposed.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      decidePolicyChange({ ctx: omar, input: { versionId: proposed.id, decision: "reject" } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "note" });
    const approved = await decidePolicyChange({
      ctx: omar,
      input: { versionId: proposed.id, decision: "approve", note: "ok" },
    });
    expect(approved).toMatchObject({ status: "active", deciderLabel: "omar.haddad@company.com" });
    expect((await activeVersion(t.db))!.id).toBe(proposed.id);
    await expect(
      decidePolicyChange({ ctx: omar, input: { versionId: proposed.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await setPolicySettings({ ctx: priya, input: { requireSecondApproval: false } });
  });

  it("exports the set exactly as stored, and an import of the same files changes nothing", async () => {
    const exported = await exportPolicyFiles({ ctx: priya });
    await expect(
      importPolicyFiles({ ctx: priya, input: { files: exported.files, message: "round trip" } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: "There is nothing to save",
    });
    const withoutOne = exported.files.filter((f) => f.path !== "vpn-for-remote-locations.yaml");
    const imported = await importPolicyFiles({
      ctx: priya,
      input: { files: withoutOne, message: "drop the VPN policy" },
    });
    expect(imported.summary).toMatchObject({ files: [{ path: "vpn-for-remote-locations.yaml", change: "removed" }] });
    expect((await exportPolicyFiles({ ctx: priya })).files).toEqual(withoutOne);
    const versions = await t.db.select({ id: policySetVersions.id }).from(policySetVersions);
    expect(versions.length).toBe(5);
  });

  it("explains why not, and answers what-if with the delta", async () => {
    const why = await explainPersonAccess({
      ctx: priya,
      input: { identityId: sarahId, resource: "github:team:deployers" },
    });
    expect(why.granted).toBeNull();
    expect(why.sources.map((s) => s.via[0])).toEqual(
      expect.arrayContaining(["solutions-architect-access", "sre-production-access"]),
    );
    const whatIf = await whatIfAttributes({
      ctx: priya,
      input: { identityId: sarahId, attributes: { job_title: "Senior Sales Engineer" } },
    });
    expect(whatIf.delta.added.map((g) => g.resource)).toEqual([
      "salesforce:profile:sales-leadership",
      "slack:channel:#sales-leadership",
    ]);
    await expect(
      whatIfAttributes({ ctx: priya, input: { identityId: sarahId, attributes: { hire_date: "yesterday" } } }),
    ).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "attributes.hire_date",
    });
  });
});
