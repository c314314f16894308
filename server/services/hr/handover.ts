import { and, asc, count, eq, inArray, isNull, type SQL } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { Tx } from "@/server/db/client";
import { hrSources, identities } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { leaveOtherSourcesGroups } from "../scim/group-membership";

/**
 * IT decides which HR source manages whom (identities.managed_by): a source's token reads and
 * changes only its own people (docs/security/source-scoping.md). Each handover names a reason
 * and writes one identity.source_changed event per person, so every person's trail shows who
 * moved them, from which source to which, and why.
 */

const REASON_MAX = 500;

function reasonOf(reason: string): string {
  const trimmed = reason.trim();
  if (!trimmed) throw new DomainError("INVALID_INPUT", "Say why the person changes source", { field: "reason" });
  if (trimmed.length > REASON_MAX)
    throw new DomainError("INVALID_INPUT", `Keep the reason under ${REASON_MAX} characters`, { field: "reason" });
  return trimmed;
}

async function existingSource(tx: Tx, key: string, field: string) {
  const [source] = await tx
    .select({ key: hrSources.key, revokedAt: hrSources.revokedAt })
    .from(hrSources)
    .where(eq(hrSources.key, key));
  if (!source) throw new DomainError("INVALID_INPUT", `No HR source has the key "${key}"`, { field });
  return source;
}

/** A source people may be handed to: it exists and its token is not revoked. */
async function liveSource(tx: Tx, key: string, field: string) {
  const source = await existingSource(tx, key, field);
  if (source.revokedAt) throw new DomainError("INVALID_INPUT", `The HR source "${key}" is revoked`, { field });
  return source.key;
}

async function recordHandover(
  tx: Tx,
  ctx: ServiceContext,
  person: { id: string; managedBy: string | null },
  to: string | null,
  reason: string,
  context: Record<string, unknown>,
) {
  await recordAuditEvent(tx, ctx, {
    action: "identity.source_changed",
    subjectType: "identity",
    subjectId: person.id,
    before: { managedBy: person.managedBy },
    after: { managedBy: to },
    reason,
    context,
  });
}

/** Hands one person to another source, or to none (no token may then read or change them). */
export async function handOverIdentity({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { identityId: string; toSource: string | null; reason: string };
}) {
  const reason = reasonOf(input.reason);
  return ctx.db.transaction(async (tx) => {
    const to = input.toSource === null ? null : await liveSource(tx, input.toSource, "toSource");
    // Locked: an HR event or SCIM write for this person waits, then sees the new source.
    const [person] = await tx
      .select({ id: identities.id, managedBy: identities.managedBy })
      .from(identities)
      .where(eq(identities.id, input.identityId))
      .for("update");
    if (!person) throw new DomainError("NOT_FOUND", "No identity with this id", { field: "identityId" });
    if (person.managedBy === to)
      throw new DomainError(
        "INVALID_INPUT",
        to ? `"${to}" already manages this person` : "No source manages this person already",
        { field: "toSource" },
      );
    await tx.update(identities).set({ managedBy: to }).where(eq(identities.id, person.id));
    await recordHandover(tx, ctx, person, to, reason, { handover: "one" });
    // The old source's groups no longer hold them (its token must not reach them through a group).
    await leaveOtherSourcesGroups(tx, ctx, [person.id], to, `Handed over: ${reason}`);
    return { identityId: person.id, managedBy: to };
  });
}

export interface HandoverSelection {
  /** the people it takes: those this source manages, or (null) those no source manages */
  fromSource: string | null;
  /** only people of this department (exactly as stored); absent: every department */
  department?: string | null;
}

function selectionWhere(selection: HandoverSelection): SQL | undefined {
  const from =
    selection.fromSource === null ? isNull(identities.managedBy) : eq(identities.managedBy, selection.fromSource);
  return selection.department ? and(from, eq(identities.department, selection.department)) : from;
}

function checkSelection(input: HandoverSelection & { toSource: string }) {
  if (input.fromSource === input.toSource)
    throw new DomainError(
      "INVALID_INPUT",
      `"${input.toSource}" already manages these people: choose people it does not manage`,
      { field: "fromSource" },
    );
}

/** How many people a bulk handover would move, and the first few of them, changing nothing. */
export async function previewHandover({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: HandoverSelection & { toSource: string };
}) {
  checkSelection(input);
  const where = selectionWhere(input);
  const [[total], sample] = await Promise.all([
    ctx.db.select({ n: count() }).from(identities).where(where),
    ctx.db
      .select({ id: identities.id, displayName: identities.displayName, email: identities.email })
      .from(identities)
      .where(where)
      .orderBy(asc(identities.displayName), asc(identities.id))
      .limit(10),
  ]);
  return { count: total?.n ?? 0, sample };
}

/**
 * Gives a source the people it should take over (onboarding an HR system or identity provider
 * over an existing directory: Okta and Entra ID match existing users by userName, which they can
 * only see once their source manages them). All or nothing; refused when the selection no
 * longer holds the number of people the preview showed.
 */
export async function handOverPeople({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: HandoverSelection & { toSource: string; reason: string; expectedCount: number };
}) {
  const reason = reasonOf(input.reason);
  checkSelection(input);
  return ctx.db.transaction(async (tx) => {
    const to = await liveSource(tx, input.toSource, "toSource");
    // Another source's people may be taken even when its token is revoked: they need a new home.
    if (input.fromSource !== null) await existingSource(tx, input.fromSource, "fromSource");
    const people = await tx
      .select({ id: identities.id, managedBy: identities.managedBy })
      .from(identities)
      .where(selectionWhere(input))
      .orderBy(asc(identities.id))
      .for("update");
    if (people.length === 0)
      throw new DomainError("INVALID_INPUT", "Nobody matches: there is no one to hand over", { field: "fromSource" });
    if (people.length !== input.expectedCount) {
      throw new DomainError(
        "CONFLICT",
        `The selection now holds ${people.length} people, not the ${input.expectedCount} previewed: preview again`,
        { field: "expectedCount" },
      );
    }
    const ids = people.map((p) => p.id);
    for (let i = 0; i < ids.length; i += 1000)
      await tx
        .update(identities)
        .set({ managedBy: to })
        .where(inArray(identities.id, ids.slice(i, i + 1000)));
    const selection = { fromSource: input.fromSource, department: input.department || null };
    for (const person of people) await recordHandover(tx, ctx, person, to, reason, { handover: "bulk", selection });
    for (let i = 0; i < ids.length; i += 1000)
      await leaveOtherSourcesGroups(tx, ctx, ids.slice(i, i + 1000), to, `Handed over: ${reason}`);
    return { handedOver: people.length, toSource: to };
  });
}
