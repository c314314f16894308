import type { DirectoryGroup, DirectoryUser } from "../types";

/**
 * Microsoft Graph user and group objects, as delta rounds return them, turned into the directory
 * contract's users and groups. Graph's shapes:
 * https://learn.microsoft.com/en-us/graph/api/resources/user (properties),
 * https://learn.microsoft.com/en-us/graph/delta-query-overview (`@removed`, `<relationship>@delta`).
 */
export type GraphObject = Record<string, unknown>;

/** What the users delta selects: identity, the HR attributes Entra holds, and the manager. */
export const USER_SELECT = [
  "id",
  "displayName",
  "mail",
  "userPrincipalName",
  "accountEnabled",
  "department",
  "jobTitle",
  "officeLocation",
  "employeeId",
  "employeeType",
  "employeeHireDate",
  "employeeOrgData",
  "manager",
] as const;

/** Enough to fill a user's identity when a minimal delta left it out. */
export const IDENTITY_SELECT = ["id", "displayName", "mail", "userPrincipalName", "accountEnabled"] as const;

const isObject = (v: unknown): v is GraphObject => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

/** The entries of several pages folded by id: later entries add to earlier ones; `@removed` wins until the object reappears. */
export function foldUsers(entries: unknown[]): { users: Map<string, GraphObject>; removed: Set<string> } {
  const users = new Map<string, GraphObject>();
  const removed = new Set<string>();
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.id !== "string") continue;
    if ("@removed" in entry) {
      users.delete(entry.id);
      removed.add(entry.id);
    } else {
      removed.delete(entry.id);
      users.set(entry.id, { ...users.get(entry.id), ...entry });
    }
  }
  return { users, removed };
}

/**
 * Whether a delta entry lacks what DirectoryUser requires (name, email, whether active): with
 * `Prefer: return=minimal` an updated user carries only the properties that changed.
 */
export function lacksIdentity(raw: GraphObject): boolean {
  return (
    !("displayName" in raw) || !("accountEnabled" in raw) || (text(raw.mail) === null && !("userPrincipalName" in raw))
  );
}

/** A hire date as YYYY-MM-DD: Graph's employeeHireDate is a DateTimeOffset, read in UTC. */
function hireDate(v: unknown): string | null {
  const s = text(v);
  return s && /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null;
}

/**
 * The manager, from the `manager@delta` annotation that selecting `manager` in a users delta
 * yields (https://learn.microsoft.com/en-us/graph/delta-query-overview: "$select also supports
 * manager … Selecting those properties allows tracking of changes to user's manager"). It holds
 * [{ "@odata.type": "#microsoft.graph.user", id }] while the user has a manager. Graph does not
 * document the shape when a manager is removed; an empty list and entries that carry `@removed`
 * (as members@delta marks a removed member) both read as "no manager". Absent: in a full round
 * the user has no manager (a never-set relationship is left out), in a delta it did not change.
 */
function manager(raw: GraphObject, full: boolean): string | null | undefined {
  if (!("manager@delta" in raw)) return full ? null : undefined;
  const list = Array.isArray(raw["manager@delta"]) ? raw["manager@delta"] : [];
  const current = list.find((m) => isObject(m) && typeof m.id === "string" && !("@removed" in m));
  return isObject(current) ? (current.id as string) : null;
}

/**
 * A Graph user as a DirectoryUser. `full`: the object is the whole user (a full round), so a
 * property Graph left out is empty (null). Otherwise it is a delta entry: only what is present is
 * mapped, and an absent property stays absent. `identity` fills the name, email and whether
 * active when the entry lacks them (looked up separately).
 */
export function mapUser(raw: GraphObject, full: boolean, identity?: GraphObject): DirectoryUser | null {
  const known = { ...identity, ...raw };
  const email = (text(known.mail) ?? text(known.userPrincipalName))?.trim().toLowerCase() || null;
  if (typeof raw.id !== "string" || email === null) return null;
  const user: DirectoryUser = {
    remoteId: raw.id,
    email,
    displayName: text(known.displayName) ?? email,
    active: known.accountEnabled !== false,
    attributes: {},
  };
  const has = (p: string) => full || p in raw;
  const put = (attribute: keyof DirectoryUser["attributes"], value: string | null) => {
    user.attributes[attribute] = value;
  };
  if (has("department")) put("department", text(raw.department));
  if (has("jobTitle")) put("job_title", text(raw.jobTitle));
  if (has("officeLocation")) put("location", text(raw.officeLocation));
  if (has("employeeType")) put("employment_type", text(raw.employeeType));
  if (has("employeeHireDate")) put("hire_date", hireDate(raw.employeeHireDate));
  if (has("employeeOrgData"))
    put("cost_center", isObject(raw.employeeOrgData) ? text(raw.employeeOrgData.costCenter) : null);
  if (has("employeeId")) user.employeeNumber = text(raw.employeeId);
  const managerId = manager(raw, full);
  if (managerId !== undefined) user.managerRemoteId = managerId;
  return user;
}

interface GroupFold {
  name?: string;
  add: Set<string>;
  remove: Set<string>;
}

/**
 * Group entries folded by id. A group with many members comes back as several entries, each
 * with part of `members@delta`; an entry carrying `@removed` in members@delta is a removal. Only
 * users count as members: nested groups, devices and contacts are left out.
 */
export function foldGroups(entries: unknown[]): { groups: Map<string, GroupFold>; removed: Set<string> } {
  const groups = new Map<string, GroupFold>();
  const removed = new Set<string>();
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry.id !== "string") continue;
    if ("@removed" in entry) {
      groups.delete(entry.id);
      removed.add(entry.id);
      continue;
    }
    removed.delete(entry.id);
    let group = groups.get(entry.id);
    if (!group) groups.set(entry.id, (group = { add: new Set(), remove: new Set() }));
    if (typeof entry.displayName === "string") group.name = entry.displayName;
    const members = Array.isArray(entry["members@delta"]) ? entry["members@delta"] : [];
    for (const m of members) {
      if (!isObject(m) || typeof m.id !== "string") continue;
      if (String(m["@odata.type"]).toLowerCase() !== "#microsoft.graph.user") continue;
      if ("@removed" in m) {
        group.add.delete(m.id);
        group.remove.add(m.id);
      } else {
        group.remove.delete(m.id);
        group.add.add(m.id);
      }
    }
  }
  return { groups, removed };
}

export function mapGroups(groups: Map<string, GroupFold>, full: boolean): DirectoryGroup[] {
  return [...groups].map(([remoteId, g]) => ({
    remoteId,
    ...(g.name !== undefined ? { name: g.name } : {}),
    members: full ? { set: [...g.add] } : { add: [...g.add], remove: [...g.remove] },
  }));
}
