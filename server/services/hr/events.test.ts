import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { handleHrEvent } from "@/server/api/hr";
import { systemActor } from "@/server/core/actor";
import { auditEvents, hrEvents, identities, identityAttributeChanges } from "@/server/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { expectedAccessOf } from "../policies";
import { applyDueHrEvents, createHrSource } from "./events";
import { giveEveryoneTo } from "@/test/support/hr";

let t: TestDatabase;
let token: string;
const clock = movableClock("2025-05-24T08:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  token = (await createHrSource({ ctx: it_, input: { key: "workday", name: "Workday" } })).token;
  // Onboarding Workday over the seeded directory: IT gives it everyone (docs/security/source-scoping.md).
  await giveEveryoneTo(it_, "workday");
});
afterAll(() => t.close());

async function post(body: unknown, opts: { token?: string | null; eventId?: string } = {}) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  const bearer = opts.token === undefined ? token : opts.token;
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  if (opts.eventId) headers["idempotency-key"] = opts.eventId;
  const res = await handleHrEvent(
    new Request("http://clearance.test/api/hr/events", { method: "POST", headers, body: JSON.stringify(body) }),
    t.db,
    clock,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const sarahId = async () =>
  (await t.db.select({ id: identities.id }).from(identities).where(eq(identities.externalId, "sarah.chen")))[0]!.id;
const grants = async () => {
  const priya = await as(t.db, "priya.raman@company.com", clock);
  return (await expectedAccessOf({ ctx: priya, input: { identityId: await sarahId() } })).grants.map(
    (g) => `${g.resource}${g.level ? `@${g.level}` : ""}`,
  );
};

const promotion = {
  event: "employee.updated",
  user_id: "sarah.chen",
  changes: { job_title: { old: "Sales Engineer", new: "Senior Sales Engineer" }, effective_date: "2025-05-24" },
};

describe("HR events (seed 001)", () => {
  it("refuses a missing or wrong token, a body that is not an event, and an event without an id, changing nothing", async () => {
    expect(await post(promotion, { token: null, eventId: "e-1" })).toMatchObject({ status: 401 });
    expect(await post(promotion, { token: "hr_wrong", eventId: "e-1" })).toMatchObject({ status: 401 });
    expect(await post({ ...promotion, changes: { title: { new: "CEO" } } }, { eventId: "e-1" })).toMatchObject({
      status: 400,
      body: { field: "changes.title", error: expect.stringMatching(/unknown attribute "title"/) },
    });
    expect(await post({ event: "employee.terminated", user_id: "sarah.chen" }, { eventId: "e-1" })).toMatchObject({
      status: 400,
      body: { field: "termination_date" },
    });
    expect(await post(promotion)).toMatchObject({ status: 400, body: { field: "event_id" } });
    expect(await t.db.select().from(hrEvents)).toEqual([]);
  });

  it("the promotion applies at once and adds the senior grants; a resend is recognised and changes nothing", async () => {
    const before = await grants();
    expect(await post(promotion, { eventId: "wd-1001" })).toMatchObject({
      status: 200,
      body: { status: "applied", duplicate: false },
    });
    const after = await grants();
    expect(after.filter((g) => !before.includes(g)).sort()).toEqual([
      "salesforce:profile:sales-leadership@standard",
      "slack:channel:#sales-leadership@member",
    ]);
    expect(before.filter((g) => !after.includes(g))).toEqual([]);
    expect(await post(promotion, { eventId: "wd-1001" })).toMatchObject({
      status: 200,
      body: { status: "applied", duplicate: true },
    });
    const changes = await t.db
      .select()
      .from(identityAttributeChanges)
      .where(eq(identityAttributeChanges.identityId, await sarahId()));
    expect(changes.filter((c) => c.reason === "Promotion")).toEqual([
      expect.objectContaining({
        attribute: "job_title",
        oldValue: "Sales Engineer",
        newValue: "Senior Sales Engineer",
        source: "hr_event",
        effectiveAt: new Date("2025-05-24T00:00:00Z"),
      }),
    ]);
  });

  it("a future-dated transfer waits until its day, then moves Sarah to Engineering", async () => {
    const transfer = {
      event: "employee.updated",
      event_id: "wd-1002",
      user_id: "sarah.chen",
      changes: {
        job_title: { old: "Senior Sales Engineer", new: "Solutions Architect" },
        department: { old: "Sales", new: "Engineering" },
        effective_date: "2026-05-24",
      },
    };
    expect(await post(transfer)).toMatchObject({ status: 202, body: { status: "waiting" } });
    expect(await applyDueHrEvents({ ctx: { db: t.db, actor: systemActor("hr-events"), clock } })).toBe(0);
    expect((await t.db.select().from(identities).where(eq(identities.externalId, "sarah.chen")))[0]).toMatchObject({
      jobTitle: "Senior Sales Engineer",
      department: "Sales",
    });
    clock.set("2026-05-24T00:00:00Z");
    expect(await applyDueHrEvents({ ctx: { db: t.db, actor: systemActor("hr-events"), clock } })).toBe(1);
    expect((await t.db.select().from(identities).where(eq(identities.externalId, "sarah.chen")))[0]).toMatchObject({
      jobTitle: "Solutions Architect",
      department: "Engineering",
    });
    const now = await grants();
    expect(now).toEqual(
      expect.arrayContaining(["github:team:deployers@write", "gitlab:group:customer-solutions@developer"]),
    );
    expect(now.some((g) => g.startsWith("salesforce:"))).toBe(false);
  });

  it("a hire creates the person; the termination (after the last day) leaves them nothing", async () => {
    expect(
      await post({
        event: "employee.hired",
        event_id: "wd-2001",
        user_id: "maria.lopez",
        display_name: "Maria Lopez",
        start_date: "2026-05-20",
        job_title: "Sales Engineer",
        department: "Sales",
        employment_type: "FTE",
        manager: "john.doe@company.com",
      }),
    ).toMatchObject({ status: 200, body: { status: "applied" } });
    const [maria] = await t.db.select().from(identities).where(eq(identities.externalId, "maria.lopez"));
    expect(maria).toMatchObject({
      email: "maria.lopez@company.com",
      displayName: "Maria Lopez",
      jobTitle: "Sales Engineer",
      employmentStatus: "Active",
      hireDate: "2026-05-20",
    });
    const ctx = await as(t.db, "maria.lopez@company.com", clock);
    expect((await expectedAccessOf({ ctx, input: { identityId: maria!.id } })).grants.length).toBeGreaterThan(5);

    expect(
      await post({
        event: "employee.terminated",
        event_id: "wd-3001",
        user_id: "sarah.chen",
        termination_date: "2027-03-15",
        last_day: "2027-03-15",
      }),
    ).toMatchObject({ status: 202 });
    clock.set("2027-03-16T00:00:00Z");
    expect(await applyDueHrEvents({ ctx: { db: t.db, actor: systemActor("hr-events"), clock } })).toBe(1);
    expect(await grants()).toEqual([]);
    expect(
      (await t.db.select().from(identities).where(eq(identities.externalId, "sarah.chen")))[0]!.employmentStatus,
    ).toBe("Terminated");
  });

  it("an update for someone HR never hired fails visibly, and the event is kept with the reason", async () => {
    expect(
      await post({
        event: "employee.updated",
        event_id: "wd-9",
        user_id: "nobody.here",
        changes: { team: { new: "X" } },
      }),
    ).toMatchObject({
      status: 422,
      body: { status: "failed", error: "No identity managed by this source has user_id nobody.here" },
    });
    expect((await t.db.select().from(auditEvents).where(eq(auditEvents.action, "hr_event.failed"))).length).toBe(1);
  });
});
