import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resourceGroupCn } from "@/server/adapters/ldap";
import { handleHrEvent } from "@/server/api/hr";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, accessPlans, accessPlanSteps, expectedAccess, identities } from "@/server/db/schema";
import { serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { connectSystemsToSlapd, groupsOf } from "@/test/support/ldap-systems";
import { as, movableClock } from "@/test/support/requests";
import { startSlapd, type Slapd } from "@/test/support/slapd";
import { listResourceGrace, setResourceGraceDays } from "../drift/queries";
import { expireExceptions } from "../exceptions/end";
import { applyDueHrEvents, createHrSource } from "../hr/events";
import { handOverIdentity } from "../hr/handover";
import { runDueOperations } from "../provisioning/operations";

/**
 * Seed 001's lifecycle for Sarah Chen, replayed through POST /api/hr/events, with every system
 * she touches mirrored into a real slapd: the directory is where each step is checked.
 */
const SYSTEMS = ["google", "okta", "slack", "gitlab", "github", "salesforce", "notion", "ldap"];
let t: TestDatabase;
let slapd: Slapd;
let token: string;
let sarahId: string;
const clock = movableClock("2026-11-23T09:00:00Z");
const ctx = () => serviceContext(t.db, systemActor("test"), clock);

async function post(body: Record<string, unknown>) {
  const res = await handleHrEvent(
    new Request("http://clearance.test/api/hr/events", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    }),
    t.db,
    clock,
  );
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const inLdap = () => groupsOf(slapd, "sarah.chen");
const latestPlan = async () => {
  const plans = await t.db
    .select()
    .from(accessPlans)
    .where(eq(accessPlans.identityId, sarahId))
    .orderBy(asc(accessPlans.number));
  const plan = plans.at(-1)!;
  const steps = await t.db.select().from(accessPlanSteps).where(eq(accessPlanSteps.planId, plan.id));
  const show = (s: (typeof steps)[number]) =>
    `${s.action} ${s.resourceKey}` +
    (s.level ? ` (${s.level})` : "") +
    (s.previousLevel ? ` from ${s.previousLevel}` : "") +
    (s.graceDays ? ` after ${s.graceDays} days` : "");
  return { plan, steps, lines: steps.map(show).sort() };
};

beforeAll(async () => {
  t = await createTestDatabase();
  slapd = await startSlapd();
  await connectSystemsToSlapd(t.db, slapd, SYSTEMS);
  // Seed 001: "Remove #sales-team channel (immediate)" while #sales-leadership keeps its 30 days.
  const it_ = await as(t.db, "priya.raman@company.com", clock);
  await setResourceGraceDays({ ctx: it_, input: { resourceKey: "slack:channel:#sales-team", graceDays: 0 } });
  expect(
    (await listResourceGrace({ ctx: it_, input: { systemKey: "slack" } })).resources.find(
      (r) => r.key === "slack:channel:#sales-team",
    ),
  ).toMatchObject({ graceDays: 0, effectiveDays: 0 });
  await expect(
    setResourceGraceDays({ ctx: it_, input: { resourceKey: "slack:channel:#sales-team", graceDays: 400 } }),
  ).rejects.toMatchObject({ code: "INVALID_INPUT", field: "graceDays" });
  token = (await createHrSource({ ctx: it_, input: { key: "workday", name: "Workday" } })).token;
  sarahId = (
    await t.db.select({ id: identities.id }).from(identities).where(eq(identities.externalId, "sarah.chen"))
  )[0]!.id;
  await handOverIdentity({
    ctx: it_,
    input: { identityId: sarahId, toSource: "workday", reason: "Workday is Sarah's HR system" },
  });
  // Day one (seed 001, "Onboarding"): the directory holds what policy gave the Sales Engineer.
  const dayOne = await t.db.select().from(expectedAccess).where(eq(expectedAccess.identityId, sarahId));
  for (const g of dayOne)
    await slapd.addMember(
      resourceGroupCn(g.resourceKey, g.level),
      slapd.userDnTemplate.replace("{username}", "sarah.chen"),
    );
}, 60_000);
afterAll(async () => {
  await slapd?.stop();
  await t?.close();
});

describe("Sarah Chen's lifecycle (seed 001) through the HR events API, checked in LDAP", () => {
  it("promotion: adds the senior grants at once and keeps everything else", async () => {
    const before = await inLdap();
    expect(before).toContain("salesforce:profile:sales-engineer (standard)");
    const res = await post({
      event: "employee.updated",
      event_id: "wd-1",
      user_id: "sarah.chen",
      changes: { job_title: { old: "Sales Engineer", new: "Senior Sales Engineer" }, effective_date: "2025-05-24" },
    });
    expect(res).toMatchObject({ status: 200, body: { status: "applied" } });
    const { plan, lines } = await latestPlan();
    expect(plan).toMatchObject({ kind: "mover", status: "approved", source: "hr_event" });
    expect(plan.policiesAfter).toContain("senior-sales-engineer-access");
    expect(lines).toEqual([
      "grant salesforce:profile:sales-leadership (standard)",
      "grant slack:channel:#sales-leadership (member)",
    ]);
    expect(await runDueOperations({ ctx: ctx() })).toBe(2);
    const after = await inLdap();
    expect(after.filter((g) => !before.includes(g))).toEqual([
      "salesforce:profile:sales-leadership (standard)",
      "slack:channel:#sales-leadership (member)",
    ]);
    expect(before.filter((g) => !after.includes(g))).toEqual([]);
  });

  it("transfer: GitHub and the GitLab upgrade at once, #sales-team at once, Salesforce and the other sales channels after 30 days", async () => {
    const res = await post({
      event: "employee.updated",
      event_id: "wd-2",
      user_id: "sarah.chen",
      changes: {
        job_title: { old: "Senior Sales Engineer", new: "Solutions Architect" },
        department: { old: "Sales", new: "Engineering" },
        effective_date: "2026-05-24",
      },
    });
    expect(res).toMatchObject({ status: 200, body: { status: "applied" } });
    const { plan, steps, lines } = await latestPlan();
    expect(plan).toMatchObject({ kind: "mover", status: "approved" });
    expect(plan.summary).toMatch(/Transfer: .*Department Sales → Engineering/);
    expect(lines).toEqual(
      [
        "change_level gitlab:group:customer-solutions (developer) from reporter",
        "change_level notion:space:technical-docs (edit) from read",
        "change_level slack:channel:#engineering-general (member) from guest",
        "grant github:org:engineering (read)",
        "grant github:team:architecture-review (triage)",
        "grant github:team:deployers (write)",
        "grant google:group:engineering@company.com",
        "grant ldap:group:engineering",
        "grant okta:group:engineering-team",
        "revoke google:drive:sales-shared-drive after 30 days",
        "revoke google:group:sales@company.com after 30 days",
        "revoke notion:space:sales-playbooks (read) after 30 days",
        "revoke okta:group:sales-team after 30 days",
        "revoke salesforce:license:user after 30 days",
        "revoke salesforce:profile:sales-engineer (standard) after 30 days",
        "revoke salesforce:profile:sales-leadership (standard) after 30 days",
        "revoke slack:channel:#customer-success (member) after 30 days",
        "revoke slack:channel:#sales-leadership (member) after 30 days",
        "revoke slack:channel:#sales-team (member)",
      ].sort(),
    );
    // Each removal in its grace period is a role_transition exception: approved by rule, hard expiry, no extension.
    const grace = await t.db
      .select()
      .from(accessExceptions)
      .where(and(eq(accessExceptions.identityId, sarahId), eq(accessExceptions.type, "role_transition")));
    expect(grace).toHaveLength(9);
    expect(
      grace.every(
        (e) =>
          e.status === "active" &&
          e.source === "lifecycle" &&
          e.approvalRule !== null &&
          e.expiresAt.getTime() === clock().getTime() + 30 * 86_400_000,
      ),
    ).toBe(true);
    expect(steps.filter((s) => s.status === "in_grace")).toHaveLength(9);

    await runDueOperations({ ctx: ctx() });
    const now = await inLdap();
    expect(now).toEqual(
      expect.arrayContaining([
        "github:org:engineering (read)",
        "github:team:deployers (write)",
        "github:team:architecture-review (triage)",
        "gitlab:group:customer-solutions (developer)",
        "ldap:group:engineering",
        "salesforce:license:user",
        "slack:channel:#sales-leadership (member)",
      ]),
    );
    expect(now).not.toContain("gitlab:group:customer-solutions (reporter)");
    expect(now).not.toContain("slack:channel:#sales-team (member)");

    // 29 days on, still in the grace period: nothing more goes.
    clock.advance(29 * 24 * 60);
    expect(await expireExceptions({ ctx: ctx() })).toBe(0);
    expect(await inLdap()).toContain("salesforce:license:user");

    clock.advance(2 * 24 * 60);
    expect(await expireExceptions({ ctx: ctx() })).toBe(9);
    await runDueOperations({ ctx: ctx() });
    const later = await inLdap();
    expect(later.filter((g) => g.startsWith("salesforce:") || g.includes("sales"))).toEqual([]);
    expect(later).toEqual(
      expect.arrayContaining([
        "github:org:engineering (read)",
        "gitlab:group:customer-solutions (developer)",
        "slack:workspace:company (member)",
      ]),
    );
  });

  it("termination: waits for the last day, then removes everything and ends Sarah's sessions", async () => {
    const res = await post({
      event: "employee.terminated",
      event_id: "wd-3",
      user_id: "sarah.chen",
      termination_date: "2027-03-15",
      last_day: "2027-03-15",
    });
    expect(res).toMatchObject({ status: 202, body: { status: "waiting" } });
    expect((await inLdap()).length).toBeGreaterThan(10);
    clock.set("2027-03-16T00:05:00Z");
    expect(await applyDueHrEvents({ ctx: ctx() })).toBe(1);
    const { plan, lines } = await latestPlan();
    expect(plan.kind).toBe("leaver");
    expect(plan.policiesAfter).toEqual([]);
    expect(lines.every((l) => l.startsWith("revoke ") && !l.includes("after"))).toBe(true);
    await runDueOperations({ ctx: ctx() });
    expect(await inLdap()).toEqual([]);
    expect(await t.db.select().from(expectedAccess).where(eq(expectedAccess.identityId, sarahId))).toEqual([]);
  });
});
