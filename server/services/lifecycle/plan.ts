import { randomUUID } from "node:crypto";
import { and, isNull, sql } from "drizzle-orm";
import { describeChanges, graceDaysFor, planAccessChange as planSteps } from "@/server/core/lifecycle/plan";
import { isActiveStatus } from "@/server/core/identity/status";
import { evaluateIdentity, matchedPolicyNames, type PolicyIdentity } from "@/server/core/policy";
import type { Tx } from "@/server/db/client";
import { insertRows } from "@/server/db/insert-rows";
import { accessExceptions, accessPlans, accessPlanSteps, resources, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import { recordExceptionsInPlace } from "../exceptions/create";
import type { ServiceContext } from "../context";
import { loadPolicyIdentities, policyEngine } from "../policies/engine";
import { queueOperations } from "../provisioning/queue";
import { graceExceptionFor, operationFor, waitsOutGrace } from "./execute";
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
 * automatically."). See planAccessChanges.
 */
export async function planAccessChange(tx: Tx, ctx: ServiceContext, input: AccessChangeInput) {
  return (await planAccessChanges(tx, ctx, [input]))[0] ?? null;
}

type PlanRow = typeof accessPlans.$inferSelect;

/**
 * planAccessChange for many people at once (a bulk hire, a group change of thousands): the policy
 * set is loaded once, everyone is evaluated in memory, and expected access, the plans, their steps
 * and their queued operations are each written in one statement for all of them. Steps on systems
 * in review-before-execution mode wait for IT; the others are carried out at once or put in their
 * grace period. expected_access follows in the same transaction, so drift detection compares
 * against the new state. Gives each input's plan, or null where none was needed.
 */
export async function planAccessChanges(
  tx: Tx,
  ctx: ServiceContext,
  inputs: readonly AccessChangeInput[],
): Promise<(PlanRow | null)[]> {
  if (inputs.length === 0) return [];
  const now = ctx.clock();
  // One query at a time: a transaction is one connection.
  const engine = await policyEngine(tx);
  const people = new Map(
    (
      await loadPolicyIdentities(
        tx,
        inputs.map((i) => i.identityId),
      )
    ).map((p) => [p.id, p]),
  );
  const evaluated = inputs.map((input) => {
    const person = people.get(input.identityId)!;
    const beforePerson: PolicyIdentity | null = input.before
      ? { id: person.id, attributes: input.before as PolicyIdentity["attributes"] }
      : null;
    const after = evaluateIdentity(engine.compiled, person, now);
    const before = beforePerson ? evaluateIdentity(engine.compiled, beforePerson, now) : null;
    const removed = before
      ? before.filter((g) => !after.some((a) => a.resource === g.resource)).map((g) => g.resource)
      : [];
    return { input, person, beforePerson, before, after, removed };
  });
  await writeExpectedAccess(
    tx,
    evaluated.map((e) => ({ identityId: e.person.id, grants: e.after })),
  );

  const removedAny = [...new Set(evaluated.flatMap((e) => e.removed))];
  const losing = evaluated.filter((e) => e.removed.length).map((e) => e.person.id);
  const held = removedAny.length
    ? await tx
        .select({ identityId: accessExceptions.identityId, resource: accessExceptions.resourceKey })
        .from(accessExceptions)
        .where(
          and(
            // one parameter for any number of people and resources
            sql`${accessExceptions.identityId} = any(${sql.param(losing)}::uuid[])`,
            isNull(accessExceptions.endedAt),
            sql`${accessExceptions.resourceKey} = any(${sql.param(removedAny)}::text[])`,
          ),
        )
    : [];
  const resourceRows = removedAny.length
    ? await tx
        .select({ key: resources.key, graceDays: resources.graceDays })
        .from(resources)
        .where(sql`${resources.key} = any(${sql.param(removedAny)}::text[])`)
    : [];
  const systemRows = await tx
    .select({ key: systems.key, graceDays: systems.graceDays, reviewPlans: systems.reviewPlans })
    .from(systems);
  const grace = {
    resources: new Map(resourceRows.map((x) => [x.key, x.graceDays])),
    systems: new Map(systemRows.map((x) => [x.key, x.graceDays])),
  };
  const reviewed = new Set(systemRows.filter((s) => s.reviewPlans).map((s) => s.key));

  // Plans first (pure), then the leavers' side effects, then every row written together.
  const planned = [];
  for (const e of evaluated) {
    const activeAfter = isActiveStatus(String(e.person.attributes.employment_status ?? ""));
    const plan = planSteps({
      before: e.before,
      after: e.after,
      activeAfter,
      changed: Object.keys(e.input.changes),
      graceDaysOf: (r) => graceDaysFor(r, grace),
      // A leaver's exceptions end with them (offboard), so nothing is left to an expiry.
      heldByException: activeAfter
        ? new Set(held.filter((h) => h.identityId === e.person.id).map((h) => h.resource))
        : new Set<string>(),
      now,
    });
    const leaving = plan.kind === "leaver";
    const sideEffects = leaving ? await offboard(tx, ctx, e.person.id) : null;
    if (plan.steps.length === 0 && !leaving && plan.kind !== "joiner") {
      planned.push(null);
      continue;
    }
    const changes = asFromTo(e.input.changes, e.input.before);
    const summary = describeChanges(changes);
    const row = {
      id: randomUUID(),
      identityId: e.person.id,
      kind: plan.kind,
      source: e.input.source,
      summary: e.input.reason ? `${e.input.reason}: ${summary}` : summary,
      changes,
      policiesBefore: e.beforePerson ? matchedPolicyNames(engine.compiled, e.beforePerson, now) : [],
      policiesAfter: matchedPolicyNames(engine.compiled, e.person, now),
      status: plan.steps.some((s) => reviewed.has(s.system)) ? "awaiting_review" : "approved",
      createdAt: now,
    };
    planned.push({ row, plan, sideEffects });
  }
  const plans = planned.filter((p) => p !== null);
  const numbers = new Map(
    (
      await insertRows(
        tx,
        accessPlans,
        plans.map((p) => p.row),
        ["id", "number"],
      )
    ).map((r) => [r.id, r.number]),
  );

  const steps = plans.flatMap(({ row, plan }) =>
    plan.steps.map((s) => ({
      id: randomUUID(),
      planId: row.id,
      identityId: row.identityId,
      systemKey: s.system,
      resourceKey: s.resource,
      action: s.action,
      level: s.level,
      previousLevel: s.previousLevel,
      reason: s.reason,
      graceDays: s.graceDays,
      dueAt: s.dueAt,
      status: reviewed.has(s.system) ? "awaiting_review" : "queued",
      operationId: null as string | null,
      exceptionId: null as string | null,
      createdAt: now,
      executedAt: null as Date | null,
    })),
  );
  // Queued at once: their operations first (in plan order, which is queue order), so each step
  // is written with its operation. A removal with a grace period waits it out (executeStep).
  const atOnce = steps.filter((s) => s.status === "queued" && !waitsOutGrace(s));
  const operations = await queueOperations(
    tx,
    atOnce.map((s) => operationFor(s, now)),
  );
  atOnce.forEach((s, i) => Object.assign(s, { operationId: operations[i]!, executedAt: now }));
  // A removal with a grace period is kept by a role_transition exception until it ends (executeStep).
  const summaries = new Map(plans.map((p) => [p.row.id, p.row.summary]));
  const inGrace = steps.filter((s) => s.status === "queued" && waitsOutGrace(s));
  const exceptions = await recordExceptionsInPlace(
    tx,
    ctx,
    inGrace.map((s) => graceExceptionFor(s, summaries.get(s.planId)!)),
  );
  inGrace.forEach((s, i) => Object.assign(s, { status: "in_grace", exceptionId: exceptions[i]!, executedAt: now }));
  await insertRows(tx, accessPlanSteps, steps);

  for (const { row, plan, sideEffects } of plans)
    await recordAuditEvent(tx, ctx, {
      action: "lifecycle.plan_created",
      subjectType: "identity",
      subjectId: row.identityId,
      after: {
        plan: `PLAN-${numbers.get(row.id)}`,
        kind: plan.kind,
        status: row.status,
        grants: plan.steps.filter((s) => s.action === "grant").map((s) => s.resource),
        levelChanges: plan.steps.filter((s) => s.action === "change_level").map((s) => s.resource),
        removals: plan.steps
          .filter((s) => s.action === "revoke")
          .map((s) => ({ resource: s.resource, graceDays: s.graceDays })),
        ...(sideEffects ?? {}),
      },
      reason: row.summary,
      context: { source: row.source },
    });
  return planned.map((p) =>
    p ? { ...p.row, number: numbers.get(p.row.id)!, reviewedBy: null, reviewedAt: null, reviewNote: null } : null,
  );
}
