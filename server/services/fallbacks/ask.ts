import { createHash } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { checkExceptionWindow } from "@/server/core/exceptions";
import { resolveFallback, type FallbackDecision, type PromptFallback } from "@/server/core/fallbacks";
import { formatDuration, type TemplateDefinition } from "@/server/core/requests/template";
import { accessExceptions, requestTemplates, resources, systems } from "@/server/db/schema";
import type { Tx } from "@/server/db/client";
import { recordAuditEvent } from "../audit";
import type { PersonContext } from "../context";
import { loadPolicyIdentities, policyEngine } from "../policies";
import { queueOperation } from "../provisioning/operations";
import { assessGrants } from "../requests/assess";
import { loadFallbacks } from "./store";

export type AskOutcome =
  | { outcome: "covered"; via: string[] }
  | { outcome: "refused"; policies: string[] }
  | { outcome: "held"; exceptionNumber: number; expiresAt: Date }
  | {
      outcome: "allowed";
      fallback: string;
      exceptionId: string;
      exceptionNumber: number;
      expiresAt: Date;
      level: string | null;
    }
  | { outcome: "denied"; fallback: string | null; message: string }
  /** fallback null: no fallback applies, and the resource's default request form opens. */
  | { outcome: "prompt"; fallback: string | null; templateKey: string; message: string | null };

/** What applies to a person and a resource no policy gives them: the fallback decision, with why. */
export async function fallbackDecisionFor(
  ctx: Pick<PersonContext, "db" | "clock">,
  identityId: string,
  resource: string,
): Promise<FallbackDecision> {
  const [fallbacks, engine, [person]] = await Promise.all([
    loadFallbacks(ctx.db),
    policyEngine(ctx.db),
    loadPolicyIdentities(ctx.db, identityId),
  ]);
  return resolveFallback({ fallbacks, resource, identity: person!, config: engine.config, now: ctx.clock() });
}

/** The hidden request form of a prompt-for-request fallback for one resource: its fields and approvers. */
function promptDefinition(f: PromptFallback, resource: string): TemplateDefinition {
  const r = f.request;
  const durations = [...r.durations].sort((a, b) => a - b);
  return {
    grants: [{ resource, level: null }],
    durations,
    maxDurationMinutes: durations.at(-1)!,
    startMode: "on_approval",
    stages: [
      {
        name: "Approval",
        approvers: r.approvers,
        threshold: r.threshold > 1 ? { kind: "count", n: r.threshold } : { kind: "any" },
        notify: { policy: "all", count: 50 },
        escalation: null,
      },
    ],
    fields: r.fields,
    justificationMinLength: r.justificationMinLength,
    ticketReference: "optional",
    autoApproval: [],
    autoApproveOutsidePolicy: false,
    pendingExpiryDays: 7,
    reminderAfterHours: 24,
    exceptionType: "project",
    onGrantFailure: { mode: "retry", maxAttempts: 5 },
  };
}

async function ensurePromptTemplate(tx: Tx, f: PromptFallback, resource: string, now: Date, by: string) {
  const key = `fallback-${f.name}-${createHash("sha256").update(resource).digest("hex").slice(0, 8)}`.slice(0, 100);
  const definition = promptDefinition(f, resource);
  await tx
    .insert(requestTemplates)
    .values({
      key,
      name: `${resource} (through ${f.name})`,
      description: f.message ?? f.description,
      definition,
      origin: "fallback",
      createdAt: now,
      updatedAt: now,
      updatedBy: by,
    })
    .onConflictDoUpdate({
      target: requestTemplates.key,
      set: { definition, description: f.message ?? f.description, active: true, updatedAt: now, updatedBy: by },
    });
  return key;
}

/**
 * Someone asks for a resource by name (seed 004's flow): policy first (already theirs, or
 * refused by a deny), then temporary access they hold, then the fallbacks (resource, then
 * namespace, then global); with none that applies, denied by default. An allow fallback grants
 * tagged, time-bound access at once; prompt-for-request opens its request form.
 */
export async function askForResource({
  ctx,
  input,
}: {
  ctx: PersonContext;
  input: { resource: string; durationMinutes?: number; justification?: string };
}): Promise<AskOutcome> {
  const resource = input.resource.trim();
  const [known] = await ctx.db
    .select({
      key: resources.key,
      requestable: resources.requestable,
      defaultTemplateKey: resources.defaultTemplateKey,
      defaultTemplateActive: requestTemplates.active,
      systemRetired: systems.retiredAt,
    })
    .from(resources)
    .innerJoin(systems, eq(systems.key, resources.systemKey))
    .leftJoin(requestTemplates, eq(requestTemplates.key, resources.defaultTemplateKey))
    .where(eq(resources.key, resource));
  if (!known) throw new DomainError("NOT_FOUND", `There is no resource ${resource}`, { field: "resource" });
  const now = ctx.clock();
  const me = ctx.actor.identityId;
  const assessment = await assessGrants(ctx.db, me, [{ resource, level: null }], now);
  const grant = assessment.grants[0]!;
  if (grant.status === "covered") return { outcome: "covered", via: grant.via };
  if (grant.status === "denied") return { outcome: "refused", policies: grant.denyPolicies };
  if (known.systemRetired)
    throw new DomainError("FORBIDDEN", `${resource} is on a retired system: it can no longer be granted`, {
      field: "resource",
    });
  if (!known.requestable)
    throw new DomainError("FORBIDDEN", `${resource} cannot be asked for in the portal: IT grants it`, {
      field: "resource",
    });
  const [held] = await ctx.db
    .select()
    .from(accessExceptions)
    .where(
      and(
        eq(accessExceptions.identityId, me),
        eq(accessExceptions.resourceKey, resource),
        isNull(accessExceptions.endedAt),
      ),
    );
  if (held && held.expiresAt > now) return { outcome: "held", exceptionNumber: held.number, expiresAt: held.expiresAt };

  const decision = await fallbackDecisionFor(ctx, me, resource);
  // A resource's default request form is more specific than a global deny or prompt (or none): it opens
  // instead. A fallback written for the resource or its system, or a global allow, still decides.
  const onlyGlobal = !decision.fallback || decision.fallback.scope === "global";
  if (onlyGlobal && decision.action !== "allow" && known.defaultTemplateKey && known.defaultTemplateActive)
    return { outcome: "prompt", fallback: null, templateKey: known.defaultTemplateKey, message: null };
  const by = ctx.actor.email;
  return ctx.db.transaction(async (tx): Promise<AskOutcome> => {
    if (decision.action === "deny") {
      await recordAuditEvent(tx, ctx, {
        action: "access.fallback_denied",
        subjectType: "resource",
        subjectId: resource,
        after: { fallback: decision.fallback?.name ?? null, reason: decision.reason },
        reason: decision.message,
      });
      return { outcome: "denied", fallback: decision.fallback?.name ?? null, message: decision.message };
    }
    if (decision.action === "prompt-for-request") {
      const templateKey = await ensurePromptTemplate(tx, decision.fallback as PromptFallback, resource, now, by);
      return { outcome: "prompt", fallback: decision.fallback.name, templateKey, message: decision.message };
    }
    const minutes = input.durationMinutes ?? decision.durationDefaultMinutes;
    if (minutes <= 0 || minutes > decision.durationMaxMinutes) {
      throw new DomainError(
        "INVALID_INPUT",
        `${decision.fallback.name} gives this for at most ${formatDuration(decision.durationMaxMinutes)}`,
        { field: "durationMinutes" },
      );
    }
    const expiresAt = new Date(now.getTime() + minutes * 60_000);
    checkExceptionWindow(
      "project",
      {
        maxDurationMinutes: decision.durationMaxMinutes,
        reminderOffsetsMinutes: [],
        extensible: false,
        escalatedApproverGroup: null,
      },
      now,
      expiresAt,
    );
    const [e] = await tx
      .insert(accessExceptions)
      .values({
        identityId: me,
        resourceKey: resource,
        level: decision.level,
        source: "fallback",
        type: "fallback",
        justification: input.justification?.trim() || `Given by fallback ${decision.fallback.name}`,
        references: { tags: decision.tags.join(",") },
        approvedAt: now,
        fallbackName: decision.fallback.name,
        createdBy: by,
        createdAt: now,
        startsAt: now,
        expiresAt,
        status: "granting",
      })
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "exception.created",
      subjectType: "access_exception",
      subjectId: e!.id,
      after: {
        exception: `EXC-${e!.number}`,
        resource,
        level: decision.level,
        type: "fallback",
        fallback: decision.fallback.name,
        tags: decision.tags,
        expiresAt: expiresAt.toISOString(),
      },
      reason: e!.justification,
    });
    await queueOperation(tx, {
      identityId: me,
      resourceKey: resource,
      level: decision.level,
      action: "grant",
      exceptionId: e!.id,
      failureMode: "retry",
      maxAttempts: 5,
      now,
    });
    return {
      outcome: "allowed",
      fallback: decision.fallback.name,
      exceptionId: e!.id,
      exceptionNumber: e!.number,
      expiresAt,
      level: decision.level,
    };
  });
}
