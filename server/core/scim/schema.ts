/**
 * The SCIM User as Clearance keeps it (RFC 7643 §4.1, §4.3 and a Clearance extension): the one
 * description the filter, the PATCH applier, the body reader and the /Schemas document share.
 */
export const USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const CLEARANCE_SCHEMA = "urn:ietf:params:scim:schemas:extension:clearance:2.0:User";
export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
export const SEARCH_REQUEST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

export const extensionSchemas = [ENTERPRISE_SCHEMA, CLEARANCE_SCHEMA] as const;
export const userSchemas = [USER_SCHEMA, ...extensionSchemas] as const;
export type UserSchemaUrn = (typeof userSchemas)[number];

export interface ScimAttribute {
  name: string;
  type: "string" | "boolean" | "complex" | "dateTime" | "reference";
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: "readOnly" | "readWrite" | "immutable" | "writeOnly";
  returned: "always" | "default" | "never" | "request";
  uniqueness: "none" | "server" | "global";
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: ScimAttribute[];
}

const attr = (name: string, description: string, more: Partial<ScimAttribute> = {}): ScimAttribute => ({
  name,
  type: "string",
  multiValued: false,
  description,
  required: false,
  caseExact: false,
  mutability: "readWrite",
  returned: "default",
  uniqueness: "none",
  ...more,
});

/** schemas, id, externalId and meta belong to every resource (RFC 7643 §3), not to a schema's attribute list. */
export const commonAttributes: ScimAttribute[] = [
  attr("schemas", "The schemas of the resource", {
    type: "reference",
    multiValued: true,
    caseExact: true,
    mutability: "readOnly",
    returned: "always",
    referenceTypes: ["uri"],
  }),
  attr("id", "Clearance's identifier of the person (identities.id)", {
    caseExact: true,
    mutability: "readOnly",
    returned: "always",
    uniqueness: "server",
  }),
  attr("externalId", "The provisioning client's identifier of the person", {
    caseExact: true,
    uniqueness: "server",
  }),
  attr("meta", "Resource metadata", {
    type: "complex",
    mutability: "readOnly",
    subAttributes: [
      attr("resourceType", "Always User", { caseExact: true, mutability: "readOnly" }),
      attr("created", "When the person was created", { type: "dateTime", mutability: "readOnly" }),
      attr("lastModified", "When the person last changed", { type: "dateTime", mutability: "readOnly" }),
      attr("location", "The URI of the resource", {
        type: "reference",
        referenceTypes: ["uri"],
        caseExact: true,
        mutability: "readOnly",
      }),
      attr("version", "A weak ETag of lastModified", { caseExact: true, mutability: "readOnly" }),
    ],
  }),
];

export const attributesBySchema: Record<UserSchemaUrn, ScimAttribute[]> = {
  [USER_SCHEMA]: [
    attr("userName", "A unique name for the User (an email, a UPN, an id); the sign-in email is separate", {
      required: true,
      uniqueness: "server",
    }),
    attr("name", "The person's name in parts, as the client sent it", {
      type: "complex",
      subAttributes: [
        attr("formatted", "The full name"),
        attr("familyName", "The family name"),
        attr("givenName", "The given name"),
        attr("middleName", "The middle name(s)"),
        attr("honorificPrefix", "A title before the name (Ms., Dr.)"),
        attr("honorificSuffix", "A suffix after the name (III, PhD)"),
      ],
    }),
    attr("displayName", "The name shown in Clearance (else name.formatted, else the name parts)"),
    attr("title", "Job title (job_title)"),
    attr("userType", "Employment type (employment_type), e.g. FTE or Contractor"),
    attr("active", "Whether employment_status is Active; false is a termination", { type: "boolean" }),
    attr("emails", "Email addresses; the primary one (else work, else the first) is the sign-in email by default", {
      type: "complex",
      multiValued: true,
      subAttributes: [
        attr("value", "The email address"),
        attr("display", "A label for the address"),
        attr("type", "work, home or other", { canonicalValues: ["work", "home", "other"] }),
        attr("primary", "The address the person signs in with (unless the source signs in by userName)", {
          type: "boolean",
        }),
      ],
    }),
    attr("phoneNumbers", "Phone numbers", {
      type: "complex",
      multiValued: true,
      subAttributes: [
        attr("value", "The number, RFC 3966 or as written"),
        attr("display", "A label for the number"),
        attr("type", "work, home, mobile, fax, pager or other", {
          canonicalValues: ["work", "home", "mobile", "fax", "pager", "other"],
        }),
        attr("primary", "The preferred number", { type: "boolean" }),
      ],
    }),
  ],
  [ENTERPRISE_SCHEMA]: [
    attr("employeeNumber", "The HR id of the person (Clearance's externalId for HR events)"),
    attr("costCenter", "Cost center (cost_center)"),
    attr("department", "Department"),
    attr("manager", "The person's manager, a User of this service provider", {
      type: "complex",
      subAttributes: [
        attr("value", "The manager's id", { caseExact: true }),
        attr("$ref", "The manager's URI", {
          type: "reference",
          referenceTypes: ["User"],
          caseExact: true,
          mutability: "readOnly",
        }),
        attr("displayName", "The manager's displayName", { mutability: "readOnly" }),
      ],
    }),
  ],
  [CLEARANCE_SCHEMA]: [
    attr("team", "Team"),
    attr("location", "Location"),
    attr("jobLevel", "Job level (job_level)"),
    attr("hireDate", "Hire date as YYYY-MM-DD (hire_date)"),
    attr("trainings", "Trainings completed", { multiValued: true }),
  ],
};

/** The Group's attributes (RFC 7643 §4.2) besides the common ones. */
export const groupAttributes: ScimAttribute[] = [
  attr("displayName", "The group's name, unique; policies name it in groups: { includes: [...] }", {
    required: true,
    uniqueness: "server",
  }),
  attr("members", "The Users in the group (Users of the same source)", {
    type: "complex",
    multiValued: true,
    subAttributes: [
      attr("value", "The member's User id", { caseExact: true, mutability: "immutable" }),
      attr("$ref", "The member's URI", {
        type: "reference",
        referenceTypes: ["User"],
        caseExact: true,
        mutability: "immutable",
      }),
      attr("type", "Always User", { mutability: "immutable", canonicalValues: ["User"] }),
      attr("display", "The member's name", { mutability: "readOnly" }),
    ],
  }),
];

/**
 * Attributes of RFC 7643 Users that Clearance does not keep (identity providers send several
 * by default): accepted and ignored on input, absent in filters, never returned.
 */
const ignoredAttributes: Record<UserSchemaUrn, string[]> = {
  [USER_SCHEMA]: [
    "nickName",
    "profileUrl",
    "preferredLanguage",
    "locale",
    "timezone",
    "password",
    "ims",
    "photos",
    "addresses",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
  ],
  [ENTERPRISE_SCHEMA]: ["organization", "division"],
  [CLEARANCE_SCHEMA]: [],
};

export const schemaNames: Record<UserSchemaUrn, string> = {
  [USER_SCHEMA]: "User",
  [ENTERPRISE_SCHEMA]: "EnterpriseUser",
  [CLEARANCE_SCHEMA]: "ClearanceUser",
};

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The schema URN spelled in any case, or undefined. */
export const knownSchema = (urn: string): UserSchemaUrn | undefined => userSchemas.find((s) => same(s, urn));

/** What an attribute path names: an attribute Clearance keeps, one it ignores, or nothing it knows. */
export type ResolvedAttribute =
  | { kind: "known"; schema: UserSchemaUrn; attribute: ScimAttribute; subAttribute?: ScimAttribute }
  | { kind: "ignored"; name: string }
  | { kind: "unknown"; name: string };

/**
 * Looks up `attribute` (and `subAttribute`) case-insensitively. Without a schema URN the core
 * schema and the common attributes are searched (RFC 7644 §3.10: extension attributes need the URN).
 */
export function resolveAttribute(
  schemaUrn: string | undefined,
  attribute: string,
  subAttribute?: string,
): ResolvedAttribute {
  const schema = schemaUrn === undefined ? USER_SCHEMA : knownSchema(schemaUrn);
  const written = [schemaUrn, [attribute, subAttribute].filter(Boolean).join(".")].filter(Boolean).join(":");
  if (!schema) return { kind: "unknown", name: written };
  const candidates =
    schemaUrn === undefined ? [...commonAttributes, ...attributesBySchema[schema]] : attributesBySchema[schema];
  const dotted = subAttribute === undefined ? attribute : `${attribute}.${subAttribute}`;
  if (ignoredAttributes[schema].some((name) => same(name, dotted) || same(name, attribute)))
    return { kind: "ignored", name: written };
  const found = candidates.find((a) => same(a.name, attribute));
  if (!found) return { kind: "unknown", name: written };
  if (subAttribute === undefined) return { kind: "known", schema, attribute: found };
  const sub = found.subAttributes?.find((a) => same(a.name, subAttribute));
  return sub ? { kind: "known", schema, attribute: found, subAttribute: sub } : { kind: "unknown", name: written };
}

/** Whether a sub-attribute name of `parent` is one Clearance ignores (name.middleName, emails.display). */
export const isIgnoredSubAttribute = (schema: UserSchemaUrn, parent: ScimAttribute, name: string) =>
  ignoredAttributes[schema].some((ignored) => same(ignored, `${parent.name}.${name}`));

/** The full name of an attribute for messages: extension attributes carry their URN. */
export function attributeName(schema: UserSchemaUrn, attribute: ScimAttribute, subAttribute?: ScimAttribute): string {
  const path = subAttribute ? `${attribute.name}.${subAttribute.name}` : attribute.name;
  return schema === USER_SCHEMA ? path : `${schema}:${path}`;
}
