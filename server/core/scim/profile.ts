import { isPlainObject, type ScimObject } from "./coerce";
import { invalidValue } from "./errors";
import { ENTERPRISE_SCHEMA } from "./schema";

/** A value of a multi-valued SCIM attribute (emails, phoneNumbers), as the client sent it. */
export interface ScimMultiValue {
  value: string;
  type?: string;
  primary?: boolean;
  display?: string;
}

/** name in parts (RFC 7643 §4.1.1); every part optional. */
export interface ScimName {
  formatted?: string;
  familyName?: string;
  givenName?: string;
  middleName?: string;
  honorificPrefix?: string;
  honorificSuffix?: string;
}

/**
 * What a SCIM client said of a person beyond their HR attributes: userName (any unique string),
 * its own externalId and employeeNumber, displayName, name in parts, and every email and phone
 * number with its type. Kept beside the identity (scim_user_profiles) so that what the client
 * sent comes back as sent, and so that userName and the sign-in email never rewrite each other.
 */
export interface ScimProfile {
  userName: string;
  externalId: string | null;
  displayName: string | null;
  name: ScimName | null;
  emails: ScimMultiValue[];
  phoneNumbers: ScimMultiValue[];
  employeeNumber: string | null;
}

/** Where a source's SCIM Users take their sign-in email from (hr_sources.scim_sign_in_email). */
export type SignInEmailFrom = "primary_email" | "user_name";

export const NAME_PARTS = [
  "formatted",
  "familyName",
  "givenName",
  "middleName",
  "honorificPrefix",
  "honorificSuffix",
] as const;

/** "Sarah Anne Chen" → given "Sarah", family "Anne Chen": the name of a person no client described. */
export function splitName(displayName: string): { givenName: string; familyName?: string } {
  const [, given = "", family = ""] = /^(\S+)\s*(.*)$/s.exec(displayName.trim()) ?? [];
  return family ? { givenName: given, familyName: family } : { givenName: given };
}

/**
 * The profile of someone no SCIM client has written (HR events made them, or they were handed
 * over): userName is their email, as it always was, and the one work email is primary.
 */
export function impliedProfile(p: { email: string; externalId: string; displayName: string }): ScimProfile {
  return {
    userName: p.email,
    externalId: p.externalId,
    displayName: p.displayName,
    name: { formatted: p.displayName, ...splitName(p.displayName) },
    emails: [{ value: p.email, type: "work", primary: true }],
    phoneNumbers: [],
    employeeNumber: p.externalId,
  };
}

const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : null);

/** Longest identifier or name kept (an index row must fit; no real one comes near). */
export const MAX_SCIM_TEXT = 256;
function capped(name: string, v: string | null | undefined): string | null {
  if (v && v.length > MAX_SCIM_TEXT) throw invalidValue(name, `is longer than ${MAX_SCIM_TEXT} characters`);
  return v ?? null;
}

function multiValues(v: unknown, name: string): ScimMultiValue[] {
  return (Array.isArray(v) ? v : []).filter(isPlainObject).flatMap((item, i) => {
    const value = capped(`${name}[${i}].value`, text(item.value));
    if (!value) return [];
    return [
      {
        value,
        ...(text(item.type) ? { type: text(item.type)! } : {}),
        ...(item.primary === true ? { primary: true } : {}),
        ...(text(item.display) ? { display: text(item.display)! } : {}),
      },
    ];
  });
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const isEmailAddress = (v: string) => EMAIL.test(v);

/** The profile a User resource (checked by readUserResource or applyPatch) describes. */
export function profileOf(resource: ScimObject): ScimProfile {
  const userName = capped("userName", text(resource.userName)?.trim());
  if (!userName) throw invalidValue("userName", "is required");
  const name = isPlainObject(resource.name) ? resource.name : {};
  const parts = Object.fromEntries(
    NAME_PARTS.flatMap((k) => (text(name[k]) ? [[k, capped(`name.${k}`, text(name[k]))!]] : [])),
  );
  const emails = multiValues(resource.emails, "emails");
  emails.forEach((e, i) => {
    if (!EMAIL.test(e.value)) throw invalidValue(`emails[${i}].value`, `must be an email address, not "${e.value}"`);
  });
  const enterprise = isPlainObject(resource[ENTERPRISE_SCHEMA]) ? resource[ENTERPRISE_SCHEMA] : {};
  return {
    userName,
    externalId: capped("externalId", text(resource.externalId)?.trim()),
    displayName: capped("displayName", text(resource.displayName)?.trim()),
    name: Object.keys(parts).length ? parts : null,
    emails,
    phoneNumbers: multiValues(resource.phoneNumbers, "phoneNumbers"),
    employeeNumber: capped(`${ENTERPRISE_SCHEMA}:employeeNumber`, text(enterprise.employeeNumber)?.trim()),
  };
}

/** The email a profile names for signing in: the primary one, else the work one, else the first. */
export function primaryEmailOf(profile: ScimProfile): string | null {
  const e = profile.emails;
  return (e.find((x) => x.primary) ?? e.find((x) => x.type?.toLowerCase() === "work") ?? e[0])?.value ?? null;
}

/**
 * The sign-in email a profile gives, lower-cased, by the source's setting; null when it names
 * none (then the person keeps the one they have, or a new User is refused by the caller).
 */
export function signInEmailOf(profile: ScimProfile, from: SignInEmailFrom): string | null {
  if (from === "user_name") {
    if (!EMAIL.test(profile.userName))
      throw invalidValue(
        "userName",
        `must be an email address: this source signs people in with userName (set it to the primary email to send other user names), not "${profile.userName}"`,
      );
    return profile.userName.toLowerCase();
  }
  return primaryEmailOf(profile)?.toLowerCase() ?? null;
}

/** The name a profile gives the person in Clearance: displayName, else name.formatted, else the parts. */
export function preferredNameOf(profile: ScimProfile): string | null {
  const n = profile.name ?? {};
  const parts = [n.givenName, n.middleName, n.familyName].filter(Boolean).join(" ");
  return profile.displayName ?? n.formatted ?? (parts || null);
}
