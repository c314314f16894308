import { and, count, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleHrEvent } from "@/server/api/hr";
import { auditEvents, identities } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { giveEveryoneTo } from "@/test/support/hr";
import { as, movableClock } from "@/test/support/requests";
import { ENTERPRISE, PATCH_OP, USER } from "@/test/support/scim";
import { scimClient } from "@/test/support/scim-client";
import { listAttributeOwnership, setAttributeOwnership } from "./attribute-ownership";
import type { ServiceContext } from "./context";
import { createHrSource } from "./hr/events";
import { getIdentity } from "./identities";
import { addPersonByHand } from "./identity-by-hand";
import { applyIdentityImport } from "./identity-import/apply";
import { previewIdentityImport } from "./identity-import/preview";

let t: TestDatabase;
let it_: ServiceContext;
let okta: string;
let workday: string;
let johnId: string;
const clock = movableClock("2026-06-01T08:00:00Z");
const scim = (...args: Parameters<ReturnType<typeof scimClient>>) => scimClient(t.db, clock, () => okta)(...args);
const csvOf = (...lines: string[]) => `${lines.join("\n")}\n`;
const person = async (id: string) => (await t.db.select().from(identities).where(eq(identities.id, id)))[0]!;
const ignoredEvents = async (id: string) =>
  t.db
    .select({ after: auditEvents.after, context: auditEvents.context, actor: auditEvents.actorLabel })
    .from(auditEvents)
    .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, "identity.attribute_writes_ignored")))
    .orderBy(desc(auditEvents.id));
const importCsv = async (csv: string) => {
  const preview = await previewIdentityImport({ ctx: it_, input: { csv } });
  return {
    preview,
    applied: await applyIdentityImport({ ctx: it_, input: { csv, fingerprint: preview.fingerprint } }),
  };
};

async function hrEvent(body: Record<string, unknown>) {
  const res = await handleHrEvent(
    new Request("http://clearance.test/api/hr/events", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${workday}` },
      body: JSON.stringify(body),
    }),
    t.db,
    clock,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  t = await createTestDatabase();
  it_ = await as(t.db, "priya.raman@company.com", clock);
  okta = (await createHrSource({ ctx: it_, input: { key: "okta", name: "Okta" } })).token;
  workday = (await createHrSource({ ctx: it_, input: { key: "workday", name: "Workday" } })).token;
  await giveEveryoneTo(it_, "okta");
  johnId = await identityIdByEmail(t.db, "john.doe@company.com");
});
afterAll(() => t.close());

describe("declaring what a channel owns", () => {
  it("defaults to every attribute; a declaration is audited, refuses unknown attributes and changes nobody", async () => {
    expect(await listAttributeOwnership({ ctx: it_ })).toMatchObject({
      sources: [
        { key: "okta", owned: null },
        { key: "workday", owned: null },
      ],
      csv: null,
      manual: null,
    });
    const before = await person(johnId);
    await expect(
      setAttributeOwnership({ ctx: it_, input: { writer: { kind: "csv" }, attributes: ["title"] } }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "attributes", message: /Not HR attributes: title/ });
    await expect(
      setAttributeOwnership({ ctx: it_, input: { writer: { kind: "source", key: "nobody" }, attributes: [] } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", field: "writer" });
    // Okta keeps who people are and their groups; HR (the CSV import here) keeps jobs and status.
    await setAttributeOwnership({
      ctx: it_,
      input: { writer: { kind: "source", key: "okta" }, attributes: ["manager", "groups", "location"] },
    });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "identity.attribute_ownership_changed"));
    expect(event).toMatchObject({
      subjectId: "okta",
      before: { ownedAttributes: null },
      after: { ownedAttributes: ["groups", "location", "manager"] },
    });
    expect(await person(johnId)).toEqual(before);
  });
});

describe("a source's writes to attributes it does not own (Okta's profile push)", () => {
  it("a CSV import sets what Okta does not own, and is refused what Okta owns, shown in the preview and recorded", async () => {
    const { preview, applied } = await importCsv(
      csvOf("external_id,job_title,employment_type,employment_status,location", "john.doe,VP Sales,FTE,On Leave,Mars"),
    );
    expect(preview.ignored).toEqual([
      expect.objectContaining({
        row: 2,
        ignored: [{ attribute: "location", sent: "Mars", reason: "owned_by_source" }],
      }),
    ]);
    expect(applied).toMatchObject({ changed: 1 });
    expect(await person(johnId)).toMatchObject({
      jobTitle: "VP Sales",
      employmentStatus: "On Leave",
      location: expect.not.stringMatching("Mars"),
    });
    const [imported] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "identity.csv_imported"));
    expect(imported).toMatchObject({
      after: { ignored: 1 },
      context: { ignored: [{ row: 2, externalId: "john.doe", attribute: "location", sent: "Mars" }] },
    });
  });

  it("a PUT that leaves out title and userType and says active keeps them and On Leave; a different value is recorded", async () => {
    const user = (await scim("GET", `/Users/${johnId}`)).body;
    const before = await person(johnId);
    const { title: _t, userType: _u, ...rest } = user;
    const put = await scim("PUT", `/Users/${johnId}`, { ...rest, active: true });
    expect(put.status).toBe(200);
    expect(await person(johnId)).toMatchObject({
      jobTitle: "VP Sales",
      employmentType: "FTE",
      employmentStatus: "On Leave",
    });
    // active: true differs from On Leave: that one is worth recording, the omissions are not
    expect((await ignoredEvents(johnId))[0]).toMatchObject({
      after: { employment_status: "Active" },
      context: { source: "scim", sourceKey: "okta", why: { employment_status: "not_owned" } },
    });
    expect((await person(johnId)).updatedAt).toEqual(before.updatedAt);

    clock.advance(1);
    const patch = await scim("PATCH", `/Users/${johnId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: "replace", path: "title", value: "Intern" },
        { op: "replace", path: `${ENTERPRISE}:department`, value: "Marketing" },
      ],
    });
    expect(patch.status).toBe(200);
    expect(patch.body).toMatchObject({ title: "VP Sales" });
    expect(await person(johnId)).toMatchObject({ jobTitle: "VP Sales", department: before.department });
    expect((await ignoredEvents(johnId))[0]).toMatchObject({
      after: { job_title: "Intern", department: "Marketing" },
    });
  });

  it("what Okta owns still applies, and the person's page says who set each attribute and when", async () => {
    clock.advance(1);
    const patch = await scim("PATCH", `/Users/${johnId}`, {
      schemas: [PATCH_OP],
      Operations: [
        { op: "replace", path: "urn:ietf:params:scim:schemas:extension:clearance:2.0:User:location", value: "Lisbon" },
      ],
    });
    expect(patch.status).toBe(200);
    const page = await getIdentity({ ctx: it_, input: { id: johnId } });
    expect(page.attributes.location).toBe("Lisbon");
    expect(page.provenance).toMatchObject({
      location: { source: "scim", actorLabel: "system:scim:okta", effectiveAt: clock() },
      job_title: { source: "csv", actorLabel: "priya.raman@company.com" },
    });
  });

  it("a new User over SCIM gets only what Okta owns; the rest it sent is in the hire's audit event", async () => {
    const created = await scim("POST", "/Users", {
      schemas: [USER, ENTERPRISE],
      userName: "new.hire@company.com",
      title: "Engineer",
      [ENTERPRISE]: { department: "Engineering" },
    });
    expect(created.status).toBe(201);
    const hired = await person(created.body.id as string);
    expect(hired).toMatchObject({ jobTitle: null, department: null, employmentStatus: "Active", managedBy: "okta" });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, hired.id), eq(auditEvents.action, "identity.hired")));
    expect(event!.context).toMatchObject({ ignored: { job_title: "Engineer", department: "Engineering" } });
  });

  it("groups of a source that does not own `groups` stay readable over SCIM and do not reach the attribute", async () => {
    await setAttributeOwnership({
      ctx: it_,
      input: { writer: { kind: "source", key: "okta" }, attributes: ["manager", "location"] },
    });
    const group = await scim("POST", "/Groups", {
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:Group"],
      displayName: "platform-oncall",
      members: [{ value: johnId }],
    });
    expect(group.status).toBe(201);
    expect((await scim("GET", `/Groups/${group.body.id}`)).body.members).toEqual([
      expect.objectContaining({ value: johnId }),
    ]);
    expect((await person(johnId)).groups).toEqual([]);
  });
});

describe("HR events and adding by hand", () => {
  it("an HR source's event changes only what it owns; the rest is recorded", async () => {
    await setAttributeOwnership({
      ctx: it_,
      input: { writer: { kind: "source", key: "workday" }, attributes: ["job_title", "employment_status"] },
    });
    const hire = await hrEvent({
      event: "employee.hired",
      event_id: "wd-1",
      user_id: "maria.lopez",
      display_name: "Maria Lopez",
      start_date: "2026-06-01",
      job_title: "Sales Engineer",
      department: "Sales",
    });
    expect(hire).toMatchObject({ status: 200, body: { status: "applied" } });
    const [maria] = await t.db.select().from(identities).where(eq(identities.externalId, "maria.lopez"));
    expect(maria).toMatchObject({ jobTitle: "Sales Engineer", department: null, managedBy: "workday" });
    const update = await hrEvent({
      event: "employee.updated",
      event_id: "wd-2",
      user_id: "maria.lopez",
      changes: {
        job_title: { new: "Senior Sales Engineer" },
        department: { new: "Marketing" },
        effective_date: "2026-06-01",
      },
    });
    expect(update).toMatchObject({ status: 200, body: { status: "applied" } });
    expect(await person(maria!.id)).toMatchObject({ jobTitle: "Senior Sales Engineer", department: null });
    expect((await ignoredEvents(maria!.id))[0]).toMatchObject({
      after: { department: "Marketing" },
      context: { source: "hr_event", sourceKey: "workday", why: { department: "not_owned" } },
    });
  });

  it("adding someone by hand with an attribute the manual channel does not own is refused, naming the field", async () => {
    await setAttributeOwnership({ ctx: it_, input: { writer: { kind: "manual" }, attributes: ["job_title"] } });
    const [{ n: people }] = (await t.db.select({ n: count() }).from(identities)) as [{ n: number }];
    await expect(
      addPersonByHand({
        ctx: it_,
        input: {
          email: "contractor@company.com",
          displayName: "Con Tractor",
          attributes: { job_title: "Consultant", department: "Sales" },
          reason: "Six-week engagement",
        },
      }),
    ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "department" });
    expect((await t.db.select({ n: count() }).from(identities))[0]!.n).toBe(people);
  });
});
