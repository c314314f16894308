import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvents, notifications, portalRoleAssignments } from "@/server/db/schema";
import { identityIdByEmail } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { setPolicySettings } from "./policies/versions";
import { decidePortalRoleProposal, grantOrProposePortalRole, listPortalRoles } from "./portal-role-admin";

/** Issue 15, point 5: portal roles managed on a page, a new IT admin on two IT admins' word. */
let t: TestDatabase;
const clock = movableClock("2026-11-02T09:00:00Z");
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const priya = () => as(t.db, "priya.raman@company.com", clock);
const holds = async (email: string, role: "it_admin" | "auditor") =>
  (
    await t.db
      .select()
      .from(portalRoleAssignments)
      .where(
        and(
          eq(portalRoleAssignments.identityId, await identityIdByEmail(t.db, email)),
          eq(portalRoleAssignments.role, role),
        ),
      )
  ).length === 1;

describe("portal roles", () => {
  it("grants at once while second-admin approval is off, and lists IT admins and auditors", async () => {
    const granted = await grantOrProposePortalRole({
      ctx: await priya(),
      input: { email: "john.doe@company.com", role: "it_admin", reason: "Second administrator" },
    });
    expect(granted).toEqual({ status: "granted", displayName: "John Doe" });
    expect(await holds("john.doe@company.com", "it_admin")).toBe(true);
    const list = await listPortalRoles({ ctx: await priya() });
    expect(list.itAdmins.map((a) => a.email)).toEqual(
      expect.arrayContaining(["priya.raman@company.com", "john.doe@company.com"]),
    );
    expect(list.auditors.map((a) => a.email)).toContain("auditor@company.com");
    expect(list.secondApproval).toBe(false);
  });

  it("with second-admin approval on, a new IT admin waits for another IT admin; the others are told", async () => {
    await setPolicySettings({ ctx: await priya(), input: { requireSecondApproval: true } });
    const ctx = await priya();
    const proposed = await grantOrProposePortalRole({
      ctx,
      input: { email: "sarah.chen@company.com", role: "it_admin", reason: "Joins the IT team" },
    });
    expect(proposed.status).toBe("pending");
    expect(await holds("sarah.chen@company.com", "it_admin")).toBe(false);
    await expect(
      grantOrProposePortalRole({ ctx, input: { email: "sarah.chen@company.com", role: "it_admin", reason: "Again" } }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const john = await identityIdByEmail(t.db, "john.doe@company.com");
    const told = await t.db.select().from(notifications).where(eq(notifications.kind, "portal_role_proposed"));
    expect(told.map((n) => n.recipientId)).toContain(john);
    expect(told.map((n) => n.recipientId)).not.toContain(ctx.actor.identityId);

    const [pending] = (await listPortalRoles({ ctx })).pending;
    expect(pending).toMatchObject({ email: "sarah.chen@company.com", mine: true, reason: "Joins the IT team" });
    // Not the proposer, not the person proposed.
    await expect(
      decidePortalRoleProposal({ ctx, input: { proposalId: pending!.id, decision: "approve" } }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("your own proposal") });
    await expect(
      decidePortalRoleProposal({
        ctx: await as(t.db, "sarah.chen@company.com", clock),
        input: { proposalId: pending!.id, decision: "approve" },
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("makes you IT admin") });
    await decidePortalRoleProposal({
      ctx: await as(t.db, "john.doe@company.com", clock),
      input: { proposalId: pending!.id, decision: "approve", note: "Confirmed with her manager" },
    });
    expect(await holds("sarah.chen@company.com", "it_admin")).toBe(true);
    const sarah = await identityIdByEmail(t.db, "sarah.chen@company.com");
    const events = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, sarah));
    expect(events.map((e) => e.action)).toEqual(
      expect.arrayContaining(["portal_role.proposed", "portal_role.granted", "portal_role.proposal_approved"]),
    );
    await expect(
      decidePortalRoleProposal({
        ctx: await as(t.db, "john.doe@company.com", clock),
        input: { proposalId: pending!.id, decision: "reject" },
      }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("a rejected proposal grants nothing; auditors are granted at once even with the setting on", async () => {
    const ctx = await priya();
    await grantOrProposePortalRole({
      ctx,
      input: { email: "cfo@company.com", role: "it_admin", reason: "Wants to see the admin pages" },
    });
    const [pending] = (await listPortalRoles({ ctx })).pending;
    await decidePortalRoleProposal({
      ctx: await as(t.db, "john.doe@company.com", clock),
      input: { proposalId: pending!.id, decision: "reject", note: "Auditor is enough" },
    });
    expect(await holds("cfo@company.com", "it_admin")).toBe(false);
    expect(
      await grantOrProposePortalRole({
        ctx,
        input: { email: "cfo@company.com", role: "auditor", reason: "Quarter-end review" },
      }),
    ).toMatchObject({ status: "granted" });
  });

  it("turning second-admin approval off tells the other IT admins at once", async () => {
    const ctx = await priya();
    await setPolicySettings({ ctx, input: { requireSecondApproval: false } });
    const told = await t.db.select().from(notifications).where(eq(notifications.kind, "policy_settings_changed"));
    const john = await identityIdByEmail(t.db, "john.doe@company.com");
    expect(told.map((n) => n.recipientId)).toContain(john);
    expect(told.map((n) => n.recipientId)).not.toContain(ctx.actor.identityId);
    expect(told[0]!.title).toBe("Priya Raman turned off second-admin approval");
  });
});
