import { count, sql } from "drizzle-orm";
import type { Clock } from "@/server/core/actor";
import { systemActor } from "@/server/core/actor";
import type { Db, Tx } from "@/server/db/client";
import {
  attributeAliases,
  attributeScales,
  approverGroupMembers,
  approverGroups,
  identities,
  identityAttributeChanges,
  policyFiles,
  policySetVersions,
  policySettings,
  portalRoleAssignments,
  fallbackPolicies,
  requestTemplates,
  resourceOwners,
  resources,
  systems,
} from "@/server/db/schema";
import { refreshExpectedAccess } from "./lifecycle/expected";
import { defaultScales } from "@/server/core/policy/types";
import { demoPolicyDirectory, readPolicyDirectory } from "@/server/db/seed/policies";
import { seedAliases, seedResources, seedSystems } from "@/server/db/seed/catalog";
import { generatePeople } from "@/server/db/seed/generate";
import { namedPeople, type SeedPerson } from "@/server/db/seed/people";
import { seedFallbacks } from "@/server/db/seed/fallbacks";
import { seedApproverGroups, seedTemplates } from "@/server/db/seed/requests";
import { parseFallbackFile } from "@/server/core/fallbacks";
import { templateDefinitionSchema } from "@/server/core/requests/template";
import { recordAuditEvent } from "./audit";

const SEED_LOCK = 7_414_003;

export function demoOrganization(): SeedPerson[] {
  return [...namedPeople, ...generatePeople(namedPeople.map((p) => p.email.split("@")[0]!))];
}

/** Whether the database holds no one yet (a new install). */
export async function organizationIsEmpty(db: Db): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(identities);
  return (row?.n ?? 0) === 0;
}

/** Loads the demo organization when the database has no identities yet; true when it did. */
export async function seedIfEmpty(db: Db, clock: Clock): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Several processes may start on a new database at once; one seeds, the others see it done.
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`);
    const [row] = await tx.select({ n: count() }).from(identities);
    if ((row?.n ?? 0) > 0) return false;
    await loadDemoOrganization(tx, clock);
    // What policy gives everyone, for drift detection and coverage from the first start.
    await refreshExpectedAccess(tx, clock());
    return true;
  });
}

async function loadDemoOrganization(tx: Tx, clock: Clock): Promise<void> {
  const now = clock();
  const people = demoOrganization();

  await tx.insert(systems).values(seedSystems);
  await tx
    .insert(attributeAliases)
    .values(seedAliases.map((a) => ({ attribute: a.attribute, rawValue: a.raw, canonicalValue: a.canonical })));

  const inserted = await tx
    .insert(identities)
    .values(
      people.map((p) => ({
        externalId: p.externalId,
        email: p.email,
        displayName: p.displayName,
        department: p.department,
        jobTitle: p.jobTitle,
        team: p.team,
        location: p.location,
        employmentType: p.employmentType,
        employmentStatus: p.employmentStatus,
        jobLevel: p.jobLevel,
        hireDate: p.hireDate,
        costCenter: p.costCenter,
        trainings: p.trainings,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .returning({ id: identities.id, email: identities.email });
  const idByEmail = new Map(inserted.map((r) => [r.email, r.id]));
  const idOf = (email: string) => {
    const id = idByEmail.get(email);
    if (!id) throw new Error(`seed data names ${email}, who is not in the organization`);
    return id;
  };

  const managed = people.filter((p) => p.manager);
  await tx.execute(sql`
    update identities as i set manager_id = m.manager_id
    from unnest(${sql.param(managed.map((p) => idOf(p.email)))}::uuid[], ${sql.param(managed.map((p) => idOf(p.manager!)))}::uuid[])
      as m(id, manager_id)
    where i.id = m.id`);

  const resourceRows = await tx
    .insert(resources)
    .values(
      seedResources.map((r) => {
        const [systemKey, type, ...rest] = r.key.split(":");
        return { key: r.key, systemKey: systemKey!, type: type!, name: rest.join(":"), description: r.description };
      }),
    )
    .returning({ id: resources.id, key: resources.key });
  const ownerOf = new Map(seedResources.map((r) => [r.key, r.owner]));
  const ownerRows = resourceRows.flatMap((r) => {
    const owner = ownerOf.get(r.key);
    return owner ? [{ resourceId: r.id, identityId: idOf(owner) }] : [];
  });
  if (ownerRows.length) await tx.insert(resourceOwners).values(ownerRows);

  const roleRows = people.flatMap((p) =>
    (p.roles ?? []).map((role) => ({ identityId: idOf(p.email), role, grantedAt: now, grantedBy: "system:seed" })),
  );
  await tx.insert(portalRoleAssignments).values(roleRows);

  const historyRows = people.flatMap((p) =>
    (p.history ?? []).flatMap((h) =>
      Object.entries(h.from).map(([attribute, oldValue]) => ({
        identityId: idOf(p.email),
        attribute,
        oldValue,
        newValue: currentValue(p, attribute),
        source: "seed",
        effectiveAt: new Date(`${h.effectiveAt}T09:00:00Z`),
        recordedAt: now,
        actorLabel: "system:seed",
        reason: h.reason,
      })),
    ),
  );
  if (historyRows.length) await tx.insert(identityAttributeChanges).values(historyRows);

  await tx
    .insert(attributeScales)
    .values(Object.entries(defaultScales).map(([attribute, values]) => ({ attribute, values, updatedAt: now })));
  await tx.insert(policySettings).values({ id: 1, updatedAt: now });
  const policies = readPolicyDirectory(demoPolicyDirectory);
  const [version] = await tx
    .insert(policySetVersions)
    .values({
      status: "active",
      authorLabel: "system:seed",
      message: "The demo organization's policies",
      createdAt: now,
      activatedAt: now,
    })
    .returning({ id: policySetVersions.id });
  await tx.insert(policyFiles).values(policies.map((f) => ({ versionId: version!.id, ...f })));

  await tx.insert(approverGroups).values(seedApproverGroups.map(({ members: _, ...g }) => g));
  await tx
    .insert(approverGroupMembers)
    .values(
      seedApproverGroups.flatMap((g) =>
        g.members.map((email, position) => ({ groupKey: g.key, identityId: idOf(email), position })),
      ),
    );
  await tx.insert(requestTemplates).values(
    seedTemplates.map((t) => ({
      ...t,
      definition: templateDefinitionSchema.parse(t.definition),
      createdAt: now,
      updatedAt: now,
      updatedBy: "system:seed",
    })),
  );

  await tx.insert(fallbackPolicies).values(
    seedFallbacks.map((source) => {
      const { fallback, problems } = parseFallbackFile("seed.yaml", source);
      if (!fallback) throw new Error(`seed fallback does not parse: ${problems.map((p) => p.message).join("; ")}`);
      return {
        name: fallback.name,
        source,
        definition: JSON.parse(JSON.stringify(fallback)),
        updatedAt: now,
        updatedBy: "system:seed",
      };
    }),
  );

  await recordAuditEvent(
    tx,
    { actor: systemActor("seed"), clock: () => now },
    {
      action: "organization.seeded",
      subjectType: "organization",
      reason: "First start on an empty database: loaded the demo organization",
      after: {
        identities: people.length,
        systems: seedSystems.length,
        resources: seedResources.length,
        aliases: seedAliases.length,
        roleAssignments: roleRows.length,
        attributeChanges: historyRows.length,
        policyFiles: policies.length,
        approverGroups: seedApproverGroups.length,
        requestTemplates: seedTemplates.length,
        fallbackPolicies: seedFallbacks.length,
      },
    },
  );
}

function currentValue(p: SeedPerson, attribute: string): string | null {
  const byAttribute: Record<string, string | null> = {
    job_title: p.jobTitle,
    job_level: p.jobLevel,
    team: p.team,
    location: p.location,
    department: p.department,
    employment_status: p.employmentStatus,
  };
  return byAttribute[attribute] ?? null;
}
