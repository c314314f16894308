import { createHash } from "node:crypto";
import { and, eq, ne, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { DomainError, isDomainError } from "@/server/core/errors";
import { diffAttributes, type AttributeValue, type HrAttribute } from "@/server/core/identity/attributes";
import { splitByOwnership } from "@/server/core/identity/ownership";
import { isActiveStatus } from "@/server/core/identity/status";
import type { Db, Tx } from "@/server/db/client";
import { attributeColumns, attributesOf } from "@/server/db/identity-columns";
import { directoryLinks, identities } from "@/server/db/schema";
import type { DirectoryUser } from "@/server/directory/types";
import { ownershipFor } from "../attribute-ownership";
import { recordAuditEvent } from "../audit";
import type { SourceContext } from "../context";
import { changeIdentityAttributesIn } from "../identities";
import { planAccessChanges, type AccessChangeInput } from "../lifecycle/plan";
import { createIdentity } from "../identity-create";
import { takeOverAwaitingPerson } from "../identity-takeover";
import { leaveOtherSourcesGroups } from "../scim/group-membership";
import { refusingUniqueViolation } from "../unique-violation";

/** What applying the users of one read did. */
export interface UserCounts {
  created: number;
  changed: number;
  left: number;
  unchanged: number;
  /** inactive users never seen before (not hired), and people handed to another source since */
  skipped: number;
  /** users that could not be applied, with why (an email or HR id someone else has, say); the first 20 */
  conflicts: string[];
  conflictCount: number;
}

export interface StoredPerson {
  id: string;
  email: string;
  displayName: string;
  managedBy: string | null;
  attributes: Record<HrAttribute, AttributeValue>;
}

const manager = alias(identities, "manager");

/** The people these ids or emails name, as the sync compares them (one parameter each: any size of directory). */
export async function loadPeople(db: Db | Tx, where: { ids?: string[]; emails?: string[] }) {
  const ids = JSON.stringify(where.ids ?? []);
  const emails = JSON.stringify(where.emails ?? []);
  const rows = await db
    .select({
      id: identities.id,
      email: identities.email,
      displayName: identities.displayName,
      managedBy: identities.managedBy,
      ...attributeColumns,
      managerEmail: manager.email,
    })
    .from(identities)
    .leftJoin(manager, eq(manager.id, identities.managerId))
    .where(
      sql`${identities.id} in (select jsonb_array_elements_text(${ids}::jsonb)::uuid)
        or lower(${identities.email}) in (select jsonb_array_elements_text(${emails}::jsonb))`,
    );
  return rows.map((r): StoredPerson => ({
    id: r.id,
    email: r.email,
    displayName: r.displayName,
    managedBy: r.managedBy,
    attributes: attributesOf(r, r.managerEmail?.toLowerCase() ?? null),
  }));
}

/** The HR attributes a directory user asks for, given who they are now (null: a new person). */
export function wantedAttributes(
  user: DirectoryUser,
  current: StoredPerson | null,
  managerEmail: string | null | undefined,
) {
  const wanted: Partial<Record<HrAttribute, AttributeValue>> = { ...user.attributes };
  const status = current ? String(current.attributes.employment_status ?? "") : null;
  // Suspended in the directory: an Active person is Terminated. Active again: only a Terminated
  // person comes back; On Leave and other statuses are HR's to say, not the directory's.
  if (!user.active && (status === null || isActiveStatus(status))) wanted.employment_status = "Terminated";
  if (user.active && status === "Terminated") wanted.employment_status = "Active";
  if (managerEmail !== undefined) wanted.manager = managerEmail;
  return wanted;
}

/** The user as the directory sent them, with the manager as resolved: what "unchanged" compares. */
export const fingerprintOf = (user: DirectoryUser, managerEmail: string | null | undefined) =>
  createHash("sha256")
    .update(JSON.stringify([user, managerEmail ?? null]))
    .digest("base64url");

export type UserOutcome = "created" | "changed" | "unchanged" | "skipped";

/**
 * One directory user, in its own transaction: hired (or taken over when IT added them by hand),
 * or changed as the source's own write (ownership applies; see changeIdentityAttributes), and
 * linked to the directory's id. A user the directory sends exactly as last time, whose owned
 * attributes still hold, is not written at all. Someone the source does not manage (checked
 * again under the row lock: a handover may have happened since the run began) is skipped.
 */
export async function applyUser(
  ctx: SourceContext,
  user: DirectoryUser,
  current: StoredPerson | null,
  linked: { fingerprint: string | null } | null,
  /** the manager's email; null: none; undefined: leave as it is */
  managerEmail: string | null | undefined,
  /** told the person's id once they are linked (later users in the read may name them as manager) */
  onLinked: (identityId: string) => void = () => {},
): Promise<UserOutcome> {
  const unwritten = await outcomeWithoutWrite(ctx, user, current, linked, managerEmail);
  if (unwritten) return unwritten;
  const reason = reasonOf(ctx);
  return refusingUniqueViolation(
    () =>
      ctx.db.transaction(async (tx): Promise<UserOutcome> => {
        if (current) {
          const outcome = await changeStoredUser(tx, ctx, { user, current, managerEmail });
          if (outcome !== "skipped") onLinked(current.id);
          return outcome;
        }
        const externalId = user.employeeNumber || user.remoteId;
        const takenOver = await takeOverAwaitingPerson(tx, ctx, {
          email: user.email,
          externalId,
          sourceKey: ctx.sourceKey,
          via: "pull",
        });
        const fingerprint = fingerprintOf(user, managerEmail);
        if (!takenOver) {
          const created = await createIdentity(tx, ctx, {
            externalId,
            email: user.email,
            displayName: user.displayName,
            attributes: wantedAttributes(user, null, managerEmail),
            source: "pull",
            managedBy: ctx.sourceKey,
            effectiveAt: ctx.clock(),
            reason,
          });
          await link(tx, ctx.sourceKey, user.remoteId, created.id, fingerprint);
          onLinked(created.id);
          return "created";
        }
        await link(tx, ctx.sourceKey, user.remoteId, takenOver, fingerprint);
        onLinked(takenOver);
        await changeIdentityAttributesIn(tx, ctx, {
          identityId: takenOver,
          attributes: wantedAttributes(user, null, managerEmail),
          source: "pull",
          sourceKey: ctx.sourceKey,
          reason,
        });
        return "changed";
      }),
    taken,
  );
}

export const reasonOf = (ctx: SourceContext) => `Directory pull from ${ctx.sourceKey}`;
const taken = () => new DomainError("CONFLICT", "Another identity already has this email or HR id", { field: "email" });

/**
 * What a user comes to without a write: "skipped" (someone the source does not manage, or an
 * inactive user never seen before), "unchanged" (sent exactly as last time, and what the source
 * owns still holds), or null: it has to be written.
 */
export async function outcomeWithoutWrite(
  ctx: SourceContext,
  user: DirectoryUser,
  current: StoredPerson | null,
  linked: { fingerprint: string | null } | null,
  managerEmail: string | null | undefined,
): Promise<UserOutcome | null> {
  if (current && current.managedBy !== ctx.sourceKey) return "skipped";
  if (!current && !user.active) return "skipped";
  const fingerprint = fingerprintOf(user, managerEmail);
  if (current && linked?.fingerprint === fingerprint && !(await ownedDiffer(ctx, user, current, managerEmail)))
    return "unchanged";
  return null;
}

interface StoredChange {
  user: DirectoryUser;
  current: StoredPerson;
  managerEmail: string | null | undefined;
}

/**
 * A person the source manages, changed as the directory says (their link, email and name, then
 * their HR attributes as the source's write) in the caller's transaction; skipped when the
 * source no longer manages them (checked under the row lock: a handover may have happened since
 * the run began). With `plansLater`, their plan is left to the caller (changeUsers).
 */
async function changeStoredUser(
  tx: Tx,
  ctx: SourceContext,
  { user, current, managerEmail }: StoredChange,
  plansLater?: AccessChangeInput[],
): Promise<UserOutcome> {
  const [locked] = await tx
    .select({ managedBy: identities.managedBy })
    .from(identities)
    .where(eq(identities.id, current.id))
    .for("no key update");
  if (locked?.managedBy !== ctx.sourceKey) return "skipped";
  const reason = reasonOf(ctx);
  await link(tx, ctx.sourceKey, user.remoteId, current.id, fingerprintOf(user, managerEmail));
  const account =
    current.email !== user.email || current.displayName !== user.displayName
      ? await changeAccount(tx, ctx, current, user, reason)
      : false;
  const { changed } = await changeIdentityAttributesIn(
    tx,
    ctx,
    {
      identityId: current.id,
      attributes: wantedAttributes(user, current, managerEmail),
      source: "pull",
      sourceKey: ctx.sourceKey,
      reason,
    },
    plansLater,
  );
  return account || changed.length ? "changed" : "unchanged";
}

/**
 * People of one read who changed (each one outcomeWithoutWrite said must be written, each a
 * different person), changed in one transaction as changeStoredUser changes them, in the order
 * given, and planned together (planAccessChanges: the policy set loaded once, the plans' rows
 * written together). Any problem fails them all: the caller applies them one by one instead, to
 * find whose it is. Gives each one's outcome.
 */
export async function changeUsers(ctx: SourceContext, changes: readonly StoredChange[]): Promise<UserOutcome[]> {
  return refusingUniqueViolation(
    () =>
      ctx.db.transaction(async (tx) => {
        const plans: AccessChangeInput[] = [];
        const outcomes: UserOutcome[] = [];
        for (const change of changes) outcomes.push(await changeStoredUser(tx, ctx, change, plans));
        await planAccessChanges(tx, ctx, plans);
        return outcomes;
      }),
    taken,
  );
}

/** Whether an attribute the source owns no longer holds the directory's value (someone else changed it). */
async function ownedDiffer(
  ctx: SourceContext,
  user: DirectoryUser,
  current: StoredPerson,
  managerEmail?: string | null,
) {
  if (current.email !== user.email || current.displayName !== user.displayName) return true;
  const owned = await ownedBy(ctx);
  const wanted = wantedAttributes(user, current, managerEmail);
  const { applied } = splitByOwnership(wanted, current.attributes, owned, null);
  return diffAttributes(current.attributes, applied).length > 0;
}

const ownedCache = new WeakMap<SourceContext, ReturnType<typeof ownershipFor>>();
const ownedBy = async (ctx: SourceContext) => {
  if (!ownedCache.has(ctx)) ownedCache.set(ctx, ownershipFor(ctx.db, { kind: "source", key: ctx.sourceKey }, null));
  return (await ownedCache.get(ctx)!).writer;
};

/** The directory's id for the person; a user deleted and created again with the same email moves the link. */
async function link(tx: Tx, sourceKey: string, remoteId: string, identityId: string, fingerprint: string) {
  await tx
    .delete(directoryLinks)
    .where(
      and(
        eq(directoryLinks.sourceKey, sourceKey),
        eq(directoryLinks.identityId, identityId),
        ne(directoryLinks.remoteId, remoteId),
      ),
    );
  await tx
    .insert(directoryLinks)
    .values({ sourceKey, remoteId, identityId, fingerprint })
    .onConflictDoUpdate({
      target: [directoryLinks.sourceKey, directoryLinks.remoteId],
      set: { identityId, goneAt: null, fingerprint },
    });
}

/** A new email or name from the directory: the sign-in email stays unique (a taken one is a conflict). */
async function changeAccount(tx: Tx, ctx: SourceContext, current: StoredPerson, user: DirectoryUser, reason: string) {
  if (current.email.toLowerCase() !== user.email.toLowerCase()) {
    const [other] = await tx
      .select({ id: identities.id })
      .from(identities)
      .where(and(sql`lower(${identities.email}) = ${user.email.toLowerCase()}`, ne(identities.id, current.id)));
    if (other)
      throw new DomainError("CONFLICT", `Another identity already has the email ${user.email}`, { field: "email" });
  }
  const after = { email: user.email, displayName: user.displayName };
  await tx
    .update(identities)
    .set({ ...after, updatedAt: ctx.clock() })
    .where(eq(identities.id, current.id));
  await recordAuditEvent(tx, ctx, {
    action: "identity.account_changed",
    subjectType: "identity",
    subjectId: current.id,
    before: { email: current.email, displayName: current.displayName },
    after,
    reason,
    context: { source: "pull" },
  });
  return true;
}

/**
 * People who left the directory (deleted, or missing from a full read): terminated as the
 * source's write (unless it does not own employment_status), out of its groups, link marked gone.
 */
export async function applyLeaver(ctx: SourceContext, remoteId: string): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ identityId: directoryLinks.identityId, managedBy: identities.managedBy })
      .from(directoryLinks)
      .innerJoin(identities, eq(identities.id, directoryLinks.identityId))
      .where(and(eq(directoryLinks.sourceKey, ctx.sourceKey), eq(directoryLinks.remoteId, remoteId)))
      .for("update", { of: identities });
    if (!row || row.managedBy !== ctx.sourceKey) return false;
    const reason = `Gone from the directory ${ctx.sourceKey}`;
    await tx
      .update(directoryLinks)
      .set({ goneAt: ctx.clock() })
      .where(and(eq(directoryLinks.sourceKey, ctx.sourceKey), eq(directoryLinks.remoteId, remoteId)));
    await leaveOtherSourcesGroups(tx, ctx, [row.identityId], null, reason, "pull");
    await changeIdentityAttributesIn(tx, ctx, {
      identityId: row.identityId,
      attributes: { employment_status: "Terminated" },
      source: "pull",
      sourceKey: ctx.sourceKey,
      reason,
    });
    return true;
  });
}

/** A failure that belongs to one user (a taken email or HR id) is a conflict to report, not the run's end. */
export function conflictOf(err: unknown, user: DirectoryUser): string | null {
  return isDomainError(err) && (err.code === "CONFLICT" || err.code === "INVALID_INPUT")
    ? `${user.email} (${user.remoteId}): ${err.message}`
    : null;
}
