import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@/server/core/errors";
import { auditEvents, identities, identityAttributeChanges, portalSessions } from "@/server/db/schema";
import { actorFor, identityIdByEmail, personaEmails, serviceContext } from "@/test/support/actors";
import { asSchemaOwner, createTestDatabase, type TestDatabase } from "@/test/support/db";
import type { ServiceContext } from "./context";
import { changeIdentityAttributes, getIdentity, listAttributeHistory, listIdentities } from "./identities";
import { startSession } from "./sessions";

describe("identities", () => {
  let t: TestDatabase;
  let ctx: ServiceContext;
  /** Everything a change to one person could touch. */
  const snapshot = async (id: string) => ({
    identity: await t.db.select().from(identities).where(eq(identities.id, id)),
    history: await t.db.select().from(identityAttributeChanges).where(eq(identityAttributeChanges.identityId, id)),
    events: await t.db.select({ id: auditEvents.id }).from(auditEvents).where(eq(auditEvents.subjectId, id)),
  });
  const base = { page: 1, pageSize: 25, sort: "name", direction: "asc" } as const;
  beforeAll(async () => {
    t = await createTestDatabase();
    ctx = serviceContext(t.db, await actorFor(t.db, personaEmails.it_admin));
    // Someone who reports to Jane, so that making them her manager would be a loop.
    const janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    await t.db.insert(identities).values({
      externalId: "jane.smith.report",
      email: "jane.smith.report@company.com",
      displayName: "Report of Jane",
      employmentStatus: "Active",
      managerId: janeId,
    });
  });
  afterAll(() => t.close());

  it("pages through everyone without overlap, with the total", async () => {
    const first = await listIdentities({ ctx, input: base });
    const second = await listIdentities({ ctx, input: { ...base, page: 2 } });
    expect(first.rows).toHaveLength(25);
    expect(first.total).toBeGreaterThan(250);
    expect(second.total).toBe(first.total);
    const ids = new Set(first.rows.map((r) => r.id));
    expect(second.rows.some((r) => ids.has(r.id))).toBe(false);
    const names = first.rows.map((r) => r.displayName);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, "en", { sensitivity: "base" }) || 0));
  });

  it("searches by name, email, title and location, case-insensitively", async () => {
    const found = await listIdentities({ ctx, input: { ...base, search: "SARAH chen" } });
    expect(found.rows.map((r) => r.email)).toEqual(["sarah.chen@company.com"]);
    const byTitle = await listIdentities({ ctx, input: { ...base, search: "Internal Auditor" } });
    expect(byTitle.rows.map((r) => r.email)).toContain("auditor@company.com");
  });

  it("takes % and _ in a search literally", async () => {
    expect((await listIdentities({ ctx, input: { ...base, search: "%" } })).total).toBe(0);
    expect((await listIdentities({ ctx, input: { ...base, search: "_" } })).total).toBe(0);
  });

  it("filters by department and status and sorts by hire date, newest first", async () => {
    const legal = await listIdentities({ ctx, input: { ...base, department: "Legal", pageSize: 100 } });
    expect(legal.total).toBeGreaterThan(5);
    expect(legal.rows.every((r) => r.department === "Legal")).toBe(true);
    const terminated = await listIdentities({ ctx, input: { ...base, status: "Terminated", pageSize: 100 } });
    expect(terminated.rows.map((r) => r.email)).toContain("tom.becker@company.com");
    const newest = await listIdentities({ ctx, input: { ...base, sort: "hire_date", direction: "desc" } });
    const dates = newest.rows.map((r) => r.hireDate!);
    expect(dates).toEqual([...dates].sort().reverse());
  });

  it("shows a person with manager, roles and direct reports, and refuses an unknown id", async () => {
    const john = await getIdentity({ ctx, input: { id: await identityIdByEmail(t.db, "john.doe@company.com") } });
    expect(john.roles).toEqual(["employee", "approver"]);
    expect(john.directReports).toBeGreaterThanOrEqual(1);
    expect(john.attributes.job_title).toBe("Sales Engineering Manager");
    await expect(getIdentity({ ctx, input: { id: "00000000-0000-4000-8000-000000000000" } })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("records each changed attribute in the history and the audit trail, in one transaction", async () => {
    const sarahId = await identityIdByEmail(t.db, personaEmails.employee);
    const result = await changeIdentityAttributes({
      ctx,
      input: {
        identityId: sarahId,
        attributes: {
          job_title: "Senior Sales Engineer",
          team: "Enterprise",
          trainings: ["security-101", "data-handling"],
        },
        source: "admin",
        effectiveAt: new Date("2026-11-20T00:00:00Z"),
        reason: "Promotion",
      },
    });
    expect(result.changed).toEqual(["job_title", "trainings"]);
    const history = await listAttributeHistory({ ctx, input: { identityId: sarahId, page: 1, pageSize: 10 } });
    expect(history.rows.slice(0, 2).map((r) => [r.attribute, r.oldValue, r.newValue])).toEqual(
      expect.arrayContaining([
        ["job_title", "Sales Engineer", "Senior Sales Engineer"],
        ["trainings", ["security-101"], ["security-101", "data-handling"]],
      ]),
    );
    expect(history.rows[0]!.reason).toBe("Promotion");
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "identity.attributes_changed"), eq(auditEvents.subjectId, sarahId)));
    expect(event).toMatchObject({
      actorLabel: personaEmails.it_admin,
      before: { job_title: "Sales Engineer", trainings: ["security-101"] },
      after: { job_title: "Senior Sales Engineer", trainings: ["security-101", "data-handling"] },
      reason: "Promotion",
    });
  });

  it.each([
    [
      { job_title: "Senior Software Engineer", manager: "nobody@company.com" },
      "manager",
      "No identity has the manager email",
    ],
    [{ manager: "jane.smith@company.com" }, "manager", "cannot be their own manager"],
    [{ manager: "jane.smith.report@company.com" }, "manager", "that would make a loop"],
    [{ job_title: "Senior Software Engineer", hire_date: "2025-13-01" }, "hire_date", "must be a date"],
    [{ employment_status: "" }, "employment_status", "cannot be empty"],
    [{ shoe_size: "44" }, "shoe_size", "is not an HR attribute"],
  ])("refuses %j naming %s, and changes nothing", async (attributes, field, message) => {
    const janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    const before = await snapshot(janeId);
    const error = await changeIdentityAttributes({
      ctx,
      input: { identityId: janeId, attributes, source: "admin" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: "INVALID_INPUT", field });
    expect((error as Error).message).toContain(message);
    expect(await snapshot(janeId)).toEqual(before);
  });

  it("changes nothing at all when the audit event cannot be written", async () => {
    const janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    const before = await snapshot(janeId);
    await asSchemaOwner(t.db, (tx) =>
      tx.execute(
        sql.raw(`
      create function refuse_audit() returns trigger language plpgsql as $$
      begin raise exception 'audit store unavailable'; end $$;
      create trigger refuse_audit before insert on audit_events for each row execute function refuse_audit();`),
      ),
    );
    try {
      await expect(
        changeIdentityAttributes({
          ctx,
          input: { identityId: janeId, attributes: { job_title: "Staff Engineer" }, source: "admin" },
        }),
      ).rejects.toMatchObject({ cause: { message: "audit store unavailable" } });
    } finally {
      await asSchemaOwner(t.db, (tx) =>
        tx.execute(sql.raw("drop trigger refuse_audit on audit_events; drop function refuse_audit();")),
      );
    }
    expect(await snapshot(janeId)).toEqual(before);
  });

  it("ends the portal sessions of a person who stops being Active, in the same change", async () => {
    const janeId = await identityIdByEmail(t.db, "jane.smith@company.com");
    const sessionId = await startSession({
      ctx: { ...ctx, actor: await actorFor(t.db, "jane.smith@company.com") },
      input: { provider: "oidc", lifetimeSeconds: 3600 },
    });
    await changeIdentityAttributes({
      ctx,
      input: {
        identityId: janeId,
        attributes: { employment_status: "Terminated" },
        source: "hr_event",
        reason: "Termination",
      },
    });
    const [session] = await t.db.select().from(portalSessions).where(eq(portalSessions.id, sessionId));
    expect(session).toMatchObject({ endReason: "not_active" });
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, janeId), eq(auditEvents.action, "identity.attributes_changed")));
    expect(event!.context).toMatchObject({ sessionsEnded: 1, source: "hr_event" });
  });
});
