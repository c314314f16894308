import { actorLabel } from "@/server/core/actor";
import { asc, eq } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { lintFallbacks, parseFallbackFile, type FallbackPolicy } from "@/server/core/fallbacks";
import type { PolicyProblem } from "@/server/core/policy";
import type { DbOrTx } from "@/server/db/client";
import { fallbackPolicies } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { loadCatalog } from "../policies/engine";

const fileOf = (name: string) => `${name}.yaml`;

/** Every fallback, parsed from the YAML IT saved (the source is what counts). */
export async function loadFallbacks(db: DbOrTx): Promise<FallbackPolicy[]> {
  const rows = await db.select().from(fallbackPolicies).orderBy(asc(fallbackPolicies.name));
  return rows.flatMap((r) => parseFallbackFile(fileOf(r.name), r.source).fallback ?? []);
}

/** Fallbacks for IT, with what lint says about the set. */
export async function listFallbacks({ ctx }: { ctx: ServiceContext }) {
  const [rows, catalog] = await Promise.all([
    ctx.db.select().from(fallbackPolicies).orderBy(asc(fallbackPolicies.name)),
    loadCatalog(ctx.db),
  ]);
  const parsed = rows.map((r) => ({ row: r, ...parseFallbackFile(fileOf(r.name), r.source) }));
  const problems = lintFallbacks(
    parsed.flatMap((p) => p.fallback ?? []),
    { systems: catalog.systems, resources: catalog.resources },
  );
  return {
    fallbacks: parsed.map((p) => ({
      name: p.row.name,
      source: p.row.source,
      updatedAt: p.row.updatedAt,
      updatedBy: p.row.updatedBy,
      scope: p.fallback?.scope ?? null,
      target: p.fallback?.target ?? null,
      priority: p.fallback?.priority ?? 0,
      action: p.fallback?.action ?? null,
    })),
    problems,
  };
}

function refuse(problems: readonly PolicyProblem[]) {
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length === 0) return;
  const first = errors[0]!;
  throw new DomainError(
    "INVALID_INPUT",
    `line ${first.line}: ${first.message}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ""}`,
    { field: first.field ?? "source" },
  );
}

type FallbackDraft = { source: string; previousName?: string };

/**
 * What saving this YAML would find: its parse problems, or else lint of the set with it in place of
 * the fallback it replaces (against the catalog and the other fallbacks), for its own file only.
 */
async function checkFallbackDraft(ctx: ServiceContext, input: FallbackDraft) {
  const firstName = /^name:\s*([a-z0-9-]+)\s*$/m.exec(input.source)?.[1] ?? "fallback";
  const { fallback, problems } = parseFallbackFile(fileOf(firstName), input.source);
  if (!fallback) return { fallback, problems };
  const [others, catalog] = await Promise.all([loadFallbacks(ctx.db), loadCatalog(ctx.db)]);
  const set = [...others.filter((f) => f.name !== fallback.name && f.name !== input.previousName), fallback];
  const linted = lintFallbacks(set, { systems: catalog.systems, resources: catalog.resources });
  return { fallback, problems: [...problems, ...linted.filter((p) => p.file === fileOf(fallback.name))] };
}

/** Lint as you type: the problems a save of this YAML would refuse (errors) or carry (warnings). */
export async function lintFallbackDraft({ ctx, input }: { ctx: ServiceContext; input: FallbackDraft }) {
  return (await checkFallbackDraft(ctx, input)).problems;
}

/** Saves a fallback from its YAML: parsed and linted against the catalog and the other fallbacks first. */
export async function saveFallback({ ctx, input }: { ctx: ServiceContext; input: FallbackDraft }) {
  const { fallback, problems } = await checkFallbackDraft(ctx, input);
  refuse(problems);
  const now = ctx.clock();
  const by = actorLabel(ctx.actor);
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(fallbackPolicies)
      .where(eq(fallbackPolicies.name, input.previousName ?? fallback!.name));
    if (input.previousName && input.previousName !== fallback!.name) {
      await tx.delete(fallbackPolicies).where(eq(fallbackPolicies.name, input.previousName));
    } else if (!input.previousName && before) {
      throw new DomainError("CONFLICT", `A fallback named ${fallback!.name} exists already: edit it instead`, {
        field: "name",
      });
    }
    const definition = JSON.parse(JSON.stringify(fallback));
    await tx
      .insert(fallbackPolicies)
      .values({ name: fallback!.name, source: input.source, definition, updatedAt: now, updatedBy: by })
      .onConflictDoUpdate({
        target: fallbackPolicies.name,
        set: { source: input.source, definition, updatedAt: now, updatedBy: by },
      });
    await recordAuditEvent(tx, ctx, {
      action: "fallback.saved",
      subjectType: "fallback_policy",
      subjectId: fallback!.name,
      before: before ? { source: before.source } : null,
      after: { source: input.source },
    });
    return { name: fallback!.name };
  });
}

export async function deleteFallback({ ctx, input }: { ctx: ServiceContext; input: { name: string } }) {
  return ctx.db.transaction(async (tx) => {
    const [gone] = await tx.delete(fallbackPolicies).where(eq(fallbackPolicies.name, input.name)).returning();
    if (!gone) throw new DomainError("NOT_FOUND", `There is no fallback ${input.name}`, { field: "name" });
    await recordAuditEvent(tx, ctx, {
      action: "fallback.deleted",
      subjectType: "fallback_policy",
      subjectId: gone.name,
      before: { source: gone.source },
    });
    return { name: gone.name };
  });
}
