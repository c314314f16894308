import type { admin_directory_v1 } from "@googleapis/admin";
import type { DirectoryUser } from "@/server/directory/types";

/**
 * Google's User resource to a DirectoryUser
 * (https://developers.google.com/workspace/admin/directory/reference/rest/v1/users). The SDK types
 * organizations, relations, externalIds and locations as `any`, so they are read defensively.
 *
 * Absent and empty: when the user has no entry of a kind (no `organizations`, no `relations` …;
 * Google leaves empty lists out of its answer) the values taken from it are absent, so the sync
 * leaves what it holds alone; when there is an entry but the field in it is missing or blank, the
 * value is null (the directory says "none").
 *
 * - attributes from the primary `organizations` entry (else the first): department → department,
 *   title → job_title, costCenter → cost_center, description → employment_type (where the Admin
 *   console keeps its "Type of employee"; the API reference itself only says "Description of the
 *   organization");
 * - location: `buildingId` of the first `locations` entry of type "desk" (else the first entry),
 *   the Admin console's "Building ID": an office code rather than `area`, the API's free display
 *   text; `addresses` (postal addresses) are not used;
 * - managerEmail: the `relations` entry of type "manager" (the Admin console's "Manager's email");
 *   Google links the manager by email only, so managerRemoteId is left absent;
 * - employeeNumber: the `externalIds` entry of type "organization" (the Admin console's
 *   "Employee ID");
 * - active: neither `suspended` nor `archived`.
 */

type Entry = Record<string, unknown>;

/** The fields a read asks for (users.list `fields`, a partial response): only what is mapped. */
export const USER_FIELDS =
  "id,primaryEmail,name(fullName,givenName,familyName),suspended,archived,organizations,relations,externalIds,locations";

function entries(value: unknown): Entry[] | null {
  if (!Array.isArray(value)) return null;
  const list = value.filter((x): x is Entry => typeof x === "object" && x !== null);
  return list.length ? list : null;
}

/** A string field of an entry: its trimmed text, or null when missing or blank. */
function text(entry: Entry | undefined, field: string): string | null {
  const v = entry?.[field];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : null;
}

export function toDirectoryUser(user: admin_directory_v1.Schema$User): DirectoryUser | null {
  if (!user.id || !user.primaryEmail) return null;
  const out: DirectoryUser = {
    remoteId: user.id,
    email: user.primaryEmail,
    displayName: displayName(user),
    active: user.suspended !== true && user.archived !== true,
    attributes: {},
  };

  const organizations = entries(user.organizations);
  if (organizations) {
    const org = organizations.find((o) => o.primary === true) ?? organizations[0];
    out.attributes.department = text(org, "department");
    out.attributes.job_title = text(org, "title");
    out.attributes.cost_center = text(org, "costCenter");
    out.attributes.employment_type = text(org, "description");
  }

  const locations = entries(user.locations);
  if (locations) {
    const desk = locations.find((l) => l.type === "desk") ?? locations[0];
    out.attributes.location = text(desk, "buildingId");
  }

  const relations = entries(user.relations);
  if (relations)
    out.managerEmail = text(
      relations.find((r) => r.type === "manager"),
      "value",
    );

  const externalIds = entries(user.externalIds);
  if (externalIds)
    out.employeeNumber = text(
      externalIds.find((x) => x.type === "organization"),
      "value",
    );

  return out;
}

function displayName(user: admin_directory_v1.Schema$User): string {
  const name = user.name;
  const full = name?.fullName?.trim();
  if (full) return full;
  const parts = [name?.givenName?.trim(), name?.familyName?.trim()].filter(Boolean);
  return parts.length ? parts.join(" ") : user.primaryEmail!;
}
