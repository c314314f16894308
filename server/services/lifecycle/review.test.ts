import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import {
  accessPlans,
  accessPlanSteps,
  accessRequests,
  identities,
  requestApprovers,
  systems,
} from "@/server/db/schema";
import { identityIdByEmail, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { changeIdentityAttributes } from "../identities";
import { plansAwaitingReview, plansOf } from "./plans";
import { reviewPlan } from "./review";

let t: TestDatabase;
const clock = movableClock("2026-11-23T10:00:00Z");
const hr = () => serviceContext(t.db, systemActor("hr:workday"), clock);
const change = async (email: string, attributes: Record<string, unknown>, reason: string) =>
  changeIdentityAttributes({
    ctx: hr(),
    input: { identityId: await identityIdByEmail(t.db, email), attributes, source: "hr_event", reason },
  });

beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

describe("review-before-execution (seed 001, phase 5)", () => {
  it("holds the steps of a reviewed system until IT approves; the others run at once", async () => {
    await t.db.update(systems).set({ reviewPlans: true }).where(eq(systems.key, "github"));
    const { planId } = await change(
      "sarah.chen@company.com",
      { department: "Engineering", job_title: "Solutions Architect" },
      "Transfer",
    );
    const [plan] = await t.db.select().from(accessPlans).where(eq(accessPlans.id, planId!));
    expect(plan).toMatchObject({ kind: "mover", status: "awaiting_review" });
    const steps = await t.db.select().from(accessPlanSteps).where(eq(accessPlanSteps.planId, planId!));
    const github = steps.filter((s) => s.systemKey === "github");
    expect(github.map((s) => s.resourceKey).sort()).toEqual([
      "github:org:engineering",
      "github:team:architecture-review",
      "github:team:deployers",
    ]);
    expect(github.every((s) => s.status === "awaiting_review" && s.operationId === null)).toBe(true);
    expect(steps.filter((s) => s.systemKey !== "github").every((s) => s.status !== "awaiting_review")).toBe(true);

    const it_ = await as(t.db, "priya.raman@company.com", clock);
    expect((await plansAwaitingReview({ ctx: it_ })).map((p) => p.person.email)).toEqual(["sarah.chen@company.com"]);
    clock.advance(60);
    const approved = await reviewPlan({ ctx: it_, input: { planId: planId!, decision: "approve" } });
    expect(approved).toMatchObject({ status: "approved", reviewedBy: "priya.raman@company.com" });
    const after = await t.db
      .select()
      .from(accessPlanSteps)
      .where(and(eq(accessPlanSteps.planId, planId!), eq(accessPlanSteps.systemKey, "github")));
    expect(after.every((s) => s.status === "queued" && s.operationId !== null)).toBe(true);
    await expect(
      reviewPlan({ ctx: it_, input: { planId: planId!, decision: "reject", note: "too late" } }),
    ).rejects.toMatchObject({ code: "CONFLICT", field: "planId" });

    const [shown] = await plansOf({ ctx: it_, input: { identityId: plan!.identityId, limit: 5 } });
    expect(shown!.steps.find((s) => s.resourceKey === "github:org:engineering")).toMatchObject({
      state: "queued",
      executedAt: clock(),
    });
    expect(shown!.steps.find((s) => s.resourceKey === "salesforce:license:user")).toMatchObject({
      state: "in_grace",
      graceDays: 30,
      exceptionNumber: expect.any(Number),
    });
  });

  it("a rejected plan cancels its held steps and needs a reason", async () => {
    const { planId } = await change(
      "sarah.chen@company.com",
      { department: "Sales", job_title: "Sales Engineer" },
      "Transfer back",
    );
    const it_ = await as(t.db, "priya.raman@company.com", clock);
    const [plan] = await t.db.select().from(accessPlans).where(eq(accessPlans.id, planId!));
    expect(plan).toMatchObject({ status: "awaiting_review" });
    await expect(reviewPlan({ ctx: it_, input: { planId: planId!, decision: "reject" } })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      field: "note",
    });
    expect(
      await reviewPlan({
        ctx: it_,
        input: { planId: planId!, decision: "reject", note: "Platform access goes through the platform lead" },
      }),
    ).toMatchObject({ status: "rejected" });
    const steps = await t.db
      .select()
      .from(accessPlanSteps)
      .where(and(eq(accessPlanSteps.planId, planId!), eq(accessPlanSteps.systemKey, "github")));
    expect(steps.length).toBeGreaterThan(0);
    expect(steps.every((s) => s.status === "cancelled")).toBe(true);
  });
});

describe("termination side effects", () => {
  it("reassigns requests waiting on a leaver, and cancels a leaver's own pending requests", async () => {
    await t.db.update(systems).set({ reviewPlans: false }).where(eq(systems.key, "github"));
    const ana = await as(t.db, "john.doe@company.com", clock);
    const request = await submit(ana, financeReportsAsk);
    const cfo = await identityIdByEmail(t.db, "cfo@company.com");
    const ceo = await identityIdByEmail(t.db, "ceo@company.com");
    expect(
      (await t.db.select().from(requestApprovers).where(eq(requestApprovers.requestId, request.id))).map(
        (a) => a.identityId,
      ),
    ).toContain(cfo);

    await change("cfo@company.com", { employment_status: "Terminated" }, "Termination");
    const approvers = await t.db.select().from(requestApprovers).where(eq(requestApprovers.requestId, request.id));
    expect(approvers).toEqual(
      expect.arrayContaining([expect.objectContaining({ identityId: ceo, via: "reassigned" })]),
    );
    const [cfoPlan] = await t.db.select().from(accessPlans).where(eq(accessPlans.identityId, cfo));
    expect(cfoPlan).toMatchObject({ kind: "leaver", policiesAfter: [] });

    await change("john.doe@company.com", { employment_status: "Terminated" }, "Termination");
    const [cancelled] = await t.db.select().from(accessRequests).where(eq(accessRequests.id, request.id));
    expect(cancelled).toMatchObject({ status: "cancelled", decisionNote: "Cancelled: the requester left" });
    const [john] = await t.db.select().from(identities).where(eq(identities.email, "john.doe@company.com"));
    expect(john!.employmentStatus).toBe("Terminated");
  });
});
