import { describe, expect, it } from "vitest";
import { isDomainError } from "../errors";
import { project, readProjection } from "./projection";
import { CLEARANCE_SCHEMA, ENTERPRISE_SCHEMA, USER_SCHEMA } from "./schema";
import { toScimUser, type ScimIdentity } from "./user";

const sarah: ScimIdentity = {
  id: "8c1d3f52-0000-4000-8000-000000000001",
  externalId: "E1001",
  email: "sarah.chen@company.com",
  displayName: "Sarah Chen",
  department: "Sales",
  jobTitle: "Sales Engineer",
  team: "Enterprise",
  location: null,
  employmentType: "FTE",
  employmentStatus: "Active",
  jobLevel: null,
  hireDate: null,
  costCenter: "CC-200",
  trainings: [],
  manager: { id: "8c1d3f52-0000-4000-8000-000000000002", displayName: "John Doe" },
  createdAt: new Date("2026-01-05T09:00:00Z"),
  updatedAt: new Date("2026-11-02T09:00:00Z"),
};
const user = toScimUser(sarah, "https://clearance.example/api/scim/v2/Users");
const as = (attributes: string | null, excluded: string | null = null) =>
  project(user, readProjection(attributes, excluded));

describe("attributes and excludedAttributes (RFC 7644 §3.4.2.5)", () => {
  it("attributes returns only those, with id and schemas always, in any case, behind the core URN or not", () => {
    expect(as("userName,NAME.familyName")).toEqual({
      schemas: [USER_SCHEMA],
      id: sarah.id,
      userName: "sarah.chen@company.com",
      name: { familyName: "Chen" },
    });
    expect(as(`${USER_SCHEMA}:displayName`)).toEqual({
      schemas: [USER_SCHEMA],
      id: sarah.id,
      displayName: "Sarah Chen",
    });
  });

  it("a sub-attribute of a multi-valued attribute is taken from each value; several are merged in any order", () => {
    expect(as("emails.value").emails).toEqual([{ value: "sarah.chen@company.com" }]);
    const two = {
      ...user,
      emails: [
        { value: "sarah.chen@company.com", type: "work", primary: true },
        { value: "sarah@home.example", type: "home" },
      ],
    };
    const valueAndType = [
      { value: "sarah.chen@company.com", type: "work" },
      { value: "sarah@home.example", type: "home" },
    ];
    for (const asked of ["emails.value,emails.type", "EMAILS.TYPE,emails.value"])
      expect(project(two, readProjection(asked, null)).emails, asked).toEqual(valueAndType);
    for (const asked of ["emails,emails.value", "emails.value,emails"])
      expect(project(two, readProjection(asked, null)).emails, asked).toEqual(two.emails);
    expect(project(two, readProjection("name.givenName,name.familyName", null)).name).toEqual({
      givenName: "Sarah",
      familyName: "Chen",
    });
  });

  it("an extension's attribute behind its URN, or the whole extension by its URN, names it in schemas", () => {
    expect(as(`${ENTERPRISE_SCHEMA}:department`)).toEqual({
      schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
      id: sarah.id,
      [ENTERPRISE_SCHEMA]: { department: "Sales" },
    });
    expect(as(`${ENTERPRISE_SCHEMA}:manager.displayName`)[ENTERPRISE_SCHEMA]).toEqual({
      manager: { displayName: "John Doe" },
    });
    expect(as(CLEARANCE_SCHEMA)[CLEARANCE_SCHEMA]).toEqual({ team: "Enterprise" });
  });

  it("excludedAttributes leaves out those, never id or schemas, and an extension left empty goes with its URN", () => {
    const without = as(null, `emails,meta,id,schemas,${ENTERPRISE_SCHEMA}`);
    expect(without).not.toHaveProperty("emails");
    expect(without).not.toHaveProperty("meta");
    expect(without).not.toHaveProperty(ENTERPRISE_SCHEMA);
    expect(without.id).toBe(sarah.id);
    expect(without.schemas).toEqual([USER_SCHEMA, CLEARANCE_SCHEMA]);
    expect(without.userName).toBe("sarah.chen@company.com");
    const noDepartment = as(null, `${ENTERPRISE_SCHEMA}:department,name.givenName`);
    expect(noDepartment[ENTERPRISE_SCHEMA]).not.toHaveProperty("department");
    expect(noDepartment.name).toEqual({ formatted: "Sarah Chen", familyName: "Chen" });
  });

  it("names no schema has are ignored; nothing asked leaves the resource as it is, and it is never changed", () => {
    expect(as("nickName,urn:example:nothing:attr")).toEqual({ schemas: [USER_SCHEMA], id: sarah.id });
    const before = structuredClone(user);
    expect(as(null)).toEqual(before);
    as(null, "emails");
    expect(user).toEqual(before);
  });

  it("both at once is refused as invalid syntax, naming excludedAttributes; a SearchRequest's arrays work alike", () => {
    let error: unknown;
    try {
      readProjection("userName", "emails");
    } catch (e) {
      error = e;
    }
    expect(isDomainError(error) && error.field).toBe("excludedAttributes");
    expect(project(user, readProjection(["userName"], undefined))).toEqual({
      schemas: [USER_SCHEMA],
      id: sarah.id,
      userName: "sarah.chen@company.com",
    });
    expect(() => readProjection([42 as unknown as string], null)).toThrow(/attributes must be a list/);
  });
});
