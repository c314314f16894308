import SCIMMY from "scimmy";
import { describe, expect, it } from "vitest";
import type { ScimObject } from "./coerce";
import { isScimError } from "./errors";
import { applyPatch } from "./patch";
import { ENTERPRISE_SCHEMA, PATCH_OP_SCHEMA } from "./schema";
import { toScimUser } from "./user";

const ENT = ENTERPRISE_SCHEMA;
SCIMMY.Schemas.User.definition.extend(SCIMMY.Schemas.EnterpriseUser.definition);
const CLR = "urn:ietf:params:scim:schemas:extension:clearance:2.0:User";

const barbara = toScimUser(
  {
    id: "2819c223-7f76-453a-919d-413861904646",
    externalId: "bjensen",
    email: "bjensen@example.com",
    displayName: "Barbara Jensen",
    department: "Tour Operations",
    jobTitle: "Tour Guide",
    team: "Guides",
    location: "Berlin",
    employmentType: "Employee",
    employmentStatus: "Active",
    jobLevel: "L2",
    hireDate: "2010-01-23",
    costCenter: "4130",
    trainings: ["security-101"],
    manager: { id: "26118915-6090-4610-87e4-49d8ca9f808d", displayName: "John Smith" },
    createdAt: new Date("2010-01-23T04:56:22Z"),
    updatedAt: new Date("2011-05-13T04:42:34Z"),
  },
  "https://example.com/api/scim/v2/Users",
);

const patch = (...Operations: unknown[]) => applyPatch(barbara, { schemas: [PATCH_OP_SCHEMA], Operations });
const failure = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return isScimError(err) ? { scimType: err.scimType, detail: err.message } : { unexpected: String(err) };
  }
  return null;
};

describe("PATCH (RFC 7644 §3.5.2)", () => {
  it("add: appends to a multi-valued attribute, with or without a path; unknown-but-standard attributes are ignored", () => {
    const work = barbara.emails;
    expect(patch({ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home" }] }).emails).toEqual([
      ...(work as object[]),
      { value: "babs@jensen.org", type: "home" },
    ]);
    const noPath = patch({
      op: "add",
      value: { emails: [{ value: "babs@jensen.org", type: "home" }], nickName: "Babs" },
    });
    expect(noPath.emails).toHaveLength(2);
    expect(noPath).not.toHaveProperty("nickName");
    expect(
      patch({ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home", primary: true }] }).emails,
    ).toEqual([
      { value: "bjensen@example.com", type: "work", primary: false },
      { value: "babs@jensen.org", type: "home", primary: true },
    ]);
    expect(
      (patch({ op: "add", path: `${CLR}:trainings`, value: ["privacy-201", "security-101"] })[CLR] as ScimObject)
        .trainings,
    ).toEqual(["security-101", "privacy-201"]);
  });

  it("remove: a single-valued attribute, the values a filter selects, a sub-attribute of them; the rest is untouched", () => {
    expect(patch({ op: "remove", path: "title" })).not.toHaveProperty("title");
    const withHome = patch({ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home" }] });
    expect(
      applyPatch(withHome, {
        schemas: [PATCH_OP_SCHEMA],
        Operations: [{ op: "remove", path: 'emails[type eq "work" and value ew "example.com"]' }],
      }).emails,
    ).toEqual([{ value: "babs@jensen.org", type: "home" }]);
    expect(patch({ op: "remove", path: 'emails[type eq "work"].primary' }).emails).toEqual([
      { value: "bjensen@example.com", type: "work" },
    ]);
    const noManager = patch({ op: "remove", path: `${ENT}:manager` });
    expect(noManager[ENT]).toEqual({ employeeNumber: "bjensen", costCenter: "4130", department: "Tour Operations" });
    expect(patch({ op: "remove", path: 'emails[type eq "home"]' }).emails).toEqual(barbara.emails);
  });

  it("replace: a value a filter selects, a sub-attribute of it, and a complex attribute keeping the sub-attributes not named", () => {
    expect(
      patch({
        op: "replace",
        path: 'emails[type eq "work"]',
        value: { type: "work", value: "bjensen@example.org", primary: true },
      }).emails,
    ).toEqual([{ type: "work", value: "bjensen@example.org", primary: true }]);
    expect(patch({ op: "replace", path: 'emails[type eq "work"].value', value: "barbara@example.com" }).emails).toEqual(
      [{ value: "barbara@example.com", type: "work", primary: true }],
    );
    expect(patch({ op: "replace", path: "name", value: { familyName: "Jensen-Smith" } }).name).toEqual({
      formatted: "Barbara Jensen",
      givenName: "Barbara",
      familyName: "Jensen-Smith",
    });
    expect(patch({ op: "replace", path: "userName", value: "babs@example.com" }).userName).toBe("babs@example.com");
    expect(patch({ op: "replace", path: "title", value: null })).not.toHaveProperty("title");
  });

  it("Okta: replace without a path, the value an object keyed by attribute", () => {
    expect(patch({ op: "replace", value: { active: false } }).active).toBe(false);
    const profile = patch({
      op: "replace",
      value: { name: { givenName: "Babs" }, title: "Head Guide", [ENT]: { department: "Tours" } },
    });
    expect(profile).toMatchObject({
      name: { givenName: "Babs", familyName: "Jensen" },
      title: "Head Guide",
      [ENT]: { department: "Tours", costCenter: "4130" },
    });
  });

  it("Entra ID: capitalised ops, booleans as strings, dotted and URN keys, the manager as a bare id, and add through a filter that matches nothing yet", () => {
    expect(patch({ op: "Replace", path: "active", value: "False" }).active).toBe(false);
    expect(patch({ op: "Replace", path: "ACTIVE", value: "true" }).active).toBe(true);
    const entra = patch({
      op: "Replace",
      value: { "name.givenName": "Babs", [`${ENT}:department`]: "Tours", displayName: "Babs Jensen" },
    });
    expect(entra).toMatchObject({
      name: { givenName: "Babs" },
      displayName: "Babs Jensen",
      [ENT]: { department: "Tours" },
    });
    expect(
      (patch({ op: "Add", path: `${ENT}:manager`, value: "9b6a0c7e-0000-4000-8000-000000000001" })[ENT] as ScimObject)
        .manager,
    ).toEqual({
      value: "9b6a0c7e-0000-4000-8000-000000000001",
      $ref: "https://example.com/api/scim/v2/Users/26118915-6090-4610-87e4-49d8ca9f808d",
      displayName: "John Smith",
    });
    expect(
      (
        patch({ op: "Replace", path: `${ENT}:manager`, value: [{ value: "9b6a0c7e-0000-4000-8000-000000000002" }] })[
          ENT
        ] as ScimObject
      ).manager,
    ).toMatchObject({ value: "9b6a0c7e-0000-4000-8000-000000000002" });
    const noEmails = applyPatch(patch({ op: "Remove", path: "emails" }), {
      schemas: [PATCH_OP_SCHEMA],
      Operations: [{ op: "Add", path: 'emails[type eq "work"].value', value: "b@example.com" }],
    });
    expect(noEmails.emails).toEqual([{ type: "work", value: "b@example.com" }]);
    // Entra's default mapping sends phone numbers and addresses: Clearance keeps the numbers, ignores addresses.
    expect(
      patch(
        { op: "Add", path: 'phoneNumbers[type eq "work"].value', value: "+1 555 0100" },
        { op: "Replace", path: 'addresses[type eq "work"].locality', value: "Berlin" },
      ),
    ).toEqual({ ...barbara, phoneNumbers: [{ type: "work", value: "+1 555 0100" }] });
    // Entra sends employeeNumber as a plain writable string.
    expect(
      (patch({ op: "Replace", path: `${ENT}:employeeNumber`, value: "E-77" })[ENT] as ScimObject).employeeNumber,
    ).toBe("E-77");
  });

  it.each([
    [{ op: "remove" }, "noTarget", /remove needs a path/],
    [
      { op: "replace", path: 'emails[type eq "home"].value', value: "x@y.com" },
      "noTarget",
      /no value of emails matches/,
    ],
    [{ op: "add", path: 'emails[value co "zzz"].value', value: "x@y.com" }, "noTarget", /no value of emails matches/],
    [{ op: "replace", path: "id", value: "other" }, "mutability", /id is read-only/],
    [{ op: "remove", path: "meta" }, "mutability", /meta is read-only/],
    [{ op: "replace", path: "favouriteColour", value: "blue" }, "invalidPath", /favouriteColour is not an attribute/],
    [
      { op: "replace", path: 'title[value eq "x"]', value: "y" },
      "invalidPath",
      /needs a multi-valued complex attribute/,
    ],
    [
      { op: "replace", path: 'emails[type eq "work"].value.x', value: "y" },
      "invalidPath",
      /only ".subAttribute" may follow/,
    ],
    [{ op: "replace", path: 'emails[type eq "work"', value: "y" }, "invalidPath", /without closing/],
    [{ op: "replace", path: 'emails[type equals "work"].value', value: "y" }, "invalidFilter", /Expected an operator/],
    [{ op: "move", path: "title", value: "y" }, "invalidSyntax", /op must be add, remove or replace/],
    [{ op: "replace", value: "Tour Guide" }, "invalidSyntax", /needs an object of attributes/],
    [{ op: "replace", path: "active", value: "maybe" }, "invalidValue", /active: must be true or false/],
    [{ op: "replace", path: "title", value: 7 }, "invalidValue", /title: must be a string/],
    [
      {
        op: "add",
        path: "emails",
        value: [
          { value: "a@b.c", primary: true },
          { value: "d@e.f", primary: true },
        ],
      },
      "invalidValue",
      /only one value may be primary/,
    ],
    [{ op: "add", path: "name", value: { nickname: "B" } }, "invalidValue", /name.nickname: is not a sub-attribute/],
  ])("refuses %j as %s", (operation, scimType, detail) => {
    expect(failure(() => patch(operation))).toEqual({ scimType, detail: expect.stringMatching(detail) });
  });

  it("refuses a body that is not a PatchOp, and applies all operations or none", () => {
    expect(failure(() => applyPatch(barbara, { Operations: [{ op: "remove", path: "title" }] }))).toMatchObject({
      scimType: "invalidSyntax",
      detail: expect.stringMatching(/schemas must include/),
    });
    expect(failure(() => applyPatch(barbara, { schemas: [PATCH_OP_SCHEMA], Operations: [] }))).toMatchObject({
      scimType: "invalidSyntax",
    });
    const before = structuredClone(barbara);
    expect(
      failure(() => patch({ op: "remove", path: "title" }, { op: "replace", path: "id", value: "x" })),
    ).toMatchObject({ scimType: "mutability", detail: expect.stringMatching(/^Operations\[1\] \(replace id\)/) });
    expect(barbara).toEqual(before);
    expect(patch({ op: "replace", path: "id", value: barbara.id })).toEqual(barbara);
  });

  // scimmy applies PatchOps on its own model; where RFC 7644 leaves no room for reading, ours must agree.
  it.each([
    [{ op: "replace", value: { active: false } }],
    [{ op: "replace", path: "title", value: "Head Guide" }],
    [{ op: "remove", path: "title" }],
    [{ op: "replace", path: `${ENT}:department`, value: "Tours" }],
    [{ op: "replace", path: 'emails[type eq "work"].value', value: "barbara@example.com" }],
    [{ op: "add", value: { displayName: "Babs", "name.givenName": "Babs" } }],
    [{ op: "add", path: "emails", value: [{ value: "babs@jensen.org", type: "home" }] }],
  ])("agrees with scimmy on %j", async (operation) => {
    const { [CLR]: _clearance, ...standard } = barbara;
    const theirs = await new SCIMMY.Messages.PatchOp({
      schemas: [PATCH_OP_SCHEMA],
      Operations: [operation as never],
    }).apply(
      new SCIMMY.Schemas.User(
        { ...standard, schemas: (standard.schemas as string[]).filter((s) => s !== CLR) },
        "both",
      ),
    );
    const ours = patch(operation);
    const pick = (r: ScimObject) =>
      JSON.parse(
        JSON.stringify({
          userName: r.userName,
          name: r.name,
          displayName: r.displayName,
          title: r.title,
          active: r.active,
          emails: r.emails,
          department: (r[ENT] as ScimObject | undefined)?.department,
        }),
      );
    expect(pick(ours)).toEqual(pick(theirs as unknown as ScimObject));
  });
});
