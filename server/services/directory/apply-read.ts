import { eq } from "drizzle-orm";
import { AdapterError } from "@/server/adapters/types";
import { isDomainError } from "@/server/core/errors";
import { directoryLinks } from "@/server/db/schema";
import type { DirectoryRead, DirectoryUser } from "@/server/directory/types";
import { logger } from "@/server/log";
import type { SourceContext } from "../context";
import { applyGroups, type GroupCounts } from "./apply-groups";
import { hireUsers } from "./apply-hires";
import {
  applyLeaver,
  applyUser,
  changeUsers,
  conflictOf,
  loadPeople,
  outcomeWithoutWrite,
  type StoredPerson,
  type UserCounts,
} from "./apply-users";

export interface PullResult {
  kind: DirectoryRead["kind"];
  users: UserCounts;
  groups: GroupCounts;
  stats: DirectoryRead["stats"];
}

export interface ApplyOptions {
  /** called between people and groups: renews the run's claim, throws when another run took it */
  keepAlive: () => Promise<void>;
  /** IT confirmed that a full read may end more people than MASS_LEAVE allows */
  allowMassLeave?: boolean;
}

const CONFLICTS_KEPT = 20;
/** A full read that would end more than this share of the source's people (and more than 10) waits for IT. */
const MASS_LEAVE = 0.1;
const KEEP_ALIVE_EVERY = 100;
/** New people hired in one transaction (createIdentities); a few hundred keep each one short. */
const HIRE_BATCH = 500;
/** People changed in one transaction (changeUsers): a delta's movers planned together. */
const CHANGE_BATCH = 100;

async function linksOf(ctx: SourceContext) {
  const rows = await ctx.db.select().from(directoryLinks).where(eq(directoryLinks.sourceKey, ctx.sourceKey));
  return new Map(rows.map((r) => [r.remoteId, r]));
}

/**
 * Applies one read of the directory as the source's writes: users (hired, changed, left), then
 * managers (a manager may be hired in the same read), then groups. Each person and group is
 * its own transaction, so a read of 10,000 people neither holds locks for minutes nor loses
 * everything to one bad row: a user that cannot be applied (an email another source's person
 * has) is reported as a conflict and the rest goes on. Nothing here calls the directory.
 */
export async function applyDirectoryRead(
  ctx: SourceContext,
  read: DirectoryRead,
  opts: ApplyOptions,
): Promise<PullResult> {
  const users: UserCounts = {
    created: 0,
    changed: 0,
    left: 0,
    unchanged: 0,
    skipped: 0,
    conflicts: [],
    conflictCount: 0,
  };
  let links = await linksOf(ctx);
  const present = new Set(read.users.map((u) => u.remoteId));
  const leavers =
    read.kind === "full"
      ? [...links.values()].filter((l) => !l.goneAt && !present.has(l.remoteId)).map((l) => l.remoteId)
      : read.removedUserIds;
  const linkedNow = [...links.values()].filter((l) => !l.goneAt).length;
  // A wrong org URL, or a token that sees a tenth of the directory, must not terminate everyone.
  if (read.kind === "full" && !opts.allowMassLeave && leavers.length > Math.max(10, linkedNow * MASS_LEAVE))
    throw new AdapterError(
      `this read would end ${leavers.length} of the ${linkedNow} people the source pulled: nothing was applied. ` +
        "If the directory really lost them, IT confirms with “Sync now, ending them”",
      false,
    );

  const emails = [
    ...new Set(
      read.users.flatMap((u) => [u.email, ...(u.managerEmail ? [u.managerEmail] : [])]).map((e) => e.toLowerCase()),
    ),
  ];
  const people = await loadPeople(ctx.db, { ids: [...links.values()].map((l) => l.identityId), emails });
  const byId = new Map(people.map((p) => [p.id, p]));
  const byEmail = new Map(people.map((p) => [p.email.toLowerCase(), p]));

  // People linked during this read, by their directory id: a manager hired earlier in the read.
  const linkedInRead = new Map<string, string>();
  const managerOf = (u: DirectoryUser): string | null | undefined => {
    if (u.managerEmail !== undefined)
      return u.managerEmail === null
        ? null
        : (byEmail.get(u.managerEmail)?.email ??
            (emailsLinked.has(u.managerEmail) || pendingEmails.has(u.managerEmail) || changingEmails.has(u.managerEmail)
              ? u.managerEmail
              : undefined));
    if (u.managerRemoteId === undefined) return undefined;
    if (u.managerRemoteId === null) return null;
    const fresh =
      linkedInRead.get(u.managerRemoteId) ??
      pendingByRemoteId.get(u.managerRemoteId) ??
      changingByRemoteId.get(u.managerRemoteId);
    if (fresh) return fresh;
    const link = links.get(u.managerRemoteId);
    return link && !link.goneAt ? byId.get(link.identityId)?.email.toLowerCase() : undefined;
  };
  const currentOf = (
    u: DirectoryUser,
  ): { person: StoredPerson | null; link: { fingerprint: string | null } | null } => {
    const link = links.get(u.remoteId);
    if (link) return { person: byId.get(link.identityId) ?? null, link };
    const byMail = byEmail.get(u.email.toLowerCase());
    // Someone with this email that the source does not manage: createIdentity says it is taken (a conflict).
    return { person: byMail?.managedBy === ctx.sourceKey ? byMail : null, link: null };
  };
  const conflicted = new Set<string>();
  const emailsLinked = new Set<string>();
  // the batch of new people not yet hired: their emails, and their emails by directory id
  const pendingEmails = new Set<string>();
  const pendingHrIds = new Set<string>();
  const pendingByRemoteId = new Map<string, string>();
  // the same of the batch of people who changed (an email may be changing: their reports name the new one)
  const changingEmails = new Set<string>();
  const changingByRemoteId = new Map<string, string>();
  const linkedAs = (u: DirectoryUser) => () => {
    linkedInRead.set(u.remoteId, u.email.toLowerCase());
    emailsLinked.add(u.email.toLowerCase());
  };
  const apply = async (u: DirectoryUser, manager: string | null | undefined) => {
    const { person, link } = currentOf(u);
    try {
      return await applyUser(ctx, u, person, link, manager, linkedAs(u));
    } catch (err) {
      // One bad value (a manager loop, a title too long) must not keep the rest, a termination above all.
      if (isDomainError(err) && err.code === "INVALID_INPUT" && err.field) {
        const rest = withoutField(u, err.field);
        if (rest)
          try {
            await applyUser(ctx, rest, person, link, err.field === "manager" ? undefined : manager, linkedAs(u));
          } catch {
            // reported below with the first error
          }
      }
      const conflict = conflictOf(err, u);
      if (!conflict) throw err;
      conflicted.add(u.remoteId);
      if (users.conflicts.length < CONFLICTS_KEPT) users.conflicts.push(conflict);
      users.conflictCount++;
      return null;
    }
  };

  // New people are hired HIRE_BATCH at a time (hireUsers), managers before their reports, so
  // that a manager hired in this read is already known to the reports that name them.
  const hires: { user: DirectoryUser; managerEmail: string | null | undefined }[] = [];
  // People who changed are written CHANGE_BATCH at a time (changeUsers), before any hire batch.
  const changes: { user: DirectoryUser; current: StoredPerson; managerEmail: string | null | undefined }[] = [];
  const changesNow = async () => {
    const batch = changes.splice(0);
    changingEmails.clear();
    changingByRemoteId.clear();
    if (batch.length === 0) return;
    try {
      const outcomes = await changeUsers(ctx, batch);
      batch.forEach(({ user }, i) => {
        if (outcomes[i] !== "skipped") linkedAs(user)();
        users[outcomes[i]!]++;
      });
    } catch (err) {
      if (!isDomainError(err))
        logger().warn({ err, source: ctx.sourceKey }, "directory pull: a batch of changes failed; one by one instead");
      // each with their manager as the people before them left it
      for (const { user } of batch) {
        const outcome = await apply(user, managerOf(user));
        if (outcome) users[outcome]++;
      }
    }
    await opts.keepAlive();
  };
  const hireNow = async () => {
    await changesNow();
    const batch = hires.splice(0);
    pendingEmails.clear();
    pendingHrIds.clear();
    pendingByRemoteId.clear();
    if (batch.length === 0) return;
    try {
      await hireUsers(ctx, batch);
      for (const { user } of batch) linkedAs(user)();
      users.created += batch.length;
    } catch (err) {
      // Someone's value is refused (or taken meanwhile): one by one, to report whose it is.
      if (!isDomainError(err))
        logger().warn(
          { err, source: ctx.sourceKey },
          "directory pull: a batch of new people failed; one by one instead",
        );
      for (const { user } of batch) {
        const outcome = await apply(user, managerOf(user));
        if (outcome) users[outcome]++;
      }
    }
    await opts.keepAlive();
  };
  const isNewHire = (u: DirectoryUser) =>
    u.active &&
    !links.has(u.remoteId) &&
    !byEmail.has(u.email.toLowerCase()) &&
    !emailsLinked.has(u.email.toLowerCase());

  // The manager named but not yet a person (hired later in this read): set in a second pass.
  const later: DirectoryUser[] = [];
  let done = 0;
  for (const u of managersFirst(read.users)) {
    const manager = managerOf(u);
    if ((u.managerEmail != null || u.managerRemoteId != null) && manager === undefined) later.push(u);
    const email = u.email.toLowerCase();
    const hrId = u.employeeNumber || u.remoteId;
    // The same email or HR id as someone waiting in the batch: the batch goes first, and the first keeps it.
    const clashes = pendingEmails.has(email) || pendingHrIds.has(hrId);
    if (isNewHire(u) && !clashes) {
      hires.push({ user: u, managerEmail: manager });
      pendingEmails.add(email);
      pendingHrIds.add(hrId);
      pendingByRemoteId.set(u.remoteId, email);
      if (hires.length >= HIRE_BATCH) await hireNow();
      continue;
    }
    // So does a manager still waiting in it.
    if (clashes || (manager && pendingEmails.has(manager))) await hireNow();
    const { person, link } = currentOf(u);
    const unwritten = await outcomeWithoutWrite(ctx, u, person, link, manager);
    if (unwritten) users[unwritten]++;
    else if (person) {
      // a person twice in one read (linked, and by email): the first change goes first
      if (changes.some((c) => c.current.id === person.id)) await changesNow();
      changes.push({ user: u, current: person, managerEmail: manager });
      changingEmails.add(u.email.toLowerCase());
      changingByRemoteId.set(u.remoteId, u.email.toLowerCase());
      if (changes.length >= CHANGE_BATCH) await changesNow();
    } else {
      const outcome = await apply(u, manager);
      if (outcome) users[outcome]++;
    }
    if (++done % KEEP_ALIVE_EVERY === 0) await opts.keepAlive();
  }
  await hireNow();
  if (later.length) {
    links = await linksOf(ctx);
    for (const p of await loadPeople(ctx.db, { ids: [...links.values()].map((l) => l.identityId) })) {
      byId.set(p.id, p);
      byEmail.set(p.email.toLowerCase(), p);
    }
    // counted in the first pass already: this only gives them their manager
    for (const u of later) if (!conflicted.has(u.remoteId) && managerOf(u) !== undefined) await apply(u, managerOf(u));
  }

  for (const remoteId of leavers) {
    if (await applyLeaver(ctx, remoteId)) users.left++;
    if (++done % KEEP_ALIVE_EVERY === 0) await opts.keepAlive();
  }

  links = await linksOf(ctx);
  await opts.keepAlive();
  const groups = await applyGroups(ctx, read, (remoteId) => {
    const link = links.get(remoteId);
    return link && !link.goneAt ? link.identityId : undefined;
  });
  return { kind: read.kind, users, groups, stats: read.stats };
}

/** The user without the attribute a write refused (its field is the HR attribute's name). */
function withoutField(u: DirectoryUser, field: string): DirectoryUser | null {
  if (field === "manager") return { ...u, managerEmail: undefined, managerRemoteId: undefined };
  if (!(field in u.attributes)) return null;
  const { [field as keyof DirectoryUser["attributes"]]: _, ...attributes } = u.attributes;
  return { ...u, attributes };
}

/** The users with each one's manager (named by directory id or email) before them, where the manager is in the read. */
export function managersFirst(users: readonly DirectoryUser[]): DirectoryUser[] {
  const byId = new Map(users.map((u) => [u.remoteId, u]));
  const byEmail = new Map(users.map((u) => [u.email.toLowerCase(), u]));
  const managerOf = (u: DirectoryUser) =>
    u.managerRemoteId != null
      ? byId.get(u.managerRemoteId)
      : u.managerEmail != null
        ? byEmail.get(u.managerEmail.toLowerCase())
        : undefined;
  const placed = new Set<DirectoryUser>();
  const ordered: DirectoryUser[] = [];
  for (const u of users) {
    // the chain of managers not yet placed, walked up without recursion (a loop stops it)
    const chain = new Set<DirectoryUser>();
    for (let m: DirectoryUser | undefined = u; m && !placed.has(m) && !chain.has(m); m = managerOf(m)) chain.add(m);
    for (const m of [...chain].reverse()) {
      placed.add(m);
      ordered.push(m);
    }
  }
  return ordered;
}
