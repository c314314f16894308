import { asc, eq, inArray, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { AliasTable, compilePolicySet, matchKey, previewImpact, unknownValues, type Alias } from "@/server/core/policy";
import { genericWords, spellingEvidence } from "@/server/core/policy/alias-evidence";
import { aliasableAttributes, checkNewAlias } from "@/server/core/policy/alias-rules";
import { policyUsesOf } from "@/server/core/policy/alias-safety";
import { namedPolicyValues, policyValueUsage } from "@/server/core/policy/policy-values";
import type { DbOrTx } from "@/server/db/client";
import { attributeAliases, identities } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";
import { loadPolicyIdentities, policyEngine, type PolicyEngine } from "./policies/engine";

// Alias writes are serialized: each new alias is checked against all the others.
const ALIAS_LOCK = 7_414_021;

/** Every alias, with how many people HR spells that way. */
export async function listAliases({ ctx }: { ctx: ServiceContext }) {
  const [rows, people] = await Promise.all([
    ctx.db
      .select()
      .from(attributeAliases)
      .orderBy(asc(attributeAliases.attribute), asc(sql`lower(${attributeAliases.rawValue})`)),
    loadPolicyIdentities(ctx.db),
  ]);
  const spelled = new Map<string, number>();
  for (const p of people) {
    for (const attribute of aliasableAttributes) {
      const value = p.attributes[attribute];
      if (typeof value !== "string" || value.trim() === "") continue;
      const key = `${attribute}\u0000${matchKey(value)}`;
      spelled.set(key, (spelled.get(key) ?? 0) + 1);
    }
  }
  return {
    attributes: aliasableAttributes,
    aliases: rows.map((a) => ({
      id: a.id,
      attribute: a.attribute,
      raw: a.rawValue,
      canonical: a.canonicalValue,
      createdAt: a.createdAt,
      people: spelled.get(`${a.attribute}\u0000${matchKey(a.rawValue)}`) ?? 0,
    })),
  };
}

/**
 * HR values policies cannot match (no policy names them, no alias maps them) with the people
 * behind each, and values policies name that nobody has. Also every value policies name, which
 * is what an alias should map to.
 */
export async function aliasValueReport({ ctx }: { ctx: ServiceContext }) {
  const [engine, people] = await Promise.all([policyEngine(ctx.db), loadPolicyIdentities(ctx.db)]);
  const usage = policyValueUsage(engine.loaded.policies, people, engine.config);
  return {
    unknownValues: unknownValues(engine.loaded.policies, people, engine.config),
    unusedPolicyValues: usage.filter((u) => u.people === 0),
    policyValues: usage,
  };
}

type AliasInput = { attribute: string; raw: string; canonical: string };

/**
 * A new alias as it would be saved, or the reason it cannot be: malformed, clashing with another
 * alias (alias-rules.ts), or mapping a value policies read themselves (alias-safety.ts): that
 * would merge two values policies tell apart, such as "Sales Engineer" onto "Senior Sales Engineer".
 */
async function checkedAlias(db: DbOrTx, engine: PolicyEngine, input: AliasInput): Promise<Alias> {
  const existing = await db
    .select()
    .from(attributeAliases)
    .where(eq(attributeAliases.attribute, input.attribute.trim()));
  const checked = checkNewAlias(
    input,
    existing.map((a) => ({ attribute: a.attribute, raw: a.rawValue, canonical: a.canonicalValue })),
  );
  if (!checked.ok)
    throw new DomainError(checked.problem.conflict ? "CONFLICT" : "INVALID_INPUT", checked.problem.message, {
      field: checked.problem.field,
    });
  const { attribute, raw, canonical } = checked.alias;
  const uses = policyUsesOf(engine.loaded.policies, engine.config, attribute, raw);
  if (uses.length) {
    const where = uses
      .slice(0, 3)
      .map((u) => `"${u.requirement}" in ${u.policy}, ${u.file}:${u.line}`)
      .join("; ");
    throw new DomainError(
      "CONFLICT",
      `raw: policies read ${attribute} "${raw}" as a value of its own (${where}): an alias to ` +
        `"${canonical}" would change what they decide for everyone with it; change the ` +
        `policy instead`,
      { field: "raw" },
    );
  }
  return checked.alias;
}

/**
 * Before an alias is saved: who would gain and lose which access (the policy engine's impact
 * preview, with the alias added to the configuration), and the evidence that the raw value is a
 * spelling of the canonical one. Only people with the raw value can move: no policy names it.
 */
export async function previewAlias({ ctx, input }: { ctx: ServiceContext; input: AliasInput & { limit: number } }) {
  const engine = await policyEngine(ctx.db);
  const alias = await checkedAlias(ctx.db, engine, input);
  const people = await loadPolicyIdentities(ctx.db);
  const valuesOf = people.flatMap((p) =>
    typeof p.attributes[alias.attribute] === "string" ? [String(p.attributes[alias.attribute]).trim()] : [],
  );
  const holders = people.filter(
    (p) =>
      typeof p.attributes[alias.attribute] === "string" &&
      matchKey(String(p.attributes[alias.attribute])) === matchKey(alias.raw),
  );
  const next = compilePolicySet(engine.loaded.policies, {
    ...engine.config,
    aliases: [...engine.config.aliases, alias],
  });
  const impact = previewImpact(engine.compiled, next, holders, ctx.clock(), { limit: input.limit });
  const shown = impact.people.map((p) => p.identity);
  const names = new Map(
    (shown.length
      ? await ctx.db
          .select({ id: identities.id, displayName: identities.displayName, email: identities.email })
          .from(identities)
          .where(inArray(identities.id, shown))
      : []
    ).map((r) => [r.id, r]),
  );
  const named = namedPolicyValues(engine.loaded.policies, new AliasTable(engine.config.aliases)).get(alias.attribute);
  const generic = genericWords(new Set([...valuesOf, ...(named?.values() ?? [])]));
  return {
    alias,
    holders: holders.length,
    /** false: no policy names the canonical value, so the alias changes nothing policies decide today */
    canonicalNamedByPolicies: Boolean(named?.has(matchKey(alias.canonical))),
    evidence: spellingEvidence(alias.raw, alias.canonical, (w) => generic.has(w)),
    ...impact,
    people: impact.people.map((p) => ({
      ...p,
      displayName: names.get(p.identity)?.displayName ?? "",
      email: names.get(p.identity)?.email ?? "",
    })),
    affectedPeople: impact.changedPeople,
    truncated: impact.changedPeople > impact.people.length,
  };
}

/** Maps a messy HR spelling to the value policies use, from now on, for everyone. */
export async function createAlias({ ctx, input }: { ctx: ServiceContext; input: AliasInput }) {
  const engine = await policyEngine(ctx.db);
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ALIAS_LOCK})`);
    const { attribute, raw, canonical } = await checkedAlias(tx, engine, input);
    const [row] = await tx
      .insert(attributeAliases)
      .values({ attribute, rawValue: raw, canonicalValue: canonical, createdAt: ctx.clock() })
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "alias.created",
      subjectType: "attribute_alias",
      subjectId: row!.id,
      after: { attribute, raw, canonical },
    });
    return { id: row!.id, attribute, raw, canonical };
  });
}

export async function removeAlias({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ALIAS_LOCK})`);
    const [row] = await tx.delete(attributeAliases).where(eq(attributeAliases.id, input.id)).returning();
    if (!row)
      throw new DomainError("NOT_FOUND", "There is no such alias (someone may have removed it already)", {
        field: "id",
      });
    await recordAuditEvent(tx, ctx, {
      action: "alias.removed",
      subjectType: "attribute_alias",
      subjectId: row.id,
      before: { attribute: row.attribute, raw: row.rawValue, canonical: row.canonicalValue },
    });
    return { id: row.id };
  });
}
