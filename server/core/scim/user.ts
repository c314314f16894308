import type { HrAttribute } from "../identity/attributes";
import { isActiveStatus } from "../identity/status";
import { containerOf, isPlainObject, type ScimObject } from "./coerce";
import { invalidValue } from "./errors";
import { CLEARANCE_SCHEMA, ENTERPRISE_SCHEMA, USER_SCHEMA, type UserSchemaUrn } from "./schema";

/** A person as the SCIM mapping needs them (loaded by the service). */
export interface ScimIdentity {
  id: string;
  externalId: string;
  email: string;
  displayName: string;
  department: string | null;
  jobTitle: string | null;
  team: string | null;
  location: string | null;
  employmentType: string | null;
  employmentStatus: string;
  jobLevel: string | null;
  hireDate: string | null;
  costCenter: string | null;
  trainings: string[];
  /** displayName is null when the caller may not see the manager (another source manages them) */
  manager: { id: string; displayName: string | null } | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A weak ETag of the last change (RFC 7644 §3.14). */
export const versionOf = (updatedAt: Date) => `W/"${updatedAt.getTime()}"`;

/** "Sarah Anne Chen" → given "Sarah", family "Anne Chen": Clearance keeps one name. */
export function splitName(displayName: string): { givenName: string; familyName?: string } {
  const [, given = "", family = ""] = /^(\S+)\s*(.*)$/s.exec(displayName.trim()) ?? [];
  return family ? { givenName: given, familyName: family } : { givenName: given };
}

const withoutEmpty = (o: ScimObject) =>
  Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );

/** The SCIM User for a person; unassigned attributes are left out (RFC 7643 §2.5). */
export function toScimUser(p: ScimIdentity, usersUrl: string): ScimObject {
  const enterprise = withoutEmpty({
    employeeNumber: p.externalId,
    costCenter: p.costCenter,
    department: p.department,
    manager: p.manager
      ? withoutEmpty({ value: p.manager.id, $ref: `${usersUrl}/${p.manager.id}`, displayName: p.manager.displayName })
      : null,
  });
  const clearance = withoutEmpty({
    team: p.team,
    location: p.location,
    jobLevel: p.jobLevel,
    hireDate: p.hireDate,
    trainings: p.trainings,
  });
  return withoutEmpty({
    schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA, ...(Object.keys(clearance).length ? [CLEARANCE_SCHEMA] : [])],
    id: p.id,
    externalId: p.externalId,
    userName: p.email,
    name: { formatted: p.displayName, ...splitName(p.displayName) },
    displayName: p.displayName,
    emails: [{ value: p.email, type: "work", primary: true }],
    active: isActiveStatus(p.employmentStatus),
    title: p.jobTitle,
    userType: p.employmentType,
    [ENTERPRISE_SCHEMA]: enterprise,
    [CLEARANCE_SCHEMA]: Object.keys(clearance).length ? clearance : null,
    meta: {
      resourceType: "User",
      created: p.createdAt.toISOString(),
      lastModified: p.updatedAt.toISOString(),
      location: `${usersUrl}/${p.id}`,
      version: versionOf(p.updatedAt),
    },
  });
}

/** The SCIM attribute an HR attribute (or identity field) is written through, to name it in an error. */
export const scimAttributeOf: Record<HrAttribute | "email" | "externalId" | "displayName", string> = {
  department: `${ENTERPRISE_SCHEMA}:department`,
  job_title: "title",
  team: `${CLEARANCE_SCHEMA}:team`,
  location: `${CLEARANCE_SCHEMA}:location`,
  employment_type: "userType",
  employment_status: "active",
  job_level: `${CLEARANCE_SCHEMA}:jobLevel`,
  hire_date: `${CLEARANCE_SCHEMA}:hireDate`,
  manager: `${ENTERPRISE_SCHEMA}:manager`,
  cost_center: `${ENTERPRISE_SCHEMA}:costCenter`,
  trainings: `${CLEARANCE_SCHEMA}:trainings`,
  email: "userName",
  externalId: "externalId",
  displayName: "displayName",
};

/** What a SCIM write asks of a person; fields left out do not change. */
export interface UserChanges {
  email?: string;
  displayName?: string;
  externalId?: string;
  /** HR attribute values (manager excluded); changeIdentityAttributes ignores those that did not change */
  attributes: Partial<Record<Exclude<HrAttribute, "manager">, string | string[] | null>>;
  /** the manager's id (enterprise manager.value); null removes the manager */
  managerId?: string | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const read = (resource: ScimObject, schema: UserSchemaUrn, attribute: string): unknown =>
  containerOf(resource, schema, false)?.[attribute] ?? null;
const text = (v: unknown) => (typeof v === "string" ? v : null);
const sub = (v: unknown, name: string) => (isPlainObject(v) ? text(v[name]) : null);

/** The address a resource's emails name: the primary one, else the work one, else the first. */
function primaryEmail(resource: ScimObject): string | null {
  const emails = (Array.isArray(resource.emails) ? resource.emails : []).filter(isPlainObject);
  const chosen = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === "work") ?? emails[0];
  return chosen ? text(chosen.value) : null;
}

/** The display name a resource asks for: displayName, else name.formatted, else given and family names. */
function nameOf(resource: ScimObject): { displayName: string | null; formatted: string | null; parts: string | null } {
  const name = isPlainObject(resource.name) ? resource.name : {};
  const parts = [text(name.givenName), text(name.familyName)].filter(Boolean).join(" ");
  return { displayName: text(resource.displayName), formatted: text(name.formatted), parts: parts || null };
}

/**
 * What turning `current` into `next` changes (current is null for a new person). userName is
 * the email; a changed primary email counts when userName did not change. A name change is
 * taken from displayName, else name.formatted, else the given and family names. active=false
 * makes an Active person Terminated, active=true makes anyone else Active; other statuses (On
 * Leave) are HR's to set. With `keepUnsentExtensions` (PUT), an extension the client did not send
 * is left as it is: an identity provider that knows nothing of it must not erase HR's values.
 */
export function userChanges(
  current: { resource: ScimObject; employmentStatus: string } | null,
  next: ScimObject,
  opts: { keepUnsentExtensions: boolean },
): UserChanges {
  const changes: UserChanges = { attributes: {} };
  const userName = text(next.userName);
  if (!userName) throw invalidValue("userName", "is required");
  if (!EMAIL.test(userName))
    throw invalidValue("userName", `must be an email address (Clearance signs people in with it), not "${userName}"`);
  if (!current || userName.toLowerCase() !== text(current.resource.userName)?.toLowerCase())
    changes.email = userName.toLowerCase();
  else {
    const email = primaryEmail(next);
    if (email && email.toLowerCase() !== text(current.resource.userName)?.toLowerCase()) {
      if (!EMAIL.test(email)) throw invalidValue("emails.value", `must be an email address, not "${email}"`);
      changes.email = email.toLowerCase();
    }
  }

  const wanted = nameOf(next);
  const had = current ? nameOf(current.resource) : { displayName: null, formatted: null, parts: null };
  const displayName = [
    wanted.displayName !== had.displayName && wanted.displayName,
    wanted.formatted !== had.formatted && wanted.formatted,
    wanted.parts !== had.parts && wanted.parts,
  ].find((v): v is string => typeof v === "string" && v.trim() !== "");
  if (displayName) changes.displayName = displayName.trim();

  const externalId = text(next.externalId)?.trim();
  if (!current) changes.externalId = externalId || userName.toLowerCase().split("@")[0]!;
  else if (externalId && externalId !== current.resource.externalId) changes.externalId = externalId;

  const a = changes.attributes;
  a.job_title = text(next.title);
  a.employment_type = text(next.userType);
  const sent = (schema: UserSchemaUrn) =>
    !opts.keepUnsentExtensions ||
    !current ||
    isPlainObject(next[schema]) ||
    (Array.isArray(next.schemas) && next.schemas.includes(schema));
  if (sent(ENTERPRISE_SCHEMA)) {
    a.department = text(read(next, ENTERPRISE_SCHEMA, "department"));
    a.cost_center = text(read(next, ENTERPRISE_SCHEMA, "costCenter"));
    const managerId = sub(read(next, ENTERPRISE_SCHEMA, "manager"), "value");
    const hadManager = current ? sub(read(current.resource, ENTERPRISE_SCHEMA, "manager"), "value") : null;
    if (managerId !== hadManager) changes.managerId = managerId;
  }
  if (sent(CLEARANCE_SCHEMA)) {
    a.team = text(read(next, CLEARANCE_SCHEMA, "team"));
    a.location = text(read(next, CLEARANCE_SCHEMA, "location"));
    a.job_level = text(read(next, CLEARANCE_SCHEMA, "jobLevel"));
    a.hire_date = text(read(next, CLEARANCE_SCHEMA, "hireDate"));
    const trainings = read(next, CLEARANCE_SCHEMA, "trainings");
    a.trainings = Array.isArray(trainings) ? trainings.filter((t): t is string => typeof t === "string") : [];
  }
  const active = typeof next.active === "boolean" ? next.active : null;
  const wasActive = current ? isActiveStatus(current.employmentStatus) : null;
  if (!current) a.employment_status = active === false ? "Terminated" : "Active";
  else if (active === false && wasActive) a.employment_status = "Terminated";
  else if (active === true && !wasActive) a.employment_status = "Active";

  if (!current)
    changes.attributes = Object.fromEntries(
      Object.entries(a).filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0)),
    );
  return changes;
}
