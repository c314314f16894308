import { DomainError } from "@/server/core/errors";
import { validateAttributes } from "@/server/core/identity/validate";
import {
  diffGrants,
  evaluateIdentity,
  explainAccess,
  explainWithTemporaryAccess,
  temporaryAccessCounts,
  matchedPolicyNames,
  policyCoverage,
  policyGraph,
  previewImpact,
  prepareIdentity,
  unknownValues,
  type PolicyIdentity,
} from "@/server/core/policy";
import type { ServiceContext } from "../context";
import { activeExceptionsOf } from "../exceptions/active";
import { fallbackDecisionFor } from "../fallbacks/ask";
import { applyChanges, lintFiles, type FileChangeInput } from "./drafts";
import { loadCatalog, loadPolicyIdentities, policyEngine } from "./engine";

/** Every policy of the active set with who it reaches: people matched, grants (inheritance included). */
export async function listPolicies({ ctx }: { ctx: ServiceContext }) {
  const [engine, people] = await Promise.all([policyEngine(ctx.db), loadPolicyIdentities(ctx.db)]);
  const at = ctx.clock();
  const matched = new Map<string, number>();
  for (const person of people) {
    const p = prepareIdentity(engine.compiled.layout, person, at);
    if (!p.active) continue;
    for (const cp of engine.compiled.policies)
      if (cp.match(p)) matched.set(cp.policy.name, (matched.get(cp.policy.name) ?? 0) + 1);
  }
  return {
    versionId: engine.versionId,
    problems: engine.loaded.problems,
    policies: engine.compiled.policies.map((cp) => ({
      name: cp.policy.name,
      description: cp.policy.description,
      effect: cp.policy.effect,
      priority: cp.policy.priority,
      file: cp.policy.file,
      inherits: cp.policy.inherits,
      ownGrants: cp.policy.grants.length,
      grants: cp.grants.length,
      peopleMatched: matched.get(cp.policy.name) ?? 0,
    })),
  };
}

/** A policy file of the active set, for the editor. */
export async function getPolicyFile({ ctx, input }: { ctx: ServiceContext; input: { path: string } }) {
  const engine = await policyEngine(ctx.db);
  const file = engine.files.find((f) => f.path === input.path);
  if (!file) throw new DomainError("NOT_FOUND", `There is no policy file ${input.path}`, { field: "path" });
  return {
    versionId: engine.versionId,
    ...file,
    policies: engine.loaded.policies.filter((p) => p.file === file.path).map((p) => p.name),
  };
}

/** Lint as you type: problems of the set as it would be with these changes. */
export async function lintPolicyDraft({ ctx, input }: { ctx: ServiceContext; input: { changes: FileChangeInput[] } }) {
  const engine = await policyEngine(ctx.db);
  const changedPaths = new Set(input.changes.map((c) => c.path));
  const problems = await lintFiles(ctx.db, applyChanges(engine.files, input.changes));
  // Problems of the files being edited first; the others still block a save.
  return problems.sort((a, b) => Number(changedPaths.has(b.file)) - Number(changedPaths.has(a.file)));
}

/** Who gains and loses what if the changes were saved, with people named, before saving. */
export async function previewPolicyDraft({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { changes: FileChangeInput[]; limit: number };
}) {
  const current = await policyEngine(ctx.db);
  const nextFiles = applyChanges(current.files, input.changes);
  const [next, people] = await Promise.all([policyEngine(ctx.db, nextFiles), loadPolicyIdentities(ctx.db)]);
  if (next.loaded.problems.some((p) => p.severity === "error")) {
    throw new DomainError("INVALID_INPUT", "Fix the errors in the policy before previewing its impact", {
      field: "changes",
    });
  }
  const changedNames = [
    ...new Set(input.changes.flatMap((c) => [...namesIn(current, c.path), ...namesIn(next, c.path)])),
  ];
  const impact = previewImpact(current.compiled, next.compiled, people, ctx.clock(), {
    changedPolicies: changedNames,
    limit: input.limit,
  });
  // Names only for the people shown, not for everyone an edit of a base policy moves.
  const names = await personNames(
    ctx,
    impact.people.map((p) => p.identity),
  );
  return {
    ...impact,
    people: impact.people.map((p) => ({ ...p, ...names.get(p.identity)! })),
    truncated: impact.changedPeople > impact.people.length,
    affectedPeople: impact.changedPeople,
  };
}

function namesIn(engine: Awaited<ReturnType<typeof policyEngine>>, path: string): string[] {
  return engine.loaded.policies.filter((p) => p.file === path).map((p) => p.name);
}

async function personNames(ctx: ServiceContext, ids: string[]) {
  const rows = ids.length
    ? await ctx.db.query.identities.findMany({
        columns: { id: true, displayName: true, email: true },
        where: (i, { inArray }) => inArray(i.id, ids),
      })
    : [];
  return new Map(rows.map((r) => [r.id, { displayName: r.displayName, email: r.email }]));
}

async function onePerson(ctx: ServiceContext, identityId: string): Promise<PolicyIdentity> {
  const [person] = await loadPolicyIdentities(ctx.db, identityId);
  if (!person) throw new DomainError("NOT_FOUND", "No identity with this id", { field: "identityId" });
  return person;
}

/** What policy gives a person, with the reason for each grant. */
export async function expectedAccessOf({ ctx, input }: { ctx: ServiceContext; input: { identityId: string } }) {
  const [engine, person] = await Promise.all([policyEngine(ctx.db), onePerson(ctx, input.identityId)]);
  const at = ctx.clock();
  const active = prepareIdentity(engine.compiled.layout, person, at).active;
  // Exceptions join expected access until they expire (by the clock), unless a deny policy
  // refuses the resource or the person is not Active (invariants 2-4).
  const exceptions = active ? await activeExceptionsOf(ctx.db, input.identityId, at) : [];
  const temporary = exceptions
    .filter(({ e }) => temporaryAccessCounts(explainAccess(engine.compiled, person, e.resourceKey, at)).counts)
    .map(({ e, approverName }) => ({
      exceptionId: e.id,
      number: e.number,
      resource: e.resourceKey,
      level: e.level,
      type: e.type,
      source: e.source,
      fallbackName: e.fallbackName,
      expiresAt: e.expiresAt,
      approverName: approverName ?? e.approvalRule,
    }));
  return {
    versionId: engine.versionId,
    grants: evaluateIdentity(engine.compiled, person, at),
    temporary,
    matchedPolicies: matchedPolicyNames(engine.compiled, person, at),
    active,
  };
}

/**
 * Why a person has a resource, or why not: the policies, then the temporary access they hold on
 * it (exceptions and fallback grants, open by the clock), counted by the rule expected access
 * uses, so the two never disagree.
 */
export async function explainPersonAccess({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { identityId: string; resource: string };
}) {
  const at = ctx.clock();
  const [engine, person, held] = await Promise.all([
    policyEngine(ctx.db),
    onePerson(ctx, input.identityId),
    activeExceptionsOf(ctx.db, input.identityId, at),
  ]);
  const explanation = explainWithTemporaryAccess(
    explainAccess(engine.compiled, person, input.resource, at),
    held
      .filter(({ e }) => e.resourceKey === input.resource)
      .map(({ e, approverName }) => ({
        exceptionId: e.id,
        number: e.number,
        level: e.level,
        type: e.type,
        source: e.source,
        approvedBy: e.source === "fallback" ? null : (approverName ?? e.approvalRule),
        fallbackName: e.fallbackName,
        expiresAt: e.expiresAt,
      })),
  );
  if (explanation.has || explanation.deniedBy.length) return { ...explanation, fallback: null };
  // No policy gives it: say which fallback decides (seed 004), and why the others did not.
  const decision = await fallbackDecisionFor(ctx, input.identityId, input.resource);
  return {
    ...explanation,
    fallback: {
      action: decision.action,
      name: decision.fallback?.name ?? null,
      message: decision.message,
      considered: decision.considered.map((c) => ({ name: c.name, outcome: c.outcome, why: c.why })),
    },
  };
}

/** "What if": a person's expected access with some attributes changed, against what they get now. */
export async function whatIfAttributes({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { identityId: string; attributes: Record<string, unknown> };
}) {
  const validated = validateAttributes(input.attributes);
  if (!validated.ok) {
    const first = validated.problems[0]!;
    throw new DomainError("INVALID_INPUT", validated.problems.map((p) => p.message).join("; "), {
      field: `attributes.${first.field}`,
    });
  }
  const [engine, person] = await Promise.all([policyEngine(ctx.db), onePerson(ctx, input.identityId)]);
  const at = ctx.clock();
  const changed: PolicyIdentity = { id: person.id, attributes: { ...person.attributes, ...validated.values } };
  const now = evaluateIdentity(engine.compiled, person, at);
  const then = evaluateIdentity(engine.compiled, changed, at);
  return {
    current: now,
    whatIf: then,
    delta: diffGrants(now, then),
    matchedNow: matchedPolicyNames(engine.compiled, person, at),
    matchedWhatIf: matchedPolicyNames(engine.compiled, changed, at),
  };
}

/** The inheritance graph, what no policy grants, and HR values no policy or alias knows. */
export async function policyOverview({ ctx }: { ctx: ServiceContext }) {
  const [engine, catalog, people] = await Promise.all([
    policyEngine(ctx.db),
    loadCatalog(ctx.db),
    loadPolicyIdentities(ctx.db),
  ]);
  return {
    versionId: engine.versionId,
    graph: policyGraph(engine.loaded.policies),
    coverage: policyCoverage(engine.compiled, [...catalog.resources]),
    unknownValues: unknownValues(engine.loaded.policies, people, engine.config),
  };
}

/** The active set (or a version) as files, exactly as stored. */
export async function exportPolicyFiles({ ctx }: { ctx: ServiceContext }) {
  const engine = await policyEngine(ctx.db);
  return { versionId: engine.versionId, files: engine.files };
}
