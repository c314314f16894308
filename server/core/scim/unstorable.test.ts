import { describe, expect, it } from "vitest";
import { refuseUnstorableScimValues, scimAttributePath } from "./unstorable";

describe("SCIM attribute paths", () => {
  it("names attributes as SCIM does", () => {
    expect(scimAttributePath(["emails", 0, "value"])).toBe("emails[0].value");
    expect(scimAttributePath(["urn:ietf:params:scim:schemas:extension:clearance:2.0:User", "team"])).toBe(
      "urn:ietf:params:scim:schemas:extension:clearance:2.0:User:team",
    );
    expect(scimAttributePath(["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "manager", "value"])).toBe(
      "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value",
    );
    expect(scimAttributePath([])).toBe("body");
  });
});

describe("refusing a SCIM body PostgreSQL cannot store", () => {
  it("names a PATCH value by its operation's path", () => {
    const patch = (value: unknown, path?: string) => ({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "replace", ...(path ? { path } : {}), value }],
    });
    expect(() => refuseUnstorableScimValues(patch("x\u0000", "title"))).toThrow(/^title: contains a NUL character$/);
    expect(() => refuseUnstorableScimValues(patch({ name: { givenName: "\u0000" } }))).toThrow(
      /^name\.givenName: contains a NUL character$/,
    );
    expect(() => refuseUnstorableScimValues(patch([{ value: "\ud800" }], "emails"))).toThrow(
      /^emails\[0\]\.value: contains an unpaired surrogate/,
    );
    expect(() => refuseUnstorableScimValues(patch("ok", "title\u0000"))).toThrow(
      /^Operations\[0\]\.path: contains a NUL character$/,
    );
    expect(() => refuseUnstorableScimValues(patch("fine", "title"))).not.toThrow();
  });
});
