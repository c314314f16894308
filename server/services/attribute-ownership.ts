import { asc, eq, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import { hrAttributes } from "@/server/core/identity/attributes";
import { ownedAttributesProblem, type Authority, type OwnedAttributes } from "@/server/core/identity/ownership";
import type { DbOrTx } from "@/server/db/client";
import { hrSources, organizationSettings } from "@/server/db/schema";
import { recordAuditEvent } from "./audit";
import type { ServiceContext } from "./context";

/** Who writes: a source's token (HR events, SCIM, a directory pull), a CSV import, or IT by hand. */
export type AttributeWriter = { kind: "source"; key: string } | { kind: "csv" } | { kind: "manual" };

/** The writer behind a change: the source when one writes, else IT's channel (the seed writes everything: null). */
export function writerFor(source: string, sourceKey: string | null | undefined): AttributeWriter | null {
  if (sourceKey) return { kind: "source", key: sourceKey };
  return source === "csv" ? { kind: "csv" } : source === "admin" ? { kind: "manual" } : null;
}

const settingsColumn = {
  csv: organizationSettings.csvOwnedAttributes,
  manual: organizationSettings.manualOwnedAttributes,
};

async function channelOwned(db: DbOrTx, kind: "csv" | "manual"): Promise<OwnedAttributes> {
  const [row] = await db.select({ owned: settingsColumn[kind] }).from(organizationSettings).limit(1);
  return row?.owned ?? null;
}

async function sourceOwned(db: DbOrTx, key: string): Promise<OwnedAttributes> {
  const [row] = await db.select({ owned: hrSources.ownedAttributes }).from(hrSources).where(eq(hrSources.key, key));
  return row?.owned ?? null;
}

/**
 * What a writer may set on a person the source `managedBy` manages (or nobody): its own
 * declaration, and the managing source's when the writer is someone else.
 */
export async function ownershipFor(
  db: DbOrTx,
  writer: AttributeWriter,
  managedBy: string | null,
): Promise<{ writer: OwnedAttributes; authority: Authority | null }> {
  const own = writer.kind === "source" ? await sourceOwned(db, writer.key) : await channelOwned(db, writer.kind);
  const other = managedBy && !(writer.kind === "source" && writer.key === managedBy) ? managedBy : null;
  return { writer: own, authority: other ? { sourceKey: other, owned: await sourceOwned(db, other) } : null };
}

/** Every channel's declaration, for the HR sources page. */
export async function listAttributeOwnership({ ctx }: { ctx: ServiceContext }) {
  const [sources, [settings]] = await Promise.all([
    ctx.db
      .select({ key: hrSources.key, name: hrSources.name, owned: hrSources.ownedAttributes })
      .from(hrSources)
      .where(sql`${hrSources.revokedAt} is null`)
      .orderBy(asc(hrSources.name)),
    ctx.db.select().from(organizationSettings).limit(1),
  ]);
  return {
    attributes: [...hrAttributes],
    sources,
    csv: settings?.csvOwnedAttributes ?? null,
    manual: settings?.manualOwnedAttributes ?? null,
  };
}

export interface SetOwnershipInput {
  writer: AttributeWriter;
  /** null: every attribute */
  attributes: string[] | null;
}

/**
 * IT declares which attributes a channel is authoritative for. It applies to the next writes;
 * nobody's values change now (what a source sent before stays until someone writes again).
 */
export async function setAttributeOwnership({ ctx, input }: { ctx: ServiceContext; input: SetOwnershipInput }) {
  const attributes = input.attributes ? [...new Set(input.attributes)].sort() : null;
  const problem = attributes ? ownedAttributesProblem(attributes) : null;
  if (problem) throw new DomainError("INVALID_INPUT", `attributes: ${problem}`, { field: "attributes" });
  const { writer } = input;
  return ctx.db.transaction(async (tx) => {
    let before: OwnedAttributes;
    if (writer.kind === "source") {
      const [source] = await tx.select().from(hrSources).where(eq(hrSources.key, writer.key)).for("update");
      if (!source) throw new DomainError("NOT_FOUND", `There is no HR source "${writer.key}"`, { field: "writer" });
      before = source.ownedAttributes ?? null;
      await tx.update(hrSources).set({ ownedAttributes: attributes }).where(eq(hrSources.key, writer.key));
    } else {
      await tx.execute(sql`lock table ${organizationSettings} in share row exclusive mode`);
      before = await channelOwned(tx, writer.kind);
      const set = writer.kind === "csv" ? { csvOwnedAttributes: attributes } : { manualOwnedAttributes: attributes };
      await tx
        .insert(organizationSettings)
        .values({ id: 1, ...set, updatedAt: ctx.clock() })
        .onConflictDoUpdate({ target: organizationSettings.id, set: { ...set, updatedAt: ctx.clock() } });
    }
    if (JSON.stringify(before) === JSON.stringify(attributes)) return { writer, attributes };
    await recordAuditEvent(tx, ctx, {
      action: "identity.attribute_ownership_changed",
      subjectType: writer.kind === "source" ? "hr_source" : "identity_channel",
      subjectId: writer.kind === "source" ? writer.key : writer.kind,
      before: { ownedAttributes: before },
      after: { ownedAttributes: attributes },
    });
    return { writer, attributes };
  });
}
