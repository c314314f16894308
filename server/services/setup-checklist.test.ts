import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TRPCError } from "@trpc/server";
import { and, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import {
  auditEvents,
  identities,
  policyFiles,
  policySetVersions,
  portalRoleAssignments,
  requestTemplates,
  resources,
  systems,
} from "@/server/db/schema";
import type { PersonContext } from "@/server/services/context";
import { actorFor } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { movableClock } from "@/test/support/requests";
import { createHrSource } from "./hr/events";
import { applyIdentityImport } from "./identity-import/apply";
import { previewIdentityImport } from "./identity-import/preview";
import { addSystem, testSystemConnection } from "./provisioning/system-admin";
import { setSetupChecklistDismissed, setupChecklistFor } from "./setup-checklist";
import { setOrganizationTimeZone } from "./time-zones";

/** Issue 15, point 3: the setup checklist, from an empty instance to everything done. */
let t: TestDatabase;
let it_: PersonContext;
let healthy: Server;
let healthyUrl: string;
const clock = movableClock("2026-12-01T09:00:00Z");
const configured = {
  AUTH_OIDC_ISSUER: "https://idp.corp.example",
  AUTH_OIDC_CLIENT_ID: "clearance",
  AUTH_OIDC_CLIENT_SECRET: "a-secret",
  AUTH_OIDC_NAME: "Okta",
  SMTP_URL: "smtp://mail.corp.example:587",
};

async function person(email: string, role?: "it_admin") {
  const [row] = await t.db
    .insert(identities)
    .values({ externalId: email.split("@")[0]!, email, displayName: email, employmentStatus: "Active" })
    .returning({ id: identities.id });
  if (role) await t.db.insert(portalRoleAssignments).values({ identityId: row!.id, role, grantedBy: "test" });
  return row!.id;
}

const doneKeys = async (env: Record<string, string | undefined> = {}) =>
  (await setupChecklistFor({ ctx: it_, env })).items.filter((i) => i.done).map((i) => i.key);

beforeAll(async () => {
  t = await createTestDatabase("empty");
  await person("alice@corp.example", "it_admin");
  await person("bob@corp.example");
  it_ = { db: t.db, actor: await actorFor(t.db, "alice@corp.example"), clock, request: { ip: null, userAgent: null } };
  healthy = createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
  await new Promise<void>((r) => healthy.listen(0, "127.0.0.1", r));
  healthyUrl = `http://127.0.0.1:${(healthy.address() as AddressInfo).port}/clearance`;
  process.env.SETUP_CHECKLIST_TEST_SECRET = "a-webhook-secret-for-the-test";
});
afterAll(async () => {
  delete process.env.SETUP_CHECKLIST_TEST_SECRET;
  await new Promise((r) => healthy.close(r));
  await t.close();
});

describe("the setup checklist", () => {
  it("starts with nothing done on an empty instance, shown on IT's home", async () => {
    const c = await setupChecklistFor({ ctx: it_, env: {} });
    expect([c.done, c.total, c.dismissed, c.showOnHome]).toEqual([0, 8, false, true]);
  });

  it("reads sign-in and SMTP from the environment, and says what is missing when OIDC is half set", async () => {
    expect(await doneKeys(configured)).toEqual(["sign-in", "email"]);
    const half = await setupChecklistFor({ ctx: it_, env: { AUTH_OIDC_ISSUER: "https://idp.corp.example" } });
    expect(half.items[0]).toMatchObject({ key: "sign-in", done: false });
    expect(half.items[0]!.detail).toContain("AUTH_OIDC_CLIENT_ID and AUTH_OIDC_CLIENT_SECRET not set");
  });

  it("turns each item done as the state it is about appears", async () => {
    // People: a CSV import (or an HR source's token).
    const csv = "external_id,email,display_name,department\ncarol,carol@corp.example,Carol,Finance\n";
    const preview = await previewIdentityImport({ ctx: it_, input: { csv } });
    await applyIdentityImport({ ctx: it_, input: { csv, fingerprint: preview.fingerprint } });
    expect(await doneKeys()).toEqual(["people"]);
    await createHrSource({ ctx: it_, input: { key: "workday", name: "Workday" } });
    expect((await setupChecklistFor({ ctx: it_, env: {} })).items[1]!.detail).toBe(
      "1 HR source with a token and 1 CSV import.",
    );

    // A system on a manual adapter is not one with a working adapter; one whose connection test passed is.
    await t.db.insert(systems).values({ key: "paper", name: "Paper", adapterKind: "manual", accessLevels: ["member"] });
    expect(await doneKeys()).not.toContain("system");
    const webhook = (url: string) => ({
      adapterKind: "webhook" as const,
      adapterConfig: { url, secretEnv: "SETUP_CHECKLIST_TEST_SECRET", timeoutMs: 2000 },
    });
    await addSystem({
      ctx: it_,
      input: { key: "crm", name: "CRM", description: "", accessLevels: ["viewer"], ...webhook(healthyUrl) },
    });
    expect(await doneKeys()).toContain("system");
    // The latest word counts: a failed test of its connection, then a passing one.
    await testSystemConnection({ ctx: it_, input: { systemKey: "crm", ...webhook("http://127.0.0.1:9/clearance") } });
    const failed = await setupChecklistFor({ ctx: it_, env: {} });
    expect(failed.items[2]).toMatchObject({ done: false, links: [{ href: "/systems/crm" }, { href: "/systems/new" }] });
    await testSystemConnection({ ctx: it_, input: { systemKey: "crm", ...webhook(healthyUrl) } });
    expect(await doneKeys()).toContain("system");

    // Resources: on a system that is not retired.
    await t.db.insert(systems).values({
      key: "old",
      name: "Old",
      adapterKind: "manual",
      accessLevels: ["member"],
      retiredAt: clock(),
      retiredReason: "gone",
    });
    await t.db.insert(resources).values({ key: "old:group:x", systemKey: "old", type: "group", name: "x" });
    expect(await doneKeys()).not.toContain("resources");
    await t.db.insert(resources).values({ key: "crm:role:sales", systemKey: "crm", type: "role", name: "sales" });
    expect(await doneKeys()).toContain("resources");

    // A policy: in the active version, not one waiting for a second IT admin.
    const version = (status: string) => ({
      status,
      authorLabel: "alice",
      message: "first policy",
      createdAt: clock(),
    });
    const [pending] = await t.db.insert(policySetVersions).values(version("pending")).returning();
    await t.db.insert(policyFiles).values({ versionId: pending!.id, path: "base.yaml", source: "name: base\n" });
    expect(await doneKeys()).not.toContain("policy");
    const [active] = await t.db.insert(policySetVersions).values(version("active")).returning();
    await t.db.insert(policyFiles).values({ versionId: active!.id, path: "base.yaml", source: "name: base\n" });
    expect(await doneKeys()).toContain("policy");

    // A template people can ask with: active, from the catalog (not a fallback's own form).
    const template = (key: string, extra: Partial<typeof requestTemplates.$inferInsert> = {}) => ({
      key,
      name: key,
      definition: {},
      createdAt: clock(),
      updatedAt: clock(),
      updatedBy: "test",
      ...extra,
    });
    await t.db
      .insert(requestTemplates)
      .values([template("for-a-fallback", { origin: "fallback" }), template("retired", { active: false })]);
    expect(await doneKeys()).not.toContain("template");
    await t.db.insert(requestTemplates).values(template("crm-access"));
    expect(await doneKeys()).toContain("template");

    // The time zone: saved by IT, even when it is UTC, the default.
    expect(await doneKeys()).not.toContain("time-zone");
    await setOrganizationTimeZone({ ctx: it_, input: { timeZone: "UTC" } });

    const all = await setupChecklistFor({ ctx: it_, env: configured });
    expect([all.done, all.total, all.showOnHome]).toEqual([8, 8, false]);
  });

  it("is dismissed and shown again, each change audited once, for the whole organization", async () => {
    const events = async () =>
      (
        await t.db
          .select({ action: auditEvents.action, actorId: auditEvents.actorId })
          .from(auditEvents)
          .where(inArray(auditEvents.action, ["setup_checklist.dismissed", "setup_checklist.reopened"]))
          .orderBy(auditEvents.id)
      ).map((e) => e.action);
    expect(await setSetupChecklistDismissed({ ctx: it_, input: { dismissed: true } })).toEqual({
      dismissed: true,
      changed: true,
    });
    // Again: nothing changes, nothing is recorded.
    expect(await setSetupChecklistDismissed({ ctx: it_, input: { dismissed: true } })).toMatchObject({
      changed: false,
    });
    const dismissed = await setupChecklistFor({ ctx: it_, env: {} });
    expect([dismissed.dismissed, dismissed.showOnHome, dismissed.dismissedAt]).toEqual([true, false, clock()]);
    await setSetupChecklistDismissed({ ctx: it_, input: { dismissed: false } });
    expect((await setupChecklistFor({ ctx: it_, env: {} })).showOnHome).toBe(true);
    expect(await events()).toEqual(["setup_checklist.dismissed", "setup_checklist.reopened"]);
    const [first] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "setup_checklist.dismissed"), eq(auditEvents.subjectType, "setup_checklist")));
    expect(first).toMatchObject({ actorId: it_.actor.identityId, after: { dismissed: true } });
  });

  it("is refused to anyone but IT admins, and changes nothing for them", async () => {
    const base = { db: t.db, clock, request: { ip: null, userAgent: null } };
    const employee = createCaller({ ...base, actor: await actorFor(t.db, "bob@corp.example") });
    const refused = (p: Promise<unknown>) =>
      p.then(
        () => "allowed",
        (e: unknown) => (e instanceof TRPCError ? e.code : String(e)),
      );
    expect(await refused(employee.setup.checklist())).toBe("FORBIDDEN");
    expect(await refused(employee.setup.setDismissed({ dismissed: true }))).toBe("FORBIDDEN");
    expect(await refused(createCaller({ ...base, actor: null }).setup.checklist())).toBe("UNAUTHORIZED");
    expect((await setupChecklistFor({ ctx: it_, env: {} })).dismissed).toBe(false);
    const admin = createCaller({ ...base, actor: it_.actor });
    expect(await admin.setup.checklist()).toMatchObject({ total: 8 });
  });
});
