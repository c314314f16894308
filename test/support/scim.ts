import SCIMMY from "scimmy";
import { expect } from "vitest";

/**
 * An independent check of what the SCIM API returns: scimmy's own model of RFC 7643 Users, with
 * the enterprise extension and the Clearance extension declared here from docs/scim.md (not from
 * Clearance's code), so a mistake in server/core/scim/schema.ts cannot hide itself.
 */
export const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const CLEARANCE = "urn:ietf:params:scim:schemas:extension:clearance:2.0:User";
export const PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const USER = "urn:ietf:params:scim:schemas:core:2.0:User";

const clearanceExtension = new SCIMMY.Types.SchemaDefinition("ClearanceUser", CLEARANCE, "Clearance HR attributes", [
  new SCIMMY.Types.Attribute("string", "team"),
  new SCIMMY.Types.Attribute("string", "location"),
  new SCIMMY.Types.Attribute("string", "jobLevel"),
  new SCIMMY.Types.Attribute("string", "hireDate"),
  new SCIMMY.Types.Attribute("string", "trainings", { multiValued: true }),
]);
SCIMMY.Schemas.User.definition.extend(SCIMMY.Schemas.EnterpriseUser.definition).extend(clearanceExtension);

/**
 * Fails unless `user` is a valid RFC 7643 User: scimmy coerces it (refusing wrong types and
 * missing required attributes) and drops what no schema declares, so the result must equal the input.
 */
export function expectValidUser(user: unknown): asserts user is Record<string, unknown> {
  const coerced = JSON.parse(JSON.stringify(new SCIMMY.Schemas.User(user as Record<string, unknown>, "out")));
  expect(coerced).toEqual(user);
}

export { SCIMMY };
