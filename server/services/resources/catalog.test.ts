import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessRequests,
  auditEvents,
  identities,
  requestApprovers,
  resourceOwners,
  resources,
  systems,
} from "@/server/db/schema";
import type { PersonContext } from "../context";
import { decideRequest } from "../requests/decide";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, clearRequests, financeReportsAsk, submit } from "@/test/support/requests";
import { startSlapd, type Slapd } from "@/test/support/slapd";
import { askForResource } from "../fallbacks/ask";
import { addResource, editResource, listSystemResources, removeResource, resourceInUse } from "./catalog";
import { addDiscoveredResources, discoverResources, importResourceCsv } from "./import";

/** Issue 15, point 7: the resource catalog, managed by IT in the product. */
let t: TestDatabase;
let slapd: Slapd;
const clock = () => new Date("2026-12-01T09:00:00Z");
const it_ = () => as(t.db, "priya.raman@company.com", clock);

beforeAll(async () => {
  [t, slapd] = await Promise.all([createTestDatabase(), startSlapd()]);
});
afterAll(async () => {
  await Promise.all([t?.close(), slapd?.stop()]);
});

const eventsOf = async (subjectId: string, action: string) =>
  (
    await t.db
      .select({ n: count() })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, subjectId), eq(auditEvents.action, action)))
  )[0]!.n;
const resourceCount = async () => (await t.db.select({ n: count() }).from(resources))[0]!.n;
const ownerCount = async () => (await t.db.select({ n: count() }).from(resourceOwners))[0]!.n;
const allEvents = async () => (await t.db.select({ n: count() }).from(auditEvents))[0]!.n;

const wiki = {
  systemKey: "notion",
  type: "workspace",
  name: "eng-wiki",
  displayName: "Engineering wiki",
  description: "Design docs and runbooks",
  sensitivity: "low" as const,
  requestable: true,
  defaultTemplateKey: null,
  ownerEmails: ["cto@company.com", "ALICE@company.com"],
};

async function expectRefusedUnchanged(attempt: () => Promise<unknown>, expected: Record<string, unknown>) {
  const before = [await resourceCount(), await ownerCount(), await allEvents()];
  await expect(attempt()).rejects.toMatchObject(expected);
  expect([await resourceCount(), await ownerCount(), await allEvents()]).toEqual(before);
}

describe("by hand", () => {
  it("adds a resource with its display name, owners and sensitivity, audited once; the catalog lists it", async () => {
    const ctx = await it_();
    expect(await addResource({ ctx, input: wiki })).toEqual({ key: "notion:workspace:eng-wiki", outcome: "created" });
    expect(await eventsOf("notion:workspace:eng-wiki", "resource.created")).toBe(1);
    const listed = await listSystemResources({ ctx, input: { systemKey: "notion" } });
    expect(listed.resources.find((r) => r.key === "notion:workspace:eng-wiki")).toMatchObject({
      displayName: "Engineering wiki",
      sensitivity: "low",
      requestable: true,
      ownerEmails: ["alice@company.com", "cto@company.com"],
      openExceptions: 0,
    });
  });

  it("refuses a second one with the same key, an owner nobody is, an unknown form or a retired system, changing nothing", async () => {
    const ctx = await it_();
    await expectRefusedUnchanged(() => addResource({ ctx, input: wiki }), { code: "CONFLICT", field: "name" });
    await expectRefusedUnchanged(
      () => addResource({ ctx, input: { ...wiki, name: "other", ownerEmails: ["nobody@company.com"] } }),
      { code: "INVALID_INPUT", field: "ownerEmails", message: expect.stringContaining("nobody@company.com") },
    );
    await expectRefusedUnchanged(
      () => addResource({ ctx, input: { ...wiki, name: "other", defaultTemplateKey: "no-such-form" } }),
      { code: "INVALID_INPUT", field: "defaultTemplateKey" },
    );
    await expectRefusedUnchanged(() => addResource({ ctx, input: { ...wiki, name: "has space" } }), {
      code: "INVALID_INPUT",
      field: "name",
    });
    await t.db.insert(systems).values({
      key: "old-crm",
      name: "Old CRM",
      adapterKind: "manual",
      accessLevels: ["user"],
      retiredAt: clock(),
      retiredReason: "replaced",
    });
    await expectRefusedUnchanged(() => addResource({ ctx, input: { ...wiki, systemKey: "old-crm" } }), {
      code: "CONFLICT",
      field: "systemKey",
    });
  });

  it("edits owners and sensitivity with one event naming what changed; saving it unchanged writes nothing", async () => {
    const ctx = await it_();
    const edited = { ...wiki, sensitivity: "high" as const, ownerEmails: ["cto@company.com"] };
    expect(await editResource({ ctx, input: edited })).toMatchObject({ outcome: "changed" });
    const [event] = await t.db
      .select({ before: auditEvents.before, after: auditEvents.after })
      .from(auditEvents)
      .where(eq(auditEvents.action, "resource.changed"));
    expect(event).toEqual({
      before: { sensitivity: "low", ownerEmails: ["alice@company.com", "cto@company.com"] },
      after: { sensitivity: "high", ownerEmails: ["cto@company.com"] },
    });
    const events = await allEvents();
    expect(await editResource({ ctx, input: edited })).toMatchObject({ outcome: "unchanged" });
    expect(await allEvents()).toBe(events);
    await expectRefusedUnchanged(() => editResource({ ctx, input: { ...wiki, name: "never-added" } }), {
      code: "NOT_FOUND",
    });
  });

  it("removes an unused resource (audited with the reason) and refuses one in use, saying what uses it", async () => {
    const ctx = await it_();
    await removeResource({ ctx, input: { key: "notion:workspace:eng-wiki", reason: "moved to the new wiki" } });
    expect(await eventsOf("notion:workspace:eng-wiki", "resource.removed")).toBe(1);
    // Seed 000's finance-reports: Finance holds it by policy, and a request form grants it.
    await expectRefusedUnchanged(
      () => removeResource({ ctx, input: { key: "google:group:finance-reports@company.com", reason: "tidy" } }),
      { code: "CONFLICT", message: expect.stringMatching(/33 people hold it by policy; request form finance-reports/) },
    );
  });
});

describe("who may ask for it", () => {
  it("a resource IT marks not requestable is refused in the portal, by form and by name", async () => {
    const ctx = await it_();
    await clearRequests(t.db);
    const listed = await listSystemResources({ ctx, input: { systemKey: "google" } });
    const {
      key: _key,
      openExceptions: _open,
      ...finance
    } = listed.resources.find((r) => r.key === "google:group:finance-reports@company.com")!;
    expect(finance.ownerEmails).toEqual(["cfo@company.com"]);
    await editResource({
      ctx,
      input: { ...finance, systemKey: "google", requestable: false },
    });
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    await expect(submit(sarah, financeReportsAsk)).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("cannot be asked for"),
    });
    await expect(
      askForResource({ ctx: sarah, input: { resource: "google:group:finance-reports@company.com" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", field: "resource" });
    await editResource({ ctx, input: { ...finance, systemKey: "google", requestable: true } });
    await expect(submit(sarah, financeReportsAsk)).resolves.toBeTruthy();
  });
});

describe("an IT admin who names themselves owner", () => {
  it("still cannot approve their own request: owners who ask are never their own approvers", async () => {
    const ctx = await it_();
    await clearRequests(t.db);
    const current = (await listSystemResources({ ctx, input: { systemKey: "aws" } })).resources.find(
      (r) => r.key === "aws:role:production-admin",
    )!;
    const { key: _k, openExceptions: _o, ...admin } = current;
    await editResource({ ctx, input: { ...admin, systemKey: "aws", ownerEmails: ["priya.raman@company.com"] } });
    const before = (await t.db.select({ n: count() }).from(accessRequests))[0]!.n;
    await expect(
      submit(ctx as PersonContext, {
        templateKey: "production-admin-incident",
        justification: "Fixing the incident on the payments cluster right now.",
        fields: { incident_id: "INC-42" },
      }),
    ).rejects.toMatchObject({ code: expect.stringMatching(/PRECONDITION_FAILED|INVALID_INPUT|CONFLICT/) });
    expect((await t.db.select({ n: count() }).from(accessRequests))[0]!.n).toBe(before);

    // With a second owner, the request waits for that owner, not for her.
    await editResource({
      ctx,
      input: { ...admin, systemKey: "aws", ownerEmails: ["priya.raman@company.com", "cto@company.com"] },
    });
    const { id: requestId } = await submit(ctx as PersonContext, {
      templateKey: "production-admin-incident",
      justification: "Fixing the incident on the payments cluster right now.",
      fields: { incident_id: "INC-43" },
    });
    const approvers = await t.db
      .select({ email: identities.email })
      .from(requestApprovers)
      .innerJoin(identities, eq(identities.id, requestApprovers.identityId))
      .where(eq(requestApprovers.requestId, requestId));
    expect(approvers.map((a) => a.email)).toEqual(["cto@company.com"]);
    await expect(
      decideRequest({ ctx: ctx as PersonContext, input: { requestId, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("the default request form", () => {
  it("must grant the resource, and opens when someone asks for it by name and only the global deny applies", async () => {
    const ctx = await it_();
    await clearRequests(t.db);
    const {
      key: _k,
      openExceptions: _o,
      ...finance
    } = (await listSystemResources({ ctx, input: { systemKey: "google" } })).resources.find(
      (r) => r.key === "google:group:finance-reports@company.com",
    )!;
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    const ask = () => askForResource({ ctx: sarah, input: { resource: "google:group:finance-reports@company.com" } });
    expect(await ask()).toMatchObject({ outcome: "denied", fallback: "global-fallback-deny" });
    await expectRefusedUnchanged(
      () =>
        editResource({
          ctx,
          input: { ...finance, systemKey: "google", defaultTemplateKey: "production-admin-incident" },
        }),
      { code: "INVALID_INPUT", field: "defaultTemplateKey", message: expect.stringContaining("does not grant") },
    );
    await editResource({ ctx, input: { ...finance, systemKey: "google", defaultTemplateKey: "finance-reports" } });
    expect(await ask()).toEqual({ outcome: "prompt", fallback: null, templateKey: "finance-reports", message: null });
  });
});

describe("by CSV", () => {
  const csv = [
    "type,name,display_name,owners,sensitivity,requestable",
    "workspace,finance-space,Finance space,cfo@company.com;alice@company.com,critical,no",
    "workspace,sales-space,,,,",
  ].join("\n");

  it("previews without writing, then applies every row in one go, one event per resource", async () => {
    const ctx = await it_();
    const before = [await resourceCount(), await allEvents()];
    const preview = await importResourceCsv({ ctx, input: { systemKey: "notion", csv, apply: false } });
    expect(preview).toEqual({
      problems: [],
      applied: false,
      rows: [
        { key: "notion:workspace:finance-space", outcome: "created" },
        { key: "notion:workspace:sales-space", outcome: "created" },
      ],
    });
    expect([await resourceCount(), await allEvents()]).toEqual(before);
    expect(await importResourceCsv({ ctx, input: { systemKey: "notion", csv, apply: true } })).toMatchObject({
      applied: true,
    });
    const listed = await listSystemResources({ ctx, input: { systemKey: "notion" } });
    expect(listed.resources.find((r) => r.key === "notion:workspace:finance-space")).toMatchObject({
      sensitivity: "critical",
      requestable: false,
      ownerEmails: ["alice@company.com", "cfo@company.com"],
    });
    expect(await eventsOf("notion:workspace:sales-space", "resource.created")).toBe(1);
    // The same file again changes nothing.
    expect((await importResourceCsv({ ctx, input: { systemKey: "notion", csv, apply: true } })).rows).toEqual([
      { key: "notion:workspace:finance-space", outcome: "unchanged" },
      { key: "notion:workspace:sales-space", outcome: "unchanged" },
    ]);
  });

  it("names the line and column of each problem, and applies nothing when one row is bad", async () => {
    const ctx = await it_();
    const before = [await resourceCount(), await allEvents()];
    const bad = [
      "type,name,sensitivity,owners",
      "workspace,fine-one,low,",
      "workspace,loud-one,extreme,",
      "workspace,owned-one,low,ghost@company.com",
      "workspace,fine-one,low,",
    ].join("\n");
    const result = await importResourceCsv({ ctx, input: { systemKey: "notion", csv: bad, apply: true } });
    expect(result.applied).toBe(false);
    expect(result.problems).toEqual([
      { line: 3, field: "sensitivity", message: "low, medium, high or critical" },
      { line: 5, field: "name", message: "notion:workspace:fine-one is already on line 2" },
    ]);
    const ghost = await importResourceCsv({
      ctx,
      input: { systemKey: "notion", csv: "type,name,owners\nworkspace,owned-one,ghost@company.com", apply: true },
    });
    expect(ghost.problems).toEqual([
      { line: 2, field: "ownerEmails", message: "Owners: nobody has the email ghost@company.com" },
    ]);
    expect(
      (await importResourceCsv({ ctx, input: { systemKey: "notion", csv: "name\nx", apply: false } })).problems,
    ).toEqual([{ line: 1, field: "type", message: 'the header needs a "type" column' }]);
    expect([await resourceCount(), await allEvents()]).toEqual(before);
  });
});

describe("what a CSV leaves out, and what keeps a resource", () => {
  it("a file without a column keeps what the catalog has; problems name the row's own line", async () => {
    const ctx = await it_();
    const renamed = "type,name,display_name\nworkspace,finance-space,Finance workspace";
    expect((await importResourceCsv({ ctx, input: { systemKey: "notion", csv: renamed, apply: true } })).rows).toEqual([
      { key: "notion:workspace:finance-space", outcome: "changed" },
    ]);
    expect(
      (await listSystemResources({ ctx, input: { systemKey: "notion" } })).resources.find(
        (r) => r.key === "notion:workspace:finance-space",
      ),
    ).toMatchObject({
      displayName: "Finance workspace",
      sensitivity: "critical",
      requestable: false,
      ownerEmails: ["alice@company.com", "cfo@company.com"],
    });
    const gap = "type,name,owners\n\n\nworkspace,owned-one,ghost@company.com";
    expect((await importResourceCsv({ ctx, input: { systemKey: "notion", csv: gap, apply: false } })).problems).toEqual(
      [{ line: 4, field: "ownerEmails", message: "Owners: nobody has the email ghost@company.com" }],
    );
  });

  it("a resource a policy names stays; one on a retired system can no longer be asked for", async () => {
    expect(await resourceInUse(t.db, "google:group:engineering@company.com")).toEqual(
      expect.arrayContaining([expect.stringMatching(/^policy files? /)]),
    );
    await t.db.insert(resources).values({ key: "old-crm:role:user", systemKey: "old-crm", type: "role", name: "user" });
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    await expect(askForResource({ ctx: sarah, input: { resource: "old-crm:role:user" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringContaining("retired system"),
    });
  });
});

describe("discovered from the adapter", () => {
  it("lists what the directory has that the catalog lacks and what it no longer has; adds what IT ticks", async () => {
    const ctx = await it_();
    await t.db
      .update(systems)
      .set({
        adapterKind: "ldap",
        adapterConfig: {
          url: slapd.url,
          bindDn: slapd.bindDn,
          bindPassword: slapd.bindPassword,
          groupBaseDn: slapd.groupBaseDn,
          userDnTemplate: slapd.userDnTemplate,
        },
      })
      .where(eq(systems.key, "ldap"));
    await slapd.addGroup("wiki-editors");
    await addResource({
      ctx,
      input: { ...wiki, systemKey: "ldap", type: "group", name: "gone-group", ownerEmails: [] },
    });

    const found = await discoverResources({ ctx, input: { systemKey: "ldap" } });
    expect(found.added.map((a) => a.key)).toEqual(expect.arrayContaining(["ldap:group:wiki-editors"]));
    expect(found.disappeared).toEqual(expect.arrayContaining([{ key: "ldap:group:gone-group", inUse: [] }]));

    await expectRefusedUnchanged(
      () => addDiscoveredResources({ ctx, input: { systemKey: "ldap", keys: ["ldap:group:never-there"] } }),
      { code: "CONFLICT", field: "keys" },
    );
    expect(
      await addDiscoveredResources({ ctx, input: { systemKey: "ldap", keys: ["ldap:group:wiki-editors"] } }),
    ).toEqual({ added: ["ldap:group:wiki-editors"] });
    const [event] = await t.db
      .select({ after: auditEvents.after })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, "ldap:group:wiki-editors"), eq(auditEvents.action, "resource.created")));
    expect(event!.after).toMatchObject({ via: "discovery" });
    const again = await discoverResources({ ctx, input: { systemKey: "ldap" } });
    expect(again.added.map((a) => a.key)).not.toContain("ldap:group:wiki-editors");
  });

  it("says so when the adapter cannot list, or the system cannot be reached", async () => {
    const ctx = await it_();
    await expect(discoverResources({ ctx, input: { systemKey: "aws" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringContaining("by hand or by CSV"),
    });
    await t.db
      .update(systems)
      .set({
        adapterConfig: {
          url: "ldap://127.0.0.1:9",
          bindDn: slapd.bindDn,
          bindPassword: "x",
          groupBaseDn: slapd.groupBaseDn,
          userDnTemplate: slapd.userDnTemplate,
        },
      })
      .where(eq(systems.key, "ldap"));
    await expect(discoverResources({ ctx, input: { systemKey: "ldap" } })).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
      message: expect.stringContaining("could not be read"),
    });
  });
});
