import { and, count, eq, inArray, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import type { ConfigFile } from "@/server/core/config";
import { isDomainError } from "@/server/core/errors";
import {
  accessExceptions,
  auditEvents,
  configChangeProposals,
  expectedAccess,
  identities,
  manualTasks,
  provisioningOperations,
  resources,
  systems,
} from "@/server/db/schema";
import { insertExpiringExceptions } from "@/test/support/expiring";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { setPolicySettings } from "../policies/versions";
import { retireSystem } from "../provisioning/system-admin";
import { decideConfigChange, exportConfigFiles, importConfig, previewConfigImport } from "./import";

/** Issue 15, point 9: configuration as code, against the real database. */
let demo: TestDatabase;
let blank: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
const cli = (db: TestDatabase) => ({ db: db.db, actor: systemActor("cli (test)"), clock });

beforeAll(async () => {
  [demo, blank] = await Promise.all([createTestDatabase(), createTestDatabase("empty")]);
  // People come from HR, not from configuration: the new instance knows the same people.
  const people = await demo.db.select().from(identities);
  await blank.db.insert(identities).values(people.map((p) => ({ ...p, managedBy: null })));
});
afterAll(() => Promise.all([demo.close(), blank.close()]));

const exported = (t: TestDatabase) => exportConfigFiles({ ctx: t });
const edit = (files: ConfigFile[], path: string, change: (source: string) => string) =>
  files.map((f) => (f.path === path ? { ...f, source: change(f.source) } : f));
const auditCount = async (t: TestDatabase) => (await t.db.select({ n: count() }).from(auditEvents))[0]!.n;
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected a refusal");
    },
    (err: unknown) => {
      if (!isDomainError(err)) throw err;
      return err;
    },
  );

describe("round trip", () => {
  it("export → import into an empty database → export gives identical files", async () => {
    const files = await exported(demo);
    expect(files.map((f) => f.path)).toEqual([
      "approver-groups.yaml",
      "systems.yaml",
      "resources.yaml",
      "templates.yaml",
      "fallbacks.yaml",
      "exception-types.yaml",
    ]);
    expect(files.find((f) => f.path === "templates.yaml")!.source).toContain("key: finance-reports");
    const r = await importConfig({ ctx: cli(blank), input: { files, message: "Configuration from the demo" } });
    expect(r.status).toBe("applied");
    expect(await exported(blank)).toEqual(files);
    expect(await importConfig({ ctx: cli(blank), input: { files, message: "Again" } })).toEqual({
      status: "unchanged",
      changes: [],
    });
  });
});

describe("importing changes", () => {
  it("a dry run lists what would change and changes nothing", async () => {
    const before = await exported(demo);
    const events = await auditCount(demo);
    const files = edit(
      edit(
        before,
        "approver-groups.yaml",
        (s) => `${s}- key: auditors\n  name: Auditors\n  members: [auditor@company.com]\n`,
      ),
      "systems.yaml",
      (s) => s.replace("name: AWS\n", "name: Amazon Web Services\n"),
    );
    const preview = await previewConfigImport({ ctx: demo, input: { files } });
    expect(preview.problems).toEqual([]);
    expect(preview.changes.map((c) => `${c.change} ${c.kind} ${c.key} ${c.fields.join(",")}`)).toEqual([
      "create approverGroups auditors ",
      "change systems aws name",
    ]);
    expect(await exported(demo)).toEqual(before);
    expect(await auditCount(demo)).toBe(events);
  });

  it("files with a lint error change nothing, and the error names file and line", async () => {
    const before = await exported(demo);
    const events = await auditCount(demo);
    const files = edit(
      edit(
        before,
        "approver-groups.yaml",
        (s) => `${s}- key: auditors\n  name: Auditors\n  members: [auditor@company.com]\n`,
      ),
      "resources.yaml",
      (s) => s.replace("owners: []", "owners: [nobody@company.com]"),
    );
    const line =
      files
        .find((f) => f.path === "resources.yaml")!
        .source.split("\n")
        .indexOf("  owners: [nobody@company.com]") + 1;
    const preview = await previewConfigImport({ ctx: demo, input: { files } });
    expect(preview.problems).toEqual([
      expect.objectContaining({
        file: "resources.yaml",
        line,
        message: expect.stringMatching(/nobody has the email nobody@company.com/),
      }),
    ]);
    const err = await refusal(importConfig({ ctx: cli(demo), input: { files, message: "Bad owner" } }));
    expect(err).toMatchObject({ code: "INVALID_INPUT", message: expect.stringContaining(`resources.yaml:${line}:`) });
    expect(await exported(demo)).toEqual(before);
    expect(await auditCount(demo)).toBe(events);
  });

  it("applies creates, changes and removals, one audit event per change", async () => {
    const before = await exported(demo);
    const events = await auditCount(demo);
    const fallbacks = before.find((f) => f.path === "fallbacks.yaml")!.source.split("---\n");
    const files = edit(
      edit(
        edit(
          before,
          "approver-groups.yaml",
          (s) => `${s}- key: auditors\n  name: Auditors\n  members: [auditor@company.com]\n`,
        ),
        "systems.yaml",
        (s) => s.replace("name: AWS\n", "name: Amazon Web Services\n"),
      ),
      "fallbacks.yaml",
      () => fallbacks.filter((f) => !f.startsWith("name: production-postgres-deny")).join("---\n"),
    );
    const r = await importConfig({ ctx: cli(demo), input: { files, message: "Auditors group, AWS renamed" } });
    expect(r.status).toBe("applied");
    const actions = (await demo.db.select({ action: auditEvents.action }).from(auditEvents))
      .slice(events)
      .map((e) => e.action);
    expect(actions.sort()).toEqual(["approver_group.created", "config.imported", "fallback.deleted", "system.updated"]);
    expect((await previewConfigImport({ ctx: demo, input: { files } })).changes).toEqual([]);
  });

  it("refuses to take resources whose history needs them out of the catalog, so their system stays too; changes nothing", async () => {
    const before = await exported(demo);
    const events = await auditCount(demo);
    const drop = (source: string, prefix: string) =>
      source
        .split(/\n(?=- key: )/)
        .filter((item) => !item.replace(/^- key: /, "").startsWith(prefix))
        .join("\n");
    let files = edit(before, "systems.yaml", (s) => drop(s, "gitlab\n"));
    files = edit(files, "resources.yaml", (s) => drop(s, "gitlab:"));
    files = edit(files, "templates.yaml", (s) => drop(s, "billing-rewrite-project\n"));
    const preview = await previewConfigImport({ ctx: demo, input: { files } });
    expect(preview.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(preview.changes.filter((c) => c.change === "remove").map((c) => `${c.kind} ${c.key}`)).toEqual(
      expect.arrayContaining(["resources gitlab:group:billing-system-rewrite", "systems gitlab"]),
    );
    // Resources leave before their system is retired: the first one whose history needs it stops the import.
    const err = await refusal(importConfig({ ctx: cli(demo), input: { files, message: "No more GitLab" } }));
    expect(err.message).toMatch(/^resources\.yaml: gitlab:.* cannot leave the catalog/);
    expect(err.message).not.toMatch(/^systems\.yaml/);
    expect((await demo.db.select().from(systems).where(eq(systems.key, "gitlab")))[0]!.retiredAt).toBeNull();
    expect(await exported(demo)).toEqual(before);
    expect(await auditCount(demo)).toBe(events);
  });
});

describe("with second-admin approval on", () => {
  it("waits for another IT admin, as policy changes do", async () => {
    const priya = await as(demo.db, "priya.raman@company.com", clock);
    await setPolicySettings({ ctx: priya, input: { requireSecondApproval: true } });
    const before = await exported(demo);
    const files = edit(before, "systems.yaml", (s) => s.replace("name: GitHub\n", "name: GitHub Enterprise\n"));
    expect(await refusal(importConfig({ ctx: cli(demo), input: { files, message: "From the shell" } }))).toMatchObject({
      code: "FORBIDDEN",
    });
    const proposed = await importConfig({ ctx: priya, input: { files, message: "GitHub Enterprise" } });
    expect(proposed).toMatchObject({ status: "pending" });
    const id = (proposed as { proposalId: number }).proposalId;
    expect(await exported(demo)).toEqual(before);
    expect(
      await refusal(decideConfigChange({ ctx: priya, input: { proposalId: id, decision: "approve" } })),
    ).toMatchObject({
      code: "FORBIDDEN",
    });
    // A second, stale proposal: once the first is approved, it must be proposed again.
    const stale = await importConfig({
      ctx: priya,
      input: {
        files: edit(before, "systems.yaml", (s) => s.replace("name: GitHub\n", "name: GH\n")),
        message: "GitHub, shorter",
      },
    });
    await setPolicySettings({ ctx: priya, input: { requireSecondApproval: false } });
    const { grantPortalRole } = await import("../portal-roles");
    await grantPortalRole({
      ctx: priya,
      input: { email: "john.doe@company.com", role: "it_admin", reason: "A second IT admin" },
    });
    await setPolicySettings({ ctx: priya, input: { requireSecondApproval: true } });
    const john = await as(demo.db, "john.doe@company.com", clock);
    expect(await decideConfigChange({ ctx: john, input: { proposalId: id, decision: "approve" } })).toMatchObject({
      status: "approved",
    });
    expect(await exported(demo)).toEqual(files);
    const staleId = (stale as { proposalId: number }).proposalId;
    expect(
      await refusal(decideConfigChange({ ctx: john, input: { proposalId: staleId, decision: "approve" } })),
    ).toMatchObject({
      code: "CONFLICT",
    });
    await decideConfigChange({ ctx: john, input: { proposalId: staleId, decision: "reject", note: "Superseded" } });
    const statuses = await demo.db
      .select({ id: configChangeProposals.id, status: configChangeProposals.status })
      .from(configChangeProposals);
    expect(statuses.map((s) => s.status).sort()).toEqual(["approved", "rejected"]);
    const [approved] = await demo.db.select().from(auditEvents).where(eq(auditEvents.action, "config.change_approved"));
    expect(approved).toMatchObject({ actorLabel: "john.doe@company.com", reason: "GitHub Enterprise" });
    // The import names the proposal and who proposed it, not only the approver.
    const imported = await demo.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "config.imported"), eq(auditEvents.reason, "GitHub Enterprise")));
    expect(imported).toEqual([
      expect.objectContaining({
        actorLabel: "john.doe@company.com",
        after: expect.objectContaining({ proposalId: id, proposedBy: priya.actor.identityId }),
      }),
    ]);
    await setPolicySettings({ ctx: priya, input: { requireSecondApproval: false } });
  });
});

describe("secrets", () => {
  it("an export leaves out a connection string with a password; a file naming a secret is an error on its line", async () => {
    const url = "postgres://clearance:hunter2@db.internal:5432/app";
    await demo.db
      .update(systems)
      .set({ adapterKind: "postgres", adapterConfig: { url } })
      .where(eq(systems.key, "postgres"));
    try {
      const files = await exported(demo);
      const source = files.find((f) => f.path === "systems.yaml")!.source;
      expect(source).not.toContain("hunter2");
      expect(source).not.toContain(url);
      expect((await previewConfigImport({ ctx: demo, input: { files } })).changes).toEqual([]);
    } finally {
      await demo.db
        .update(systems)
        .set({ adapterKind: "manual", adapterConfig: {} })
        .where(eq(systems.key, "postgres"));
    }
    const written = [
      "- key: crm\n  name: CRM\n  accessLevels: [user]\n  adapter:\n    kind: webhook\n    settings:",
      "      url: https://crm.internal/hook\n      secret: s3cret",
      "- key: billing-db\n  name: Billing\n  accessLevels: [member]\n  adapter:\n    kind: postgres\n    settings:",
      `      url: ${url}\n`,
    ].join("\n");
    const files = edit(await exported(demo), "systems.yaml", (s) => `${s}${written}`);
    const lines = files.find((f) => f.path === "systems.yaml")!.source.split("\n");
    const lineOf = (text: string) => lines.indexOf(text) + 1;
    const problems = (await previewConfigImport({ ctx: demo, input: { files } })).problems;
    expect(problems).toEqual([
      expect.objectContaining({
        file: "systems.yaml",
        line: lineOf("      secret: s3cret"),
        message: expect.stringMatching(
          /crm: adapter\.settings\.secret .*name the environment variable instead: secretEnv/,
        ),
      }),
      expect.objectContaining({
        file: "systems.yaml",
        line: lineOf(`      url: ${url}`),
        message: expect.stringMatching(/billing-db: .*name the environment variable instead: urlEnv/),
      }),
    ]);
    expect(JSON.stringify(problems)).not.toContain("hunter2");
  });
});

describe("a retired system", () => {
  it("keeps its resources for the reports, out of the configuration: export → import still round-trips", async () => {
    const notion = (
      await demo.db.select({ key: resources.key }).from(resources).where(eq(resources.systemKey, "notion"))
    ).map((r) => r.key);
    // History on its resources, then nothing left that anyone holds.
    await insertExpiringExceptions(demo.db, { systemKey: "notion", count: 2, expiresAt: clock() });
    await demo.db
      .update(accessExceptions)
      .set({ endedAt: clock(), endReason: "revoked" })
      .where(and(inArray(accessExceptions.resourceKey, notion), isNull(accessExceptions.endedAt)));
    await demo.db.delete(expectedAccess).where(eq(expectedAccess.systemKey, "notion"));
    await demo.db.delete(manualTasks).where(eq(manualTasks.systemKey, "notion"));
    await demo.db.delete(provisioningOperations).where(eq(provisioningOperations.systemKey, "notion"));
    await retireSystem({ ctx: cli(demo), input: { systemKey: "notion", reason: "Moved to Confluence" } });
    expect((await demo.db.select({ n: count() }).from(resources).where(eq(resources.systemKey, "notion")))[0]!.n).toBe(
      notion.length,
    );

    const files = await exported(demo);
    expect(files.find((f) => f.path === "resources.yaml")!.source).not.toContain("notion:");
    expect(await previewConfigImport({ ctx: demo, input: { files } })).toEqual({ problems: [], changes: [] });
    expect(await importConfig({ ctx: cli(demo), input: { files, message: "Unchanged" } })).toEqual({
      status: "unchanged",
      changes: [],
    });
    // A change elsewhere still imports.
    const renamed = edit(files, "systems.yaml", (s) => s.replace("name: Slack\n", "name: Slack Enterprise\n"));
    expect(await importConfig({ ctx: cli(demo), input: { files: renamed, message: "Slack renamed" } })).toMatchObject({
      status: "applied",
    });
  });
});
