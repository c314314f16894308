import { asc, eq, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { matchKey, unknownValues } from "@/server/core/policy";
import { aliasableAttributes, checkNewAlias } from "@/server/core/policy/alias-rules";
import { policyValueUsage } from "@/server/core/policy/policy-values";
import { attributeAliases } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";
import { loadPolicyIdentities, policyEngine } from "./policies/engine";

// Alias writes are serialized: each new alias is checked against all the others.
const ALIAS_LOCK = 7_414_021;

/** Every alias, with how many people HR spells that way. */
export async function listAliases({ ctx }: { ctx: ServiceContext }) {
  const [rows, people] = await Promise.all([
    ctx.db.select().from(attributeAliases).orderBy(asc(attributeAliases.attribute), asc(sql`lower(${attributeAliases.rawValue})`)),
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

/** Maps a messy HR spelling to the value policies use, from now on, for everyone. */
export async function createAlias({ ctx, input }: { ctx: ServiceContext; input: { attribute: string; raw: string; canonical: string } }) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ALIAS_LOCK})`);
    const existing = await tx.select().from(attributeAliases).where(eq(attributeAliases.attribute, input.attribute.trim()));
    const checked = checkNewAlias(input, existing.map((a) => ({ attribute: a.attribute, raw: a.rawValue, canonical: a.canonicalValue })));
    if (!checked.ok) throw new DomainError(checked.problem.conflict ? "CONFLICT" : "INVALID_INPUT", checked.problem.message, { field: checked.problem.field });
    const { attribute, raw, canonical } = checked.alias;
    const [row] = await tx.insert(attributeAliases).values({ attribute, rawValue: raw, canonicalValue: canonical, createdAt: ctx.clock() }).returning();
    await recordAuditEvent(tx, ctx, { action: "alias.created", subjectType: "attribute_alias", subjectId: row!.id, after: { attribute, raw, canonical } });
    return { id: row!.id, attribute, raw, canonical };
  });
}

export async function removeAlias({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ALIAS_LOCK})`);
    const [row] = await tx.delete(attributeAliases).where(eq(attributeAliases.id, input.id)).returning();
    if (!row) throw new DomainError("NOT_FOUND", "There is no such alias (someone may have removed it already)", { field: "id" });
    await recordAuditEvent(tx, ctx, { action: "alias.removed", subjectType: "attribute_alias", subjectId: row.id, before: { attribute: row.attribute, raw: row.rawValue, canonical: row.canonicalValue } });
    return { id: row.id };
  });
}
