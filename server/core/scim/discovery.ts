import { GROUP_SCHEMA } from "./group";
import { listResponse } from "./messages";
import { attributesBySchema, extensionSchemas, groupAttributes, schemaNames, USER_SCHEMA, userSchemas } from "./schema";

/**
 * The static discovery documents (RFC 7644 §4, RFC 7643 §5–7): what this service provider
 * supports, its one resource type, and the schemas of a User. `baseUrl` ends in /api/scim/v2.
 */
export const MAX_RESULTS = 200;

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_RESULTS },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "The token of an HR source (Identities → HR sources), sent as Authorization: Bearer <token>",
        specUri: "https://www.rfc-editor.org/info/rfc6750",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function userResourceType(baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    id: "User",
    name: "User",
    endpoint: "/Users",
    description: "People: Clearance identities with their HR attributes",
    schema: USER_SCHEMA,
    schemaExtensions: extensionSchemas.map((schema) => ({ schema, required: false })),
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
  };
}

export function groupResourceType(baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
    id: "Group",
    name: "Group",
    endpoint: "/Groups",
    description: "Directory groups: a person's groups are an attribute policies can use",
    schema: GROUP_SCHEMA,
    meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/Group` },
  };
}

export const resourceTypes = (baseUrl: string) =>
  listResponse([userResourceType(baseUrl), groupResourceType(baseUrl)], 2);

export function userSchemaDocuments(baseUrl: string) {
  return userSchemas.map((id) => ({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id,
    name: schemaNames[id],
    description:
      id === USER_SCHEMA ? "User Account" : id.includes("enterprise") ? "Enterprise User" : "Clearance HR attributes",
    attributes: attributesBySchema[id],
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${id}` },
  }));
}

function groupSchemaDocument(baseUrl: string) {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
    id: GROUP_SCHEMA,
    name: "Group",
    description: "Group",
    attributes: groupAttributes,
    meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${GROUP_SCHEMA}` },
  };
}

const schemaDocuments = (baseUrl: string) => [...userSchemaDocuments(baseUrl), groupSchemaDocument(baseUrl)];

export const schemas = (baseUrl: string) => listResponse(schemaDocuments(baseUrl), userSchemas.length + 1);

/** GET /ResourceTypes/{id} (RFC 7644 §4): the one resource type by its id, in any case; null for another. */
export const resourceTypeById = (baseUrl: string, id: string) =>
  id.toLowerCase() === "user"
    ? userResourceType(baseUrl)
    : id.toLowerCase() === "group"
      ? groupResourceType(baseUrl)
      : null;

/** GET /Schemas/{id}: a schema by its URN, in any case; null for another. */
export const schemaById = (baseUrl: string, id: string) =>
  schemaDocuments(baseUrl).find((s) => s.id.toLowerCase() === id.toLowerCase()) ?? null;
