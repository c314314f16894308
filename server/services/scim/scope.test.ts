import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import { auditEvents, identities } from "@/server/db/schema";
import { actorFor, identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { ENTERPRISE, PATCH_OP, USER } from "@/test/support/scim";
import { scimClient } from "@/test/support/scim-client";
import { createHrSource } from "../hr/events";

/**
 * Issue 12, point 3: a SCIM token reads and changes only the people its source manages. Okta (A)
 * and Entra ID (B) each hire one person; the seeded directory is managed by neither.
 */
let t: TestDatabase;
const clock = movableClock("2026-06-01T08:00:00Z");
const tokens: Record<"okta" | "entra", string> = { okta: "", entra: "" };
const client =
  (source: keyof typeof tokens) =>
  (...args: Parameters<ReturnType<typeof scimClient>>) => {
    clock.advance(1);
    return scimClient(t.db, clock, () => tokens[source])(...args);
  };
const okta = client("okta");
const entra = client("entra");
const nobody = "00000000-0000-4000-8000-000000000000";
let aliceId: string; // hired by Okta
let bobId: string; // hired by Entra ID
let sarahId: string; // seeded: no source manages her

const user = (handle: string, displayName: string) => ({
  schemas: [USER, ENTERPRISE],
  userName: `${handle}@company.com`,
  displayName,
  title: "Support Engineer",
  [ENTERPRISE]: { department: "Support" },
});
const row = async (id: string) => (await t.db.select().from(identities).where(eq(identities.id, id)))[0]!;
const auditCount = async () => (await t.db.select({ n: count() }).from(auditEvents))[0]!.n;
const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const itAdmin = async () =>
  createCaller({
    db: t.db,
    clock,
    actor: await actorFor(t.db, "priya.raman@company.com"),
    request: { ip: null, userAgent: null },
  });

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  tokens.okta = (await createHrSource({ ctx: it_, input: { key: "okta", name: "Okta" } })).token;
  tokens.entra = (await createHrSource({ ctx: it_, input: { key: "entra", name: "Entra ID" } })).token;
  aliceId = (await okta("POST", "/Users", user("alice.okta", "Alice Okta"))).body.id;
  bobId = (await entra("POST", "/Users", user("bob.entra", "Bob Entra"))).body.id;
  sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
});
afterAll(() => t.close());

describe("a SCIM token reaches only its source's people", () => {
  it("a hire through a token is managed by that token's source; the audit event says so", async () => {
    expect(await row(aliceId)).toMatchObject({ managedBy: "okta" });
    expect(await row(bobId)).toMatchObject({ managedBy: "entra" });
    expect(await row(sarahId)).toMatchObject({ managedBy: null });
    const [hired] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.hired"), eq(auditEvents.subjectId, bobId)));
    expect(hired).toMatchObject({
      actorLabel: "system:scim:entra",
      after: expect.objectContaining({ managedBy: "entra" }),
    });
  });

  it("B's token lists only B's people: totalResults, pages and filters never count A's or anyone else's", async () => {
    const [{ n: everyone }] = (await t.db.select({ n: count() }).from(identities)) as [{ n: number }];
    expect(everyone).toBeGreaterThan(100);
    const all = await entra("GET", "/Users?count=200");
    expect(all.body).toMatchObject({
      totalResults: 1,
      itemsPerPage: 1,
      Resources: [{ id: bobId, userName: "bob.entra@company.com" }],
    });
    expect((await entra("GET", "/Users?count=0")).body).toMatchObject({ totalResults: 1, Resources: [] });
    for (const filter of [
      'userName eq "alice.okta@company.com"',
      'userName eq "sarah.chen@company.com"',
      'externalId eq "sarah.chen"',
      'title eq "Support Engineer" and not (userName eq "bob.entra@company.com")',
    ]) {
      expect((await entra("GET", `/Users?${new URLSearchParams({ filter })}`)).body, filter).toMatchObject({
        totalResults: 0,
        Resources: [],
      });
    }
    expect(
      (await entra("GET", `/Users?${new URLSearchParams({ filter: "active eq true or active eq false" })}`)).body
        .totalResults,
    ).toBe(1);
    expect((await okta("GET", "/Users")).body).toMatchObject({ totalResults: 1, Resources: [{ id: aliceId }] });
    // A SearchRequest, at /Users/.search or the root, is the same read with the same scope.
    const search = { schemas: ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], count: 200 };
    for (const path of ["/Users/.search", "/.search"]) {
      expect((await entra("POST", path, search)).body, path).toMatchObject({
        totalResults: 1,
        Resources: [{ id: bobId }],
      });
      const sarah = { ...search, filter: 'userName eq "sarah.chen@company.com"' };
      expect((await entra("POST", path, sarah)).body, path).toMatchObject({ totalResults: 0, Resources: [] });
    }
  });

  it("GET, PUT, PATCH and DELETE of A's person (or an unmanaged one) through B's token answer exactly as a User that does not exist, and change nothing", async () => {
    const notFound = (id: string) => ({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "404",
      detail: `No User has id ${id}`,
    });
    const calls = (id: string) => [
      () => entra("GET", `/Users/${id}`),
      () => entra("PUT", `/Users/${id}`, { ...user("alice.okta", "Taken Over"), title: "CEO" }),
      () => entra("PATCH", `/Users/${id}`, patchOp({ op: "replace", value: { active: false, title: "CEO" } })),
      () => entra("DELETE", `/Users/${id}`),
    ];
    const before = { alice: await row(aliceId), sarah: await row(sarahId), audits: await auditCount() };
    for (const [i, call] of calls(nobody).entries()) {
      const missing = await call();
      expect(missing).toMatchObject({ status: 404, body: notFound(nobody) });
      for (const id of [aliceId, sarahId]) {
        const refused = await calls(id)[i]!();
        expect(refused.status).toBe(404);
        expect(refused.body).toEqual(notFound(id));
        expect([...refused.headers.keys()].sort()).toEqual([...missing.headers.keys()].sort());
      }
    }
    expect(await row(aliceId)).toEqual(before.alice);
    expect(await row(sarahId)).toEqual(before.sarah);
    expect(await auditCount()).toBe(before.audits);
  });

  it("a POST of someone who exists (whoever manages them) is a 409 worded as for B's own people, and takes nobody over", async () => {
    const audits = await auditCount();
    const own = await entra("POST", "/Users", { ...user("bob.entra", "Bob Again"), externalId: "bob.entra.2" });
    const others = await entra("POST", "/Users", { ...user("alice.okta", "Alice Taken"), externalId: "alice.okta.2" });
    const seeded = await entra("POST", "/Users", { ...user("sarah.chen", "Sarah Taken"), externalId: "sarah.chen.2" });
    expect(own).toMatchObject({
      status: 409,
      body: { scimType: "uniqueness", detail: "userName: another User already has bob.entra@company.com" },
    });
    expect(others).toMatchObject({
      status: 409,
      body: { scimType: "uniqueness", detail: "userName: another User already has alice.okta@company.com" },
    });
    expect(seeded).toMatchObject({
      status: 409,
      body: { scimType: "uniqueness", detail: "userName: another User already has sarah.chen@company.com" },
    });
    const byExternalId = await entra("POST", "/Users", {
      ...user("alice.other", "Alice Other"),
      externalId: "alice.okta",
    });
    expect(byExternalId).toMatchObject({
      status: 409,
      body: { scimType: "uniqueness", detail: "externalId: another User already has alice.okta" },
    });
    expect(await row(aliceId)).toMatchObject({ managedBy: "okta", displayName: "Alice Okta" });
    expect(await row(sarahId)).toMatchObject({ managedBy: null });
    expect(await auditCount()).toBe(audits);
  });

  it("a manager another source manages is named by id only: no displayName, and filtering by that name finds nothing", async () => {
    const reply = await entra(
      "PATCH",
      `/Users/${bobId}`,
      patchOp({ op: "add", path: `${ENTERPRISE}:manager`, value: aliceId }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body[ENTERPRISE].manager).toEqual({
      value: aliceId,
      $ref: `http://clearance.test/api/scim/v2/Users/${aliceId}`,
    });
    expect((await row(bobId)).managerId).toBe(aliceId);
    const byName = new URLSearchParams({ filter: `${ENTERPRISE}:manager.displayName eq "Alice Okta"` });
    expect((await entra("GET", `/Users?${byName}`)).body.totalResults).toBe(0);
    const byId = new URLSearchParams({ filter: `${ENTERPRISE}:manager.value eq "${aliceId}"` });
    expect((await entra("GET", `/Users?${byId}`)).body.totalResults).toBe(1);
  });

  it("IT hands Alice from A to B, audited with the reason: then B reads and changes her, and A answers 404", async () => {
    const caller = await itAdmin();
    expect(
      await caller.identities.handOver({
        identityId: aliceId,
        toSource: "entra",
        reason: "Alice moved to the Entra ID tenant",
      }),
    ).toEqual({ identityId: aliceId, managedBy: "entra" });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.source_changed"), eq(auditEvents.subjectId, aliceId)));
    expect(event).toMatchObject({
      actorLabel: "priya.raman@company.com",
      subjectType: "identity",
      before: { managedBy: "okta" },
      after: { managedBy: "entra" },
      reason: "Alice moved to the Entra ID tenant",
    });

    expect(await entra("GET", `/Users/${aliceId}`)).toMatchObject({
      status: 200,
      body: { userName: "alice.okta@company.com" },
    });
    expect(
      (await entra("PATCH", `/Users/${aliceId}`, patchOp({ op: "replace", path: "title", value: "Support Lead" }))).body
        .title,
    ).toBe("Support Lead");
    expect((await entra("GET", "/Users")).body.totalResults).toBe(2);
    // Alice is now B's, so her name shows as Bob's manager.
    expect((await entra("GET", `/Users/${bobId}`)).body[ENTERPRISE].manager).toMatchObject({
      value: aliceId,
      displayName: "Alice Okta",
    });

    expect(await okta("GET", `/Users/${aliceId}`)).toMatchObject({
      status: 404,
      body: { detail: `No User has id ${aliceId}` },
    });
    expect((await okta("DELETE", `/Users/${aliceId}`)).status).toBe(404);
    expect((await okta("GET", "/Users")).body.totalResults).toBe(0);
    expect(await row(aliceId)).toMatchObject({
      jobTitle: "Support Lead",
      employmentStatus: "Active",
      managedBy: "entra",
    });
  });
});
