import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, identities } from "@/server/db/schema";
import { createHrSource } from "@/server/services/hr/events";
import { setScimSignInEmail } from "@/server/services/hr/scim-settings";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { ENTERPRISE, PATCH_OP, USER } from "@/test/support/scim";
import { sourceClients } from "@/test/support/scim-client";

/**
 * The requests Microsoft Entra ID and Okta send, replayed as they send them, over HTTP route
 * handlers. Bodies are those of the vendors' documentation:
 * - Entra ID: https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups
 *   ("User operations": Create User, Get User by query, Update User [Multi-valued properties],
 *   Update User [Single-valued properties], Disable User, Delete User) and
 *   https://learn.microsoft.com/en-us/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility
 *   (the "False" string, capitalised ops, the manager as a bare id);
 * - Okta: https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/ (Create the user,
 *   Retrieve a specific user by name, Update a specific user (PUT), Update a specific user (PATCH)).
 */
let t: TestDatabase;
const tokens: Record<string, string> = {};
const clock = movableClock("2026-06-01T08:00:00Z");
const client = sourceClients<"entra" | "okta">(() => t.db, clock, tokens);
const entra = client("entra");
const okta = client("okta");
const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const person = async (id: string) => (await t.db.select().from(identities).where(eq(identities.id, id)))[0]!;
const q = (filter: string) => `/Users?filter=${encodeURIComponent(filter)}`;

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  tokens.entra = (await createHrSource({ ctx: it_, input: { key: "entra", name: "Entra ID" } })).token;
  tokens.okta = (await createHrSource({ ctx: it_, input: { key: "okta", name: "Okta" } })).token;
});
afterAll(() => t.close());

describe("Microsoft Entra ID provisioning a user", () => {
  let id: string;
  const upn = "AdeleV@contoso.onmicrosoft.com";

  it("looks the user up by userName (the UPN), creates them, and signs them in with the work email", async () => {
    expect((await entra("GET", q(`userName eq "${upn}"`))).body).toMatchObject({ totalResults: 0, Resources: [] });
    const created = await entra("POST", "/Users", {
      schemas: [USER, ENTERPRISE],
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      userName: upn,
      active: true,
      emails: [{ primary: true, type: "work", value: "adele.vance@company.com" }],
      meta: { resourceType: "User" },
      name: { formatted: "Adele Vance", familyName: "Vance", givenName: "Adele" },
      roles: [],
    });
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(created.body).toMatchObject({
      userName: upn,
      externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
      name: { formatted: "Adele Vance", familyName: "Vance", givenName: "Adele" },
      emails: [{ primary: true, type: "work", value: "adele.vance@company.com" }],
    });
    expect(await person(id)).toMatchObject({
      email: "adele.vance@company.com",
      displayName: "Adele Vance",
      employmentStatus: "Active",
    });
    // Entra looks up by userName in any case, and by externalId.
    expect((await entra("GET", q(`userName eq "adelev@CONTOSO.onmicrosoft.com"`))).body.totalResults).toBe(1);
    expect((await entra("GET", q(`externalId eq "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef"`))).body.totalResults).toBe(1);
  });

  it("a new work email changes the sign-in email and not userName; a new UPN changes userName and not the email; sent again, nothing flips", async () => {
    const newEmail = patchOp(
      { op: "Replace", path: 'emails[type eq "work"].value', value: "adele.vance-smith@company.com" },
      { op: "Replace", path: "name.familyName", value: "Vance-Smith" },
    );
    const newUpn = patchOp({ op: "Replace", path: "userName", value: "AdeleVS@contoso.onmicrosoft.com" });
    for (let round = 0; round < 2; round++) {
      expect((await entra("PATCH", `/Users/${id}`, newEmail)).status).toBe(200);
      expect((await entra("PATCH", `/Users/${id}`, newUpn)).status).toBe(200);
      expect(await person(id)).toMatchObject({ email: "adele.vance-smith@company.com" });
      expect((await entra("GET", `/Users/${id}`)).body).toMatchObject({
        userName: "AdeleVS@contoso.onmicrosoft.com",
        name: { familyName: "Vance-Smith" },
        emails: [{ value: "adele.vance-smith@company.com", type: "work", primary: true }],
      });
    }
    const changes = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.account_changed"), eq(auditEvents.subjectId, id)));
    // Two changes the first time round; the second round asks for what is already so.
    expect(changes).toHaveLength(2);
    expect(changes[0]).toMatchObject({
      before: { email: "adele.vance@company.com" },
      after: { email: "adele.vance-smith@company.com" },
    });
  });

  it("sets employeeNumber as a writable string: it becomes the HR id", async () => {
    const reply = await entra(
      "PATCH",
      `/Users/${id}`,
      patchOp({ op: "Add", path: `${ENTERPRISE}:employeeNumber`, value: "701984" }),
    );
    expect(reply.status).toBe(200);
    expect(reply.body[ENTERPRISE]).toMatchObject({ employeeNumber: "701984" });
    expect((await person(id)).externalId).toBe("701984");
  });

  it("removes optional attributes it no longer maps: displayName, name, phone numbers, externalId", async () => {
    await entra(
      "PATCH",
      `/Users/${id}`,
      patchOp(
        { op: "Add", path: "displayName", value: "Adele V." },
        { op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0100" },
      ),
    );
    const removed = await entra(
      "PATCH",
      `/Users/${id}`,
      patchOp(
        { op: "Remove", path: "displayName" },
        { op: "Remove", path: "name" },
        { op: "Remove", path: 'phoneNumbers[type eq "mobile"]' },
        { op: "Remove", path: "externalId" },
        { op: "Remove", path: `${ENTERPRISE}:employeeNumber` },
      ),
    );
    expect(removed.status).toBe(200);
    for (const attribute of ["displayName", "name", "phoneNumbers", "externalId"])
      expect(removed.body).not.toHaveProperty(attribute);
    // Clearance still shows a name and signs the person in as before.
    // The HR id stays: HR events still name the person by it.
    expect(await person(id)).toMatchObject({
      displayName: "Adele V.",
      email: "adele.vance-smith@company.com",
      externalId: "701984",
    });
  });

  it('disables with "False" and deletes: then the User is 404, the person Terminated and kept', async () => {
    expect(
      (await entra("PATCH", `/Users/${id}`, patchOp({ op: "Replace", path: "active", value: "False" }))).body.active,
    ).toBe(false);
    expect((await person(id)).employmentStatus).toBe("Terminated");
    expect((await entra("DELETE", `/Users/${id}`)).status).toBe(204);
    expect((await entra("GET", `/Users/${id}`)).status).toBe(404);
    expect((await entra("GET", q(`userName eq "AdeleVS@contoso.onmicrosoft.com"`))).body.totalResults).toBe(0);
    expect(await person(id)).toMatchObject({ employmentStatus: "Terminated", email: "adele.vance-smith@company.com" });
  });
});

describe("Okta provisioning a user, with the source signing in by userName", () => {
  let id: string;

  it("IT sets the source to sign people in with userName, audited; someone whose userName is no address can still be deactivated", async () => {
    const earlier = await okta("POST", "/Users", {
      schemas: [USER],
      userName: "00u1early",
      emails: [{ value: "early.bird@company.com", primary: true }],
    });
    expect(earlier.status).toBe(201);
    const it_ = await as(t.db, "priya.raman@company.com", clock);
    await setScimSignInEmail({ ctx: it_, input: { key: "okta", from: "user_name" } });
    expect(
      (await okta("PATCH", `/Users/${earlier.body.id}`, patchOp({ op: "replace", value: { active: false } }))).body,
    ).toMatchObject({ active: false, userName: "00u1early" });
    expect(await person(earlier.body.id)).toMatchObject({
      email: "early.bird@company.com",
      employmentStatus: "Terminated",
    });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "hr_source.scim_sign_in_changed"), eq(auditEvents.subjectId, "okta")));
    expect(event).toMatchObject({
      before: { scimSignInEmail: "primary_email" },
      after: { scimSignInEmail: "user_name" },
      actorLabel: expect.stringContaining("priya.raman"),
    });
  });

  it("looks up, creates (the password and locale ignored), pushes a profile with a new userName, and deactivates", async () => {
    expect(
      (await okta("GET", `${q('userName eq "test.user@company.com"')}&startIndex=1&count=100`)).body,
    ).toMatchObject({ totalResults: 0 });
    const user = {
      schemas: [USER],
      userName: "test.user@company.com",
      name: { givenName: "Test", familyName: "User" },
      emails: [
        { primary: true, value: "test.user@company.com", type: "work" },
        { value: "tuser@home.example", type: "home" },
      ],
      displayName: "Test User",
      locale: "en-US",
      externalId: "00ujl29u0le5T6Aj10h7",
      groups: [],
      password: "1mz050nq",
      active: true,
    };
    const created = await okta("POST", "/Users", user);
    expect(created.status).toBe(201);
    id = created.body.id;
    expect(created.body.emails).toEqual(user.emails);
    expect(created.body).not.toHaveProperty("password");
    // The profile push: a new userName is the new sign-in email; the emails stay as Okta sent them.
    const pushed = await okta("PUT", `/Users/${id}`, { ...user, id, userName: "test.user2@company.com" });
    expect(pushed.body).toMatchObject({ userName: "test.user2@company.com", emails: user.emails });
    expect(await person(id)).toMatchObject({ email: "test.user2@company.com", externalId: "00ujl29u0le5T6Aj10h7" });
    // A userName that is no address cannot sign anyone in: refused, nothing changed.
    expect(await okta("PUT", `/Users/${id}`, { ...user, userName: "00ujl29u0le5T6Aj10h7" })).toMatchObject({
      status: 400,
      body: { scimType: "invalidValue", detail: expect.stringMatching(/^userName: must be an email address/) },
    });
    const deactivated = await okta("PATCH", `/Users/${id}`, patchOp({ op: "replace", value: { active: false } }));
    expect(deactivated.body.active).toBe(false);
    expect(await person(id)).toMatchObject({ email: "test.user2@company.com", employmentStatus: "Terminated" });
  });
});
