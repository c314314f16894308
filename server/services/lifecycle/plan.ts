import { and, eq, inArray, isNull } from "drizzle-orm";
import { describeChanges, graceDaysFor, planAccessChange as planSteps } from "@/server/core/lifecycle/plan";
import { isActiveStatus } from "@/server/core/identity/status";
import { evaluateIdentity, matchedPolicyNames, type PolicyIdentity } from "@/server/core/policy";
import type { Tx } from "@/server/db/client";
import { accessExceptions, accessPlans, accessPlanSteps, resources, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { loadPolicyIdentities, policyEngine } from "../policies/engine";
import { executeSteps } from "./execute";
import { writeExpectedAccess } from "./expected";
import { offboard } from "./leaver";

export interface AccessChangeInput {
  identityId: string;
  /** the person's HR attributes before the change; null for a joiner */
  before: Record<string, unknown> | null;
  source: string;
  /** what changed: attribute → new value, or { from, to } */
  changes: Record<string, unknown>;
  reason: string | null;
}

const asFromTo = (changes: Record<string, unknown>, before: Record<string, unknown> | null) =>
  Object.fromEntries(
    Object.entries(changes).map(([a, to]) => [a, { from: before ? (before[a] ?? null) : undefined, to }]),
  );

/**
 * Re-evaluates a person after an HR change and stores the plan that takes their access from
 * before to after, in the caller's transaction (seed 001: "Policies re-evaluate. Access changes
 * automatically."). Steps on systems in review-before-execution mode wait for IT; the others are
 * carried out at once or put in their grace period. expected_access follows in the same
 * transaction, so drift detection compares against the new state.
 */
export async function planAccessChange(tx: Tx, ctx: ServiceContext, input: AccessChangeInput) {
  const now = ctx.clock();
  // One query at a time: a transaction is one connection.
  const engine = await policyEngine(tx);
  const [after] = await loadPolicyIdentities(tx, input.identityId);
  const person = after!;
  const afterGrants = evaluateIdentity(engine.compiled, person, now);
  const beforePerson: PolicyIdentity | null = input.before
    ? { id: person.id, attributes: input.before as PolicyIdentity["attributes"] }
    : null;
  const beforeGrants = beforePerson ? evaluateIdentity(engine.compiled, beforePerson, now) : null;
  await writeExpectedAccess(tx, person.id, afterGrants);

  const activeAfter = isActiveStatus(String(person.attributes.employment_status ?? ""));
  const removed = beforeGrants
    ? beforeGrants.filter((g) => !afterGrants.some((a) => a.resource === g.resource)).map((g) => g.resource)
    : [];
  const held = removed.length
    ? await tx
        .select({ resource: accessExceptions.resourceKey })
        .from(accessExceptions)
        .where(
          and(
            eq(accessExceptions.identityId, person.id),
            isNull(accessExceptions.endedAt),
            inArray(accessExceptions.resourceKey, removed),
          ),
        )
    : [];
  const resourceRows = removed.length
    ? await tx
        .select({ key: resources.key, graceDays: resources.graceDays })
        .from(resources)
        .where(inArray(resources.key, removed))
    : [];
  const systemRows = await tx
    .select({ key: systems.key, graceDays: systems.graceDays, reviewPlans: systems.reviewPlans })
    .from(systems);
  const grace = {
    resources: new Map(resourceRows.map((x) => [x.key, x.graceDays])),
    systems: new Map(systemRows.map((x) => [x.key, x.graceDays])),
  };
  const plan = planSteps({
    before: beforeGrants,
    after: afterGrants,
    activeAfter,
    changed: Object.keys(input.changes),
    graceDaysOf: (r) => graceDaysFor(r, grace),
    // A leaver's exceptions end with them (offboard), so nothing is left to an expiry.
    heldByException: activeAfter ? new Set(held.map((h) => h.resource)) : new Set(),
    now,
  });
  const leaving = plan.kind === "leaver";
  const sideEffects = leaving ? await offboard(tx, ctx, person.id) : null;
  if (plan.steps.length === 0 && !leaving && plan.kind !== "joiner") return null;

  const reviewed = new Set(systemRows.filter((s) => s.reviewPlans).map((s) => s.key));
  const held_ = plan.steps.some((s) => reviewed.has(s.system));
  const summary = describeChanges(asFromTo(input.changes, input.before));
  const [row] = await tx
    .insert(accessPlans)
    .values({
      identityId: person.id,
      kind: plan.kind,
      source: input.source,
      summary: input.reason ? `${input.reason}: ${summary}` : summary,
      changes: asFromTo(input.changes, input.before),
      policiesBefore: beforePerson ? matchedPolicyNames(engine.compiled, beforePerson, now) : [],
      policiesAfter: matchedPolicyNames(engine.compiled, person, now),
      status: held_ ? "awaiting_review" : "approved",
      createdAt: now,
    })
    .returning();
  const steps = plan.steps.length
    ? await tx
        .insert(accessPlanSteps)
        .values(
          plan.steps.map((s) => ({
            planId: row!.id,
            identityId: person.id,
            systemKey: s.system,
            resourceKey: s.resource,
            action: s.action,
            level: s.level,
            previousLevel: s.previousLevel,
            reason: s.reason,
            graceDays: s.graceDays,
            dueAt: s.dueAt,
            status: reviewed.has(s.system) ? "awaiting_review" : "queued",
            createdAt: now,
          })),
        )
        .returning()
    : [];
  await executeSteps(
    tx,
    ctx,
    steps.filter((step) => step.status !== "awaiting_review"),
    row!.summary,
  );
  await recordAuditEvent(tx, ctx, {
    action: "lifecycle.plan_created",
    subjectType: "identity",
    subjectId: person.id,
    after: {
      plan: `PLAN-${row!.number}`,
      kind: plan.kind,
      status: row!.status,
      grants: plan.steps.filter((s) => s.action === "grant").map((s) => s.resource),
      levelChanges: plan.steps.filter((s) => s.action === "change_level").map((s) => s.resource),
      removals: plan.steps
        .filter((s) => s.action === "revoke")
        .map((s) => ({ resource: s.resource, graceDays: s.graceDays })),
      ...(sideEffects ?? {}),
    },
    reason: row!.summary,
    context: { source: input.source },
  });
  return row!;
}
