import { and, count, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessPlans, auditEvents, identities, identityAttributeChanges, portalSessions } from "@/server/db/schema";
import { createHrSource } from "@/server/services/hr/events";
import { startSession } from "@/server/services/sessions";
import { actorFor, identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { CLEARANCE, ENTERPRISE, PATCH_OP, USER } from "@/test/support/scim";
import { giveEveryoneTo } from "@/test/support/hr";
import { SCIM_BASE, scimClient } from "@/test/support/scim-client";

let t: TestDatabase;
let token: string;
let johnId: string;
let ctoId: string;
const clock = movableClock("2026-06-01T08:00:00Z");
const scim = (...args: Parameters<ReturnType<typeof scimClient>>) => {
  clock.advance(1); // each write gets its own lastModified, hence its own ETag
  return scimClient(t.db, clock, () => token)(...args);
};

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  token = (await createHrSource({ ctx: it_, input: { key: "okta", name: "Okta" } })).token;
  // Okta manages the seeded directory here (scoping itself: server/services/scim/scope.test.ts).
  await giveEveryoneTo(it_, "okta");
  johnId = await identityIdByEmail(t.db, "john.doe@company.com");
  ctoId = await identityIdByEmail(t.db, "cto@company.com");
});
afterAll(() => t.close());

const person = async (id: string) => (await t.db.select().from(identities).where(eq(identities.id, id)))[0]!;
const plansOf = async (id: string) =>
  (await t.db.select().from(accessPlans).where(eq(accessPlans.identityId, id)).orderBy(accessPlans.number)).map(
    (p) => ({ kind: p.kind, source: p.source }),
  );
const auditCount = async () => (await t.db.select({ n: count() }).from(auditEvents))[0]!.n;
const patchOp = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });

const maria = {
  schemas: [USER, ENTERPRISE, CLEARANCE],
  externalId: "maria.lopez",
  userName: "Maria.Lopez@company.com",
  name: { givenName: "Maria", familyName: "Lopez" },
  emails: [{ value: "maria.lopez@company.com", type: "work", primary: true }],
  active: true,
  title: "Sales Engineer",
  userType: "FTE",
  // Okta sends these; Clearance keeps none of them and must not refuse them.
  password: "Secret-123",
  locale: "en-US",
  phoneNumbers: [{ value: "+1 555 0100", type: "work" }],
  [ENTERPRISE]: { department: "Sales", costCenter: "CC-1234" },
  [CLEARANCE]: { team: "Enterprise Sales", location: "New York", hireDate: "2026-06-01", trainings: ["security-101"] },
};
let mariaId: string;

describe("SCIM discovery and authentication", () => {
  it("refuses /Users without a valid HR source token with a SCIM 401, and creates nothing", async () => {
    const before = (await t.db.select({ n: count() }).from(identities))[0]!.n;
    for (const bearer of [null, "hr_not-a-token"]) {
      const reply = await scim("GET", "/Users", undefined, { token: bearer });
      expect(reply).toMatchObject({
        status: 401,
        body: {
          schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
          status: "401",
          detail: expect.stringMatching(/HR source token/),
        },
      });
      expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect((await scim("POST", "/Users", maria, { token: bearer })).status).toBe(401);
    }
    expect((await t.db.select({ n: count() }).from(identities))[0]!.n).toBe(before);
  });

  it("describes what it supports: PATCH, filters up to 200, ETags, bearer tokens; no bulk, sort or password change", async () => {
    expect((await scim("GET", "/ServiceProviderConfig", undefined, { token: null })).body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      bulk: { supported: false },
      changePassword: { supported: false },
      sort: { supported: false },
      etag: { supported: true },
      authenticationSchemes: [{ type: "oauthbearertoken", primary: true }],
    });
    const types = (await scim("GET", "/ResourceTypes")).body;
    expect(types).toMatchObject({
      totalResults: 2,
      Resources: [
        {
          id: "User",
          endpoint: "/Users",
          schema: USER,
          schemaExtensions: [
            { schema: ENTERPRISE, required: false },
            { schema: CLEARANCE, required: false },
          ],
        },
        { id: "Group", endpoint: "/Groups", schema: "urn:ietf:params:scim:schemas:core:2.0:Group" },
      ],
    });
    const schemas = (await scim("GET", "/Schemas")).body.Resources as { id: string; attributes: { name: string }[] }[];
    expect(schemas.map((s) => s.id)).toEqual([
      USER,
      ENTERPRISE,
      CLEARANCE,
      "urn:ietf:params:scim:schemas:core:2.0:Group",
    ]);
    expect(schemas[1]!.attributes.map((a) => a.name)).toEqual([
      "employeeNumber",
      "costCenter",
      "department",
      "manager",
    ]);
  });
});

describe("a SCIM client provisions a person", () => {
  it("creates a joiner: the person exists with their attributes, a joiner plan and an audit event by the HR source", async () => {
    const reply = await scim("POST", "/Users", {
      ...maria,
      [ENTERPRISE]: { ...maria[ENTERPRISE], manager: { value: johnId } },
    });
    expect(reply.status).toBe(201);
    mariaId = reply.body.id;
    expect(reply.headers.get("location")).toBe(`${SCIM_BASE}/Users/${mariaId}`);
    expect(reply.headers.get("etag")).toBe(reply.body.meta.version);
    // What the client sent comes back as sent: userName in its case, the name in parts, the phone number.
    expect(reply.body).toMatchObject({
      externalId: "maria.lopez",
      userName: "Maria.Lopez@company.com",
      name: { givenName: "Maria", familyName: "Lopez" },
      emails: [{ value: "maria.lopez@company.com", type: "work", primary: true }],
      phoneNumbers: [{ value: "+1 555 0100", type: "work" }],
      active: true,
      title: "Sales Engineer",
      userType: "FTE",
      [ENTERPRISE]: {
        department: "Sales",
        costCenter: "CC-1234",
        manager: { value: johnId, displayName: "John Doe" },
      },
      [CLEARANCE]: {
        team: "Enterprise Sales",
        location: "New York",
        hireDate: "2026-06-01",
        trainings: ["security-101"],
      },
      meta: { resourceType: "User", location: `${SCIM_BASE}/Users/${mariaId}` },
    });
    expect(reply.body).not.toHaveProperty("password");
    expect(reply.body).not.toHaveProperty("displayName");
    expect(await person(mariaId)).toMatchObject({
      email: "maria.lopez@company.com",
      displayName: "Maria Lopez",
      externalId: "maria.lopez",
      jobTitle: "Sales Engineer",
      department: "Sales",
      managerId: johnId,
      employmentStatus: "Active",
      hireDate: "2026-06-01",
      team: "Enterprise Sales",
    });
    expect(await plansOf(mariaId)).toEqual([{ kind: "joiner", source: "scim" }]);
    const [hired] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.hired"), eq(auditEvents.subjectId, mariaId)));
    expect(hired).toMatchObject({ actorType: "system", actorLabel: "system:scim:okta" });
    expect((await scim("GET", `/Users/${mariaId}`)).body).toEqual(reply.body);
  });

  it.each([
    [
      "a userName taken (in any case)",
      { userName: "MARIA.LOPEZ@company.com", externalId: "someone.else" },
      409,
      "uniqueness",
      /userName: another User already has/,
    ],
    [
      "an externalId taken",
      { userName: "other@company.com", externalId: "maria.lopez" },
      409,
      "uniqueness",
      /externalId: another User already has maria.lopez/,
    ],
    [
      "a User with no email to sign in with",
      { userName: "maria", externalId: "x" },
      400,
      "invalidValue",
      /^emails: Clearance signs people in with their primary email/,
    ],
    [
      "a userName longer than 256 characters",
      { userName: `${"x".repeat(300)}@company.com`, externalId: "x9" },
      400,
      "invalidValue",
      /^userName: is longer than 256 characters/,
    ],
    [
      "a sign-in email another User has",
      { userName: "00u1maria", externalId: "x0", emails: [{ value: "Maria.Lopez@company.com", primary: true }] },
      409,
      "uniqueness",
      /^emails: another User already has/,
    ],
    [
      "an impossible hire date",
      { userName: "x1@company.com", externalId: "x1", [CLEARANCE]: { hireDate: "2026-02-30" } },
      400,
      "invalidValue",
      new RegExp(`^${CLEARANCE}:hireDate: .*YYYY-MM-DD`),
    ],
    [
      "a manager who is no User",
      {
        userName: "x2@company.com",
        externalId: "x2",
        [ENTERPRISE]: { manager: { value: "00000000-0000-4000-8000-000000000000" } },
      },
      400,
      "invalidValue",
      /manager.value: no User has id/,
    ],
    [
      "active that is no boolean",
      { userName: "x3@company.com", externalId: "x3", active: "maybe" },
      400,
      "invalidValue",
      /^active: must be true or false/,
    ],
    [
      "an attribute no schema has",
      { userName: "x4@company.com", externalId: "x4", favouriteColour: "blue" },
      400,
      "invalidValue",
      /^favouriteColour: is not an attribute/,
    ],
    [
      "no User schema",
      { schemas: [ENTERPRISE], userName: "x5@company.com" },
      400,
      "invalidSyntax",
      /schemas must include/,
    ],
  ])("refuses %s, creating nothing", async (_what, change, status, scimType, detail) => {
    const before = (await t.db.select({ n: count() }).from(identities))[0]!.n;
    const audits = await auditCount();
    const reply = await scim("POST", "/Users", { ...maria, emails: [], ...change });
    expect(reply).toMatchObject({
      status,
      body: { status: String(status), scimType, detail: expect.stringMatching(detail) },
    });
    expect((await t.db.select({ n: count() }).from(identities))[0]!.n).toBe(before);
    expect(await auditCount()).toBe(audits);
  });

  it("refuses a body that is not JSON with invalidSyntax", async () => {
    expect(await scim("POST", "/Users", "{ not json")).toMatchObject({
      status: 400,
      body: { scimType: "invalidSyntax" },
    });
  });

  it("PUT moves the person (title and department): a mover plan; the extension it did not send stays; a stale If-Match is refused", async () => {
    const before = (await scim("GET", `/Users/${mariaId}`)).body;
    const put = {
      schemas: [USER, ENTERPRISE],
      externalId: "maria.lopez",
      userName: "maria.lopez@company.com",
      displayName: "Maria Lopez",
      name: { givenName: "Maria", familyName: "Lopez" },
      emails: [{ value: "maria.lopez@company.com", type: "work", primary: true }],
      active: true,
      title: "Solutions Architect",
      userType: "FTE",
      [ENTERPRISE]: { department: "Engineering", costCenter: "CC-2000", manager: { value: johnId } },
    };
    const reply = await scim("PUT", `/Users/${mariaId}`, put, { headers: { "if-match": before.meta.version } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      title: "Solutions Architect",
      [ENTERPRISE]: { department: "Engineering", costCenter: "CC-2000" },
      [CLEARANCE]: { location: "New York", team: "Enterprise Sales" },
    });
    // A PUT replaces: the phone number it left out is gone.
    expect(reply.body).not.toHaveProperty("phoneNumbers");
    expect(reply.body.meta.version).not.toBe(before.meta.version);
    expect(await person(mariaId)).toMatchObject({
      jobTitle: "Solutions Architect",
      department: "Engineering",
      location: "New York",
    });
    expect(await plansOf(mariaId)).toEqual([
      { kind: "joiner", source: "scim" },
      { kind: "mover", source: "scim" },
    ]);
    const history = await t.db
      .select()
      .from(identityAttributeChanges)
      .where(
        and(eq(identityAttributeChanges.identityId, mariaId), eq(identityAttributeChanges.attribute, "department")),
      );
    expect(history.at(-1)).toMatchObject({
      oldValue: "Sales",
      newValue: "Engineering",
      source: "scim",
      actorLabel: "system:scim:okta",
    });

    const stale = await scim(
      "PUT",
      `/Users/${mariaId}`,
      { ...put, title: "Intern" },
      { headers: { "if-match": before.meta.version } },
    );
    expect(stale).toMatchObject({ status: 412, body: { status: "412" } });
    expect((await person(mariaId)).jobTitle).toBe("Solutions Architect");
  });

  it("answers GET with If-None-Match of the current version with 304", async () => {
    const current = await scim("GET", `/Users/${mariaId}`);
    const again = await scim("GET", `/Users/${mariaId}`, undefined, {
      headers: { "if-none-match": current.headers.get("etag")! },
    });
    expect(again).toMatchObject({ status: 304, body: null });
  });

  it("PATCH in Entra ID's style: capitalised ops, URN paths, the manager as a bare id, a filtered email path, a name part", async () => {
    const reply = await scim(
      "PATCH",
      `/Users/${mariaId}`,
      patchOp(
        { op: "Replace", path: "title", value: "Senior Solutions Architect" },
        { op: "Replace", path: `${ENTERPRISE}:department`, value: "Engineering" },
        { op: "Add", path: `${ENTERPRISE}:manager`, value: ctoId },
        { op: "Replace", path: 'emails[type eq "work"].value', value: "maria.lopez@company.com" },
        { op: "Replace", path: "name.givenName", value: "María" },
        { op: "Add", path: 'phoneNumbers[type eq "mobile"].value', value: "+1 555 0101" },
      ),
    );
    expect(reply.status).toBe(200);
    // The client's displayName stays as it sent it; the name Clearance shows follows the part that changed.
    expect(reply.body).toMatchObject({
      title: "Senior Solutions Architect",
      displayName: "Maria Lopez",
      name: { givenName: "María", familyName: "Lopez" },
      phoneNumbers: [{ type: "mobile", value: "+1 555 0101" }],
      [ENTERPRISE]: { manager: { value: ctoId, displayName: "Marcus Webb" } },
    });
    expect(await person(mariaId)).toMatchObject({
      jobTitle: "Senior Solutions Architect",
      displayName: "María Lopez",
      managerId: ctoId,
    });
    const changed = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.account_changed"), eq(auditEvents.subjectId, mariaId)))
      .orderBy(auditEvents.id);
    // The PUT's event holds the SCIM view before and after; this PATCH's names the new display name too.
    expect(changed.at(-2)).toMatchObject({
      before: { scim: { userName: "Maria.Lopez@company.com" } },
      after: { scim: { userName: "maria.lopez@company.com" } },
    });
    expect(changed.at(-1)).toMatchObject({
      before: { displayName: "Maria Lopez", scim: { name: { givenName: "Maria" } } },
      after: { displayName: "María Lopez", scim: { name: { givenName: "María" } } },
    });
  });

  it("PATCH in Okta's style: replace without a path, the value keyed by attribute and by extension", async () => {
    const reply = await scim(
      "PATCH",
      `/Users/${mariaId}`,
      patchOp({
        op: "replace",
        value: {
          title: "Principal Architect",
          [CLEARANCE]: { team: "Platform" },
          [`${ENTERPRISE}:costCenter`]: "CC-2100",
        },
      }),
    );
    expect(reply.body).toMatchObject({
      title: "Principal Architect",
      [CLEARANCE]: { team: "Platform", location: "New York" },
      [ENTERPRISE]: { costCenter: "CC-2100", department: "Engineering" },
    });
    expect(await person(mariaId)).toMatchObject({
      jobTitle: "Principal Architect",
      team: "Platform",
      costCenter: "CC-2100",
    });
  });

  it.each([
    [
      "a read-only attribute after a good operation",
      [
        { op: "replace", path: "title", value: "CEO" },
        { op: "replace", path: "id", value: "other" },
      ],
      "mutability",
      /Operations\[1\] \(replace id\): id is read-only/,
    ],
    [
      "a filter that selects nothing",
      [{ op: "replace", path: 'emails[type eq "home"].value', value: "m@home.example" }],
      "noTarget",
      /no value of emails matches/,
    ],
    [
      "a malformed filter in the path",
      [{ op: "replace", path: "emails[type eq work].value", value: "x" }],
      "invalidFilter",
      /Expected a value/,
    ],
    [
      "an impossible hire date",
      [{ op: "replace", path: `${CLEARANCE}:hireDate`, value: "June 1st" }],
      "invalidValue",
      new RegExp(`${CLEARANCE}:hireDate: hire_date must be a date`),
    ],
    [
      "a userName another User has",
      [{ op: "replace", path: "userName", value: "John.Doe@company.com" }],
      "uniqueness",
      /userName: another User already has/,
    ],
    [
      "an unknown op",
      [{ op: "merge", path: "title", value: "x" }],
      "invalidSyntax",
      /op must be add, remove or replace/,
    ],
  ])("a PATCH with %s is refused and changes nothing", async (_what, operations, scimType, detail) => {
    const before = await scim("GET", `/Users/${mariaId}`);
    const audits = await auditCount();
    const reply = await scim("PATCH", `/Users/${mariaId}`, patchOp(...operations));
    expect(reply).toMatchObject({
      status: scimType === "uniqueness" ? 409 : 400,
      body: { scimType, detail: expect.stringMatching(detail) },
    });
    expect((await scim("GET", `/Users/${mariaId}`)).body).toEqual(before.body);
    expect(await auditCount()).toBe(audits);
  });

  it("Okta deactivation (active=false) is a termination: Terminated, a leaver plan, portal sessions ended; active=true brings the person back", async () => {
    const sessionCtx = { db: t.db, clock, actor: await actorFor(t.db, "maria.lopez@company.com") };
    await startSession({ ctx: sessionCtx, input: { provider: "oidc", lifetimeSeconds: 3600 } });
    const reply = await scim("PATCH", `/Users/${mariaId}`, patchOp({ op: "replace", value: { active: false } }));
    expect(reply.body.active).toBe(false);
    expect((await person(mariaId)).employmentStatus).toBe("Terminated");
    expect((await plansOf(mariaId)).at(-1)).toEqual({ kind: "leaver", source: "scim" });
    const sessions = await t.db.select().from(portalSessions).where(eq(portalSessions.identityId, mariaId));
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.every((s) => s.endedAt !== null && s.endReason === "not_active")).toBe(true);

    const back = await scim("PATCH", `/Users/${mariaId}`, patchOp({ op: "replace", value: { active: true } }));
    expect(back.body.active).toBe(true);
    expect((await person(mariaId)).employmentStatus).toBe("Active");
  });

  it('Entra ID deactivation (Replace active "False") terminates a seeded person who had access', async () => {
    const sarahId = await identityIdByEmail(t.db, "sarah.chen@company.com");
    const reply = await scim("PATCH", `/Users/${sarahId}`, patchOp({ op: "Replace", path: "active", value: "False" }));
    expect(reply).toMatchObject({ status: 200, body: { active: false, userName: "sarah.chen@company.com" } });
    expect((await person(sarahId)).employmentStatus).toBe("Terminated");
    const [leaver] = await t.db
      .select()
      .from(accessPlans)
      .where(eq(accessPlans.identityId, sarahId))
      .orderBy(desc(accessPlans.number))
      .limit(1);
    expect(leaver).toMatchObject({ kind: "leaver", source: "scim", policiesAfter: [] });
  });

  it("DELETE makes the User 404 over SCIM and terminates the identity, kept for audit; a POST brings them back", async () => {
    const tom = {
      schemas: [USER],
      userName: "tom.short@company.com",
      displayName: "Tom Short",
      title: "Support Engineer",
      [ENTERPRISE]: { department: "Support" },
    };
    const created = await scim("POST", "/Users", tom);
    expect(created.body).not.toHaveProperty("externalId");
    const tomId = created.body.id;
    expect((await person(tomId)).externalId).toBe("tom.short");
    const deleted = await scim("DELETE", `/Users/${tomId}`);
    expect(deleted).toMatchObject({ status: 204, body: null });
    expect(await person(tomId)).toMatchObject({ employmentStatus: "Terminated", email: "tom.short@company.com" });
    expect(await plansOf(tomId)).toEqual([
      { kind: "joiner", source: "scim" },
      { kind: "leaver", source: "scim" },
    ]);
    const [audit] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.scim_deleted"), eq(auditEvents.subjectId, tomId)));
    expect(audit).toMatchObject({ actorLabel: "system:scim:okta", before: { userName: "tom.short@company.com" } });
    for (const [method, body] of [
      ["GET", undefined],
      ["PUT", { schemas: [USER], userName: "tom.short@company.com" }],
      ["PATCH", patchOp({ op: "replace", path: "title", value: "x" })],
      ["DELETE", undefined],
    ] as const)
      expect(await scim(method, `/Users/${tomId}`, body)).toMatchObject({ status: 404, body: { status: "404" } });
    const listed = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "tom.short@company.com"')}`);
    expect(listed.body.totalResults).toBe(0);
    expect(await plansOf(tomId)).toHaveLength(2);
    // The client creates them again with the very same body (a rehire): the same person, Active, with a plan.
    const again = await scim("POST", "/Users", tom);
    expect(again).toMatchObject({ status: 201, body: { id: tomId, active: true, title: "Support Engineer" } });
    expect((await person(tomId)).employmentStatus).toBe("Active");
    expect(await plansOf(tomId)).toHaveLength(3);
    expect((await scim("GET", `/Users/${tomId}`)).status).toBe(200);
  });

  it("answers 404 with a SCIM error for a User that does not exist", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      expect(await scim("GET", `/Users/${id}`)).toMatchObject({
        status: 404,
        body: { status: "404", detail: `No User has id ${id}` },
      });
      expect((await scim("PATCH", `/Users/${id}`, patchOp({ op: "replace", value: { active: false } }))).status).toBe(
        404,
      );
      expect((await scim("DELETE", `/Users/${id}`)).status).toBe(404);
    }
  });
});
