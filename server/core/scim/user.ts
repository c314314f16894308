import type { HrAttribute } from "../identity/attributes";
import { isActiveStatus } from "../identity/status";
import { containerOf, isPlainObject, type ScimObject } from "./coerce";
import { invalidValue } from "./errors";
import {
  impliedProfile,
  isEmailAddress,
  preferredNameOf,
  profileOf,
  signInEmailOf,
  type ScimProfile,
  type SignInEmailFrom,
} from "./profile";
import { CLEARANCE_SCHEMA, ENTERPRISE_SCHEMA, USER_SCHEMA, type UserSchemaUrn } from "./schema";

export { splitName } from "./profile";

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
  /** what the SCIM client sent (scim_user_profiles); null for someone no client has written */
  profile?: ScimProfile | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A weak ETag of the last change (RFC 7644 §3.14). */
export const versionOf = (updatedAt: Date) => `W/"${updatedAt.getTime()}"`;

const withoutEmpty = (o: ScimObject) =>
  Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) =>
        v !== null &&
        v !== undefined &&
        !(Array.isArray(v) && v.length === 0) &&
        !(isPlainObject(v) && Object.keys(v).length === 0),
    ),
  );

/** The SCIM User for a person; unassigned attributes are left out (RFC 7643 §2.5). */
export function toScimUser(p: ScimIdentity, usersUrl: string): ScimObject {
  const profile = p.profile ?? impliedProfile(p);
  const enterprise = withoutEmpty({
    employeeNumber: profile.employeeNumber,
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
    externalId: profile.externalId,
    userName: profile.userName,
    name: profile.name,
    displayName: profile.displayName,
    emails: profile.emails.map((e) => ({ ...e })),
    phoneNumbers: profile.phoneNumbers.map((e) => ({ ...e })),
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
  groups: "groups",
  email: "emails",
  externalId: "externalId",
  displayName: "displayName",
};

/** What a SCIM write asks of a person; fields left out do not change. */
export interface UserChanges {
  /** what the client's view of the person becomes (always written) */
  profile: ScimProfile;
  /** the sign-in email */
  email?: string;
  /** the name Clearance shows */
  displayName?: string;
  /** the HR id (identities.external_id): employeeNumber, else externalId */
  externalId?: string;
  /** HR attribute values (manager excluded); changeIdentityAttributes ignores those that did not change */
  attributes: Partial<Record<Exclude<HrAttribute, "manager">, string | string[] | null>>;
  /** the manager's id (enterprise manager.value); null removes the manager */
  managerId?: string | null;
}

const read = (resource: ScimObject, schema: UserSchemaUrn, attribute: string): unknown =>
  containerOf(resource, schema, false)?.[attribute] ?? null;
const text = (v: unknown) => (typeof v === "string" ? v : null);
const sub = (v: unknown, name: string) => (isPlainObject(v) ? text(v[name]) : null);

/** The candidates for the name Clearance shows, in the order they win when several changed. */
const nameCandidates = (p: ScimProfile | null) => {
  const n = p?.name ?? {};
  const parts = [n.givenName, n.middleName, n.familyName].filter(Boolean).join(" ");
  return [p?.displayName ?? null, n.formatted ?? null, parts || null];
};

/** The person as they stand: their current SCIM view and what Clearance keeps beside it. */
export interface CurrentUser {
  resource: ScimObject;
  employmentStatus: string;
  email: string;
  externalId: string;
}

/**
 * What turning `current` into `next` changes (current is null for a new person). userName is
 * any unique string; the sign-in email comes from the primary email or from userName, as the
 * source says (`signInFrom`), and only a change of that one changes it: userName and the
 * emails never rewrite each other. The name Clearance shows is displayName, else
 * name.formatted, else the parts, whichever the client changed. active=false makes an Active
 * person Terminated, active=true makes anyone else Active; other statuses (On Leave) are HR's
 * to set. With `keepUnsentExtensions` (PUT), an extension the client did not send is left as it
 * is: an identity provider that knows nothing of it must not erase HR's values.
 */
export function userChanges(
  current: CurrentUser | null,
  next: ScimObject,
  opts: { keepUnsentExtensions: boolean; signInFrom: SignInEmailFrom },
): UserChanges {
  const profile = profileOf(next);
  const before = current ? profileOf(current.resource) : null;
  const changes: UserChanges = { profile, attributes: {} };

  // By userName: only a new or changed userName names the email (a write that leaves an old,
  // non-address userName alone, a deactivation say, must still work).
  const userNameChanged = !before || before.userName.toLowerCase() !== profile.userName.toLowerCase();
  const email = opts.signInFrom === "user_name" && !userNameChanged ? null : signInEmailOf(profile, opts.signInFrom);
  if (!current) {
    const fallback = isEmailAddress(profile.userName) ? profile.userName.toLowerCase() : null;
    if (!email && !fallback)
      throw invalidValue(
        "emails",
        `Clearance signs people in with their primary email: send one in emails (userName "${profile.userName}" is not an email address)`,
      );
    changes.email = email ?? fallback!;
  } else if (email && email !== current.email.toLowerCase()) changes.email = email;

  const wanted = nameCandidates(profile);
  const had = nameCandidates(before);
  const displayName = wanted.find((v, i) => v !== had[i] && typeof v === "string" && v.trim() !== "");
  if (displayName) changes.displayName = displayName.trim();
  else if (!current) changes.displayName = preferredNameOf(profile) ?? undefined;

  const sent = (schema: UserSchemaUrn) =>
    !opts.keepUnsentExtensions ||
    !current ||
    isPlainObject(next[schema]) ||
    (Array.isArray(next.schemas) && next.schemas.includes(schema));
  if (!sent(ENTERPRISE_SCHEMA)) profile.employeeNumber = before?.employeeNumber ?? null;
  // The HR id follows employeeNumber when the client sends one, else its externalId; removing
  // either leaves it (HR events still name the person by it).
  const hrId = profile.employeeNumber ?? (before?.employeeNumber ? null : profile.externalId);
  const hadHrId = before ? (before.employeeNumber ?? before.externalId) : null;
  if (!current) changes.externalId = hrId ?? profile.userName.toLowerCase().split("@")[0]!;
  else if (hrId && hrId !== hadHrId && hrId !== current.externalId) changes.externalId = hrId;

  const a = changes.attributes;
  a.job_title = text(next.title);
  a.employment_type = text(next.userType);
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
