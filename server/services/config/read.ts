import { createHash } from "node:crypto";
import { asc, eq, isNull, sql } from "drizzle-orm";
// A setting that is a secret itself (a password, not a password's variable; a URL with a password) never leaves.
import { withoutLiteralSecrets } from "@/server/adapters/literal-secrets";
import {
  fallbackDocuments,
  serializeConfig,
  type ConfigSet,
  type FallbackItem,
  type Sensitivity,
} from "@/server/core/config";
import { exceptionTypes } from "@/server/core/exceptions/types";
import { parseFallbackFile } from "@/server/core/fallbacks";
import { templateDefinitionSchema } from "@/server/core/requests/template";
import type { DbOrTx } from "@/server/db/client";
import {
  approverGroupMembers,
  approverGroups,
  fallbackPolicies,
  identities,
  requestTemplates,
  resourceOwners,
  resources,
  systems,
} from "@/server/db/schema";
import { allTypeSettings } from "../exceptions/settings";

/**
 * The configuration as Clearance holds it now, in the shape of the files (core/config/types.ts).
 * Retired systems and their resources are history, not configuration; only IT's own (catalog)
 * templates are included.
 */
export async function readCurrentConfig(db: DbOrTx): Promise<ConfigSet> {
  // One query at a time: `db` may be a transaction, which runs one statement at a time anyway.
  const systemRows = await db.select().from(systems).where(isNull(systems.retiredAt)).orderBy(asc(systems.key));
  // A retired system's resources stay with it, for the reports: history too, not configuration.
  const resourceRows = (
    await db
      .select({ resource: resources })
      .from(resources)
      .innerJoin(systems, eq(systems.key, resources.systemKey))
      .where(isNull(systems.retiredAt))
      .orderBy(asc(resources.key))
  ).map((r) => r.resource);
  const ownerRows = await db
    .select({ resourceId: resourceOwners.resourceId, email: sql<string>`lower(${identities.email})` })
    .from(resourceOwners)
    .innerJoin(identities, eq(identities.id, resourceOwners.identityId));
  const templateRows = await db
    .select()
    .from(requestTemplates)
    .where(eq(requestTemplates.origin, "catalog"))
    .orderBy(asc(requestTemplates.key));
  const groupRows = await db.select().from(approverGroups).orderBy(asc(approverGroups.key));
  const memberRows = await db
    .select({ groupKey: approverGroupMembers.groupKey, email: sql<string>`lower(${identities.email})` })
    .from(approverGroupMembers)
    .innerJoin(identities, eq(identities.id, approverGroupMembers.identityId))
    .orderBy(asc(approverGroupMembers.position), asc(identities.email));
  const fallbackRows = await db.select().from(fallbackPolicies).orderBy(asc(fallbackPolicies.name));
  const typeSettings = await allTypeSettings(db);
  const ownersOf = new Map<string, string[]>();
  for (const o of ownerRows) ownersOf.set(o.resourceId, [...(ownersOf.get(o.resourceId) ?? []), o.email]);
  return {
    systems: systemRows.map((s) => ({
      key: s.key,
      name: s.name,
      description: s.description,
      accessLevels: s.accessLevels,
      adapter: { kind: s.adapterKind, settings: withoutLiteralSecrets(s.adapterConfig) },
      reviewPlans: s.reviewPlans,
      graceDays: s.graceDays,
      driftAutoRemediate: s.driftAutoRemediate,
    })),
    resources: resourceRows.map((r) => ({
      key: r.key,
      displayName: r.displayName,
      description: r.description,
      sensitivity: r.sensitivity as Sensitivity,
      requestable: r.requestable,
      defaultTemplate: r.defaultTemplateKey,
      owners: [...new Set(ownersOf.get(r.id) ?? [])].sort(),
    })),
    templates: templateRows.map((t) => ({
      key: t.key,
      name: t.name,
      description: t.description,
      active: t.active,
      // As a save would store it (defaults filled in), so that an export reads back the same.
      definition: templateDefinitionSchema.parse(t.definition),
    })),
    approverGroups: groupRows.map((g) => ({
      key: g.key,
      name: g.name,
      description: g.description,
      members: memberRows.filter((m) => m.groupKey === g.key).map((m) => m.email),
    })),
    fallbacks: fallbackRows.flatMap((f): FallbackItem[] => {
      const [doc] = fallbackDocuments(f.source);
      const source = doc?.source ?? `${f.source.trim()}\n`;
      const { fallback } = parseFallbackFile("fallbacks.yaml", source);
      return fallback ? [{ name: f.name, source, fallback }] : [];
    }),
    exceptionTypes: exceptionTypes.map((type) => ({ type, ...typeSettings[type] })),
  };
}

/** A hash of the configuration: a proposal is applied only to the configuration it was planned against. */
export function configFingerprint(set: ConfigSet): string {
  const hash = createHash("sha256");
  for (const f of serializeConfig(set)) hash.update(`${f.path}\n${f.source}\0`);
  return hash.digest("hex");
}
