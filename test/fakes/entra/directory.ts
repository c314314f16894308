import {
  completeUser,
  USER_PROPERTIES,
  userProperty,
  type FakeEntraGroup,
  type FakeEntraUser,
  type FakeEntraUserInput,
  type UserProperty,
} from "./users";

/**
 * The fake tenant's directory and its change log, from which delta rounds are computed as
 * Microsoft documents them:
 * - https://learn.microsoft.com/en-us/graph/delta-query-overview (resource representation:
 *   created objects in full, updated ones with at least the changed properties, removed ones as
 *   { id, "@removed": { reason } }, relationships as `<property>@delta` annotations)
 * - https://learn.microsoft.com/en-us/graph/api/user-delta (`Prefer: return=minimal`: only the
 *   properties that changed, null included; without it every selected property, never-set ones
 *   left out; only changes to $select-ed properties put a user in the delta)
 * - https://learn.microsoft.com/en-us/graph/api/group-delta (`members@delta`, only the member
 *   ids; a removed member carries `@removed`)
 * - https://learn.microsoft.com/en-us/graph/delta-query-users (a deleted user is
 *   `@removed: { reason: "changed" }` while restorable, `"deleted"` once permanently deleted; the
 *   initial round may already list deleted users)
 * Deleting a user drops it from its groups without a `members@delta` entry, as Graph does
 * (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/5855): a client learns
 * it from the user's `@removed`.
 */
export type RemovedReason = "changed" | "deleted";
type MemberType = "user" | "group" | "device";

type Change =
  | { v: number; kind: "user-created"; id: string }
  | { v: number; kind: "user-updated"; id: string; props: UserProperty[]; managerBefore: string | null }
  | { v: number; kind: "user-deleted"; id: string; reason: RemovedReason }
  | { v: number; kind: "group-created" | "group-renamed"; id: string }
  | { v: number; kind: "group-deleted"; id: string; reason: RemovedReason }
  | { v: number; kind: "member-added" | "member-removed"; id: string; memberId: string; memberType: MemberType };

export interface RoundQuery {
  /** the $select-ed properties; null: all */
  select: ReadonlySet<string> | null;
  /** the version the delta token was issued at; null: the initial round */
  since: number | null;
  /** Prefer: return=minimal */
  minimal: boolean;
}

type Entry = Record<string, unknown>;

const odataType = (type: MemberType) => `#microsoft.graph.${type}`;

export class FakeDirectory {
  readonly users = new Map<string, FakeEntraUser>();
  /** soft-deleted users (restorable; Graph's deletedItems) */
  readonly deletedUsers = new Map<string, FakeEntraUser>();
  readonly groups = new Map<string, { id: string; displayName: string; members: Set<string> }>();
  /** bumped by every change; a delta token remembers the version it was issued at */
  version = 0;
  private readonly log: Change[] = [];

  constructor(users: FakeEntraUserInput[] = [], groups: FakeEntraGroup[] = []) {
    for (const u of users) this.users.set(u.id, completeUser(u));
    for (const g of groups)
      this.groups.set(g.id, { id: g.id, displayName: g.displayName, members: new Set(g.members) });
  }

  // ---- changes ----

  addUser(input: FakeEntraUserInput): FakeEntraUser {
    if (this.users.has(input.id) || this.deletedUsers.has(input.id)) throw new Error(`user ${input.id} exists`);
    const user = completeUser(input);
    this.users.set(user.id, user);
    this.log.push({ v: ++this.version, kind: "user-created", id: user.id });
    return user;
  }

  /** Changes the given properties; a property set to its current value is no change. */
  updateUser(id: string, patch: Partial<Omit<FakeEntraUser, "id">>): void {
    const user = this.users.get(id);
    if (!user) throw new Error(`no user ${id}`);
    const managerBefore = user.managerId;
    const props: UserProperty[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof FakeEntraUser, unknown][]) {
      if (JSON.stringify(user[key]) === JSON.stringify(value)) continue;
      (user as unknown as Record<string, unknown>)[key] = value;
      props.push(key === "managerId" ? "manager" : (key as UserProperty));
    }
    if (props.length) this.log.push({ v: ++this.version, kind: "user-updated", id, props, managerBefore });
  }

  /** Deletes a user: restorable (reason "changed") unless permanent (reason "deleted"). */
  deleteUser(id: string, options: { permanent?: boolean } = {}): void {
    const user = this.users.get(id) ?? (options.permanent ? this.deletedUsers.get(id) : undefined);
    if (!user) throw new Error(`no user ${id}`);
    this.users.delete(id);
    this.deletedUsers.delete(id);
    if (!options.permanent) this.deletedUsers.set(id, user);
    for (const group of this.groups.values()) group.members.delete(id);
    this.log.push({ v: ++this.version, kind: "user-deleted", id, reason: options.permanent ? "deleted" : "changed" });
  }

  /** Brings a soft-deleted user back (without its group memberships, as Entra does). */
  restoreUser(id: string): void {
    const user = this.deletedUsers.get(id);
    if (!user) throw new Error(`no deleted user ${id}`);
    this.deletedUsers.delete(id);
    this.users.set(id, user);
    this.log.push({ v: ++this.version, kind: "user-created", id });
  }

  addGroup(group: FakeEntraGroup): void {
    if (this.groups.has(group.id)) throw new Error(`group ${group.id} exists`);
    this.groups.set(group.id, { id: group.id, displayName: group.displayName, members: new Set(group.members) });
    this.log.push({ v: ++this.version, kind: "group-created", id: group.id });
  }

  renameGroup(id: string, displayName: string): void {
    const group = this.group(id);
    if (group.displayName === displayName) return;
    group.displayName = displayName;
    this.log.push({ v: ++this.version, kind: "group-renamed", id });
  }

  deleteGroup(id: string, options: { permanent?: boolean } = {}): void {
    this.group(id);
    this.groups.delete(id);
    this.log.push({ v: ++this.version, kind: "group-deleted", id, reason: options.permanent ? "deleted" : "changed" });
  }

  addMembers(groupId: string, memberIds: string[]): void {
    const group = this.group(groupId);
    const v = ++this.version;
    for (const memberId of memberIds) {
      if (group.members.has(memberId)) continue;
      group.members.add(memberId);
      this.log.push({ v, kind: "member-added", id: groupId, memberId, memberType: this.memberType(memberId) });
    }
  }

  removeMembers(groupId: string, memberIds: string[]): void {
    const group = this.group(groupId);
    const v = ++this.version;
    for (const memberId of memberIds) {
      if (!group.members.delete(memberId)) continue;
      this.log.push({ v, kind: "member-removed", id: groupId, memberId, memberType: this.memberType(memberId) });
    }
  }

  private group(id: string) {
    const group = this.groups.get(id);
    if (!group) throw new Error(`no group ${id}`);
    return group;
  }

  memberType(id: string): MemberType {
    if (this.users.has(id) || this.deletedUsers.has(id)) return "user";
    return this.groups.has(id) ? "group" : "device";
  }

  // ---- representations ----

  /** A user as a GET or an initial delta round returns it: selected properties that are set. */
  userEntry(user: FakeEntraUser, select: ReadonlySet<string> | null, delta: boolean): Entry {
    const entry: Entry = { id: user.id };
    for (const p of USER_PROPERTIES) {
      if (p === "manager" || (select && !select.has(p))) continue;
      const value = userProperty(user, p);
      if (value !== null || !delta) entry[p] = value;
    }
    if (delta && user.managerId && (!select || select.has("manager")))
      entry["manager@delta"] = [{ "@odata.type": odataType("user"), id: user.managerId }];
    return entry;
  }

  private groupEntries(id: string, entry: Entry, members: Entry[], perEntry: number): Entry[] {
    if (members.length <= perEntry) return [members.length ? { ...entry, "members@delta": members } : entry];
    const entries: Entry[] = [];
    for (let i = 0; i < members.length; i += perEntry)
      entries.push({ ...(i === 0 ? entry : { id }), "members@delta": members.slice(i, i + perEntry) });
    return entries;
  }

  private fullGroup(group: { id: string; displayName: string; members: Set<string> }, q: RoundQuery, perEntry: number) {
    const entry: Entry = { id: group.id };
    if (!q.select || q.select.has("displayName")) entry.displayName = group.displayName;
    const members =
      !q.select || q.select.has("members")
        ? [...group.members].map((m) => ({ "@odata.type": odataType(this.memberType(m)), id: m }))
        : [];
    return this.groupEntries(group.id, entry, members, perEntry);
  }

  // ---- delta rounds ----

  /** Every entry of a users delta round, in order; the server pages them. */
  usersRound(q: RoundQuery): Entry[] {
    if (q.since === null) {
      const entries = [...this.users.values()].map((u) => this.userEntry(u, q.select, true));
      for (const id of this.deletedUsers.keys()) entries.push({ id, "@removed": { reason: "changed" } });
      return entries;
    }
    interface Touched {
      created: boolean;
      removed: RemovedReason | null;
      props: Set<UserProperty>;
      managerBefore: string | null | undefined;
    }
    const touched = new Map<string, Touched>();
    for (const c of this.log) {
      if (c.v <= q.since || !c.kind.startsWith("user-")) continue;
      let t = touched.get(c.id);
      if (!t) touched.set(c.id, (t = { created: false, removed: null, props: new Set(), managerBefore: undefined }));
      if (c.kind === "user-created") Object.assign(t, { created: true, removed: null });
      else if (c.kind === "user-deleted") t.removed = c.reason;
      else if (c.kind === "user-updated") {
        for (const p of c.props) t.props.add(p);
        if (c.props.includes("manager") && t.managerBefore === undefined) t.managerBefore = c.managerBefore;
      }
    }
    const entries: Entry[] = [];
    for (const [id, t] of touched) {
      const user = this.users.get(id);
      if (t.removed || !user) {
        if (!t.created && t.removed) entries.push({ id, "@removed": { reason: t.removed } });
        continue;
      }
      if (t.created) {
        entries.push(this.userEntry(user, q.select, true));
        continue;
      }
      const props = [...t.props].filter((p) => !q.select || q.select.has(p));
      if (!props.length) continue;
      const entry: Entry = q.minimal ? { id } : this.userEntry(user, q.select, true);
      for (const p of props) {
        if (p !== "manager") entry[p] = userProperty(user, p);
        else if (user.managerId) entry["manager@delta"] = [{ "@odata.type": odataType("user"), id: user.managerId }];
        else if (t.managerBefore)
          entry["manager@delta"] = [
            { "@odata.type": odataType("user"), id: t.managerBefore, "@removed": { reason: "deleted" } },
          ];
        else entry["manager@delta"] = [];
      }
      entries.push(entry);
    }
    return entries;
  }

  /** Every entry of a groups delta round; a group with many members spans several entries. */
  groupsRound(q: RoundQuery, membersPerEntry: number): Entry[] {
    if (q.since === null) return [...this.groups.values()].flatMap((g) => this.fullGroup(g, q, membersPerEntry));
    interface Touched {
      created: boolean;
      renamed: boolean;
      removed: RemovedReason | null;
      members: Map<string, { first: "added" | "removed"; count: number; type: MemberType }>;
    }
    const touched = new Map<string, Touched>();
    for (const c of this.log) {
      if (c.v <= q.since || c.kind.startsWith("user-")) continue;
      let t = touched.get(c.id);
      if (!t) touched.set(c.id, (t = { created: false, renamed: false, removed: null, members: new Map() }));
      if (c.kind === "group-created") t.created = true;
      else if (c.kind === "group-renamed") t.renamed = true;
      else if (c.kind === "group-deleted") t.removed = c.reason;
      else if (c.kind === "member-added" || c.kind === "member-removed") {
        const m = t.members.get(c.memberId);
        if (m) m.count++;
        else
          t.members.set(c.memberId, {
            first: c.kind === "member-added" ? "added" : "removed",
            count: 1,
            type: c.memberType,
          });
      }
    }
    const entries: Entry[] = [];
    const selects = (p: string) => !q.select || q.select.has(p);
    for (const [id, t] of touched) {
      const group = this.groups.get(id);
      if (t.removed || !group) {
        if (!t.created && t.removed) entries.push({ id, "@removed": { reason: t.removed } });
        continue;
      }
      if (t.created) {
        entries.push(...this.fullGroup(group, q, membersPerEntry));
        continue;
      }
      // An odd number of alternating adds and removes is a change in the direction of the first.
      const members = selects("members")
        ? [...t.members]
            .filter(([, m]) => m.count % 2 === 1)
            .map(([memberId, m]) => ({
              "@odata.type": odataType(m.type),
              id: memberId,
              ...(m.first === "removed" ? { "@removed": { reason: "deleted" } } : {}),
            }))
        : [];
      const renamed = t.renamed && selects("displayName");
      if (!renamed && !members.length) continue;
      const entry: Entry = { id };
      if (selects("displayName") && (renamed || !q.minimal)) entry.displayName = group.displayName;
      entries.push(...this.groupEntries(id, entry, members, membersPerEntry));
    }
    return entries;
  }
}
