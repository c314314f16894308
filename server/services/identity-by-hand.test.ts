import { and, count, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleHrEvent } from "@/server/api/hr";
import { auditEvents, identities } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { ENTERPRISE, USER } from "@/test/support/scim";
import { scimClient } from "@/test/support/scim-client";
import { createHrSource } from "./hr/events";
import { addPersonByHand } from "./identity-by-hand";
import { grantPortalRole } from "./portal-roles";

/** Issue 15, point 8: people without an HR feed, and the source that later takes them over. */
let t: TestDatabase;
const clock = movableClock("2026-06-01T08:00:00Z");
const tokens = { workday: "", bamboo: "", okta: "" };
let eventNumber = 0;

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  for (const [key, name] of [
    ["workday", "Workday"],
    ["bamboo", "BambooHR"],
    ["okta", "Okta"],
  ] as const)
    tokens[key] = (await createHrSource({ ctx: it_, input: { key, name } })).token;
});
afterAll(() => t.close());

const it_ = () => as(t.db, "priya.raman@company.com", clock);
const byEmail = async (email: string) =>
  t.db
    .select()
    .from(identities)
    .where(sql`lower(${identities.email}) = ${email}`);
const eventsOf = async (id: string, action: string) =>
  (
    await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, action)))
  ).map((e) => ({ reason: e.reason, context: e.context, after: e.after }));
async function hrEvent(source: keyof typeof tokens, body: Record<string, unknown>) {
  clock.advance(1);
  const res = await handleHrEvent(
    new Request("http://clearance.test/api/hr/events", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${tokens[source]}`,
        "idempotency-key": `${source}-${++eventNumber}`,
      },
      body: JSON.stringify(body),
    }),
    t.db,
    clock,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
const addContractor = async (email: string, extra: Partial<Parameters<typeof addPersonByHand>[0]["input"]> = {}) =>
  addPersonByHand({
    ctx: await it_(),
    input: {
      email,
      displayName: "Dana Contractor",
      attributes: { department: "Engineering", job_title: "Software Engineer", employment_type: "Contractor" },
      reason: "Starts Monday; HR adds contractors next month",
      ...extra,
    },
  });

describe("IT adds a person by hand", () => {
  it("with their attributes, awaiting a source; the audit trail says it was by hand and why", async () => {
    const { id } = await addContractor("dana.contractor@company.com");
    const [row] = await byEmail("dana.contractor@company.com");
    expect(row).toMatchObject({
      displayName: "Dana Contractor",
      department: "Engineering",
      employmentType: "Contractor",
      employmentStatus: "Active",
      managedBy: null,
      awaitingSource: true,
      externalId: "dana.contractor@company.com",
    });
    expect(await eventsOf(id, "identity.hired")).toEqual([
      expect.objectContaining({
        reason: "Added by hand: Starts Monday; HR adds contractors next month",
        context: expect.objectContaining({ source: "admin" }),
      }),
    ]);
  });

  it("refuses an email or user id already taken and an unknown attribute, naming the field; nobody is added", async () => {
    const before = (await t.db.select({ n: count() }).from(identities))[0]!.n;
    await expect(addContractor("sarah.chen@company.com")).rejects.toMatchObject({ code: "CONFLICT", field: "email" });
    // Added by hand twice: the email is what is taken (it also stands in for the user id).
    await expect(addContractor("Dana.Contractor@company.com")).rejects.toMatchObject({
      code: "CONFLICT",
      field: "email",
      message: "Another identity already has the email dana.contractor@company.com",
    });
    await expect(addContractor("someone.new@company.com", { externalId: "sarah.chen" })).rejects.toMatchObject({
      code: "CONFLICT",
      field: "externalId",
    });
    await expect(addContractor("someone.else@company.com", { attributes: { shoe_size: "44" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "shoe_size",
    });
    expect((await t.db.select({ n: count() }).from(identities))[0]!.n).toBe(before);
  });
});

describe("the first source that sends their email takes them over", () => {
  it("an HR hire: its user id and attributes replace IT's, it manages them, audited; nobody is created", async () => {
    const { id } = await addContractor("erin.early@company.com", { displayName: "Erin Early" });
    const hired = await hrEvent("workday", {
      event: "employee.hired",
      user_id: "erin.early",
      email: "erin.early@company.com",
      start_date: "2026-06-01",
      job_title: "Staff Engineer",
      department: "Engineering",
      employment_type: "FTE",
    });
    expect(hired.status).toBe(200);
    const rows = await byEmail("erin.early@company.com");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id,
      externalId: "erin.early",
      managedBy: "workday",
      awaitingSource: false,
      jobTitle: "Staff Engineer",
      employmentType: "FTE",
    });
    expect(await eventsOf(id, "identity.taken_over")).toEqual([
      expect.objectContaining({ after: { externalId: "erin.early", managedBy: "workday" } }),
    ]);
    // Taken over once: another source's hire of the same email is refused as before.
    expect(
      await hrEvent("bamboo", {
        event: "employee.hired",
        user_id: "erin.e",
        email: "erin.early@company.com",
        start_date: "2026-06-01",
        job_title: "Intern",
        department: "Legal",
      }),
    ).toMatchObject({ status: 422, body: { error: "Another identity already has the email erin.early@company.com" } });
  });

  it("an HR hire with the user id IT gave takes them over too", async () => {
    const { id } = await addContractor("gus.given@company.com", { displayName: "Gus Given", externalId: "E-1042" });
    const hired = await hrEvent("workday", {
      event: "employee.hired",
      user_id: "E-1042",
      email: "gus.given@company.com",
      start_date: "2026-06-01",
      job_title: "Analyst",
      department: "Finance",
    });
    expect(hired.status).toBe(200);
    expect((await byEmail("gus.given@company.com"))[0]).toMatchObject({
      id,
      managedBy: "workday",
      jobTitle: "Analyst",
    });
  });

  it("never someone holding a portal role: a token must not come to manage an administrator", async () => {
    await addContractor("hana.admin@company.com", { displayName: "Hana Admin" });
    await grantPortalRole({
      ctx: await it_(),
      input: { email: "hana.admin@company.com", role: "it_admin", reason: "Second administrator" },
    });
    const before = (await byEmail("hana.admin@company.com"))[0]!;
    expect(
      await hrEvent("bamboo", {
        event: "employee.hired",
        user_id: "hana.a",
        email: "hana.admin@company.com",
        start_date: "2026-06-01",
        job_title: "Intern",
        department: "Legal",
      }),
    ).toMatchObject({ status: 422 });
    expect((await byEmail("hana.admin@company.com"))[0]).toEqual(before);
  });

  it("never someone a source manages or the seed holds: their email stays a conflict", async () => {
    const sarah = (await byEmail("sarah.chen@company.com"))[0]!;
    expect(
      await hrEvent("bamboo", {
        event: "employee.hired",
        user_id: "sarah.c2",
        email: "sarah.chen@company.com",
        start_date: "2026-06-01",
        job_title: "CEO",
        department: "Legal",
      }),
    ).toMatchObject({ status: 422 });
    expect((await byEmail("sarah.chen@company.com"))[0]).toEqual(sarah);
  });

  it("a SCIM POST of the same email takes them over and updates them with the User it sent", async () => {
    const { id } = await addContractor("finn.first@company.com", { displayName: "Finn First" });
    const okta = scimClient(t.db, clock, () => tokens.okta);
    const created = await okta("POST", "/Users", {
      schemas: [USER, ENTERPRISE],
      userName: "finn.first@company.com",
      externalId: "00u-finn",
      displayName: "Finn First",
      title: "Support Engineer",
      [ENTERPRISE]: { department: "Support" },
    });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(id);
    expect((await byEmail("finn.first@company.com"))[0]).toMatchObject({
      externalId: "00u-finn",
      managedBy: "okta",
      awaitingSource: false,
      department: "Support",
      jobTitle: "Support Engineer",
    });
    expect(await eventsOf(id, "identity.taken_over")).toHaveLength(1);
  });
});
