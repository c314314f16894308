import { describe, expect, it } from "vitest";
import { readUserResource } from "./coerce";
import { isScimError } from "./errors";
import { CLEARANCE_SCHEMA, ENTERPRISE_SCHEMA, USER_SCHEMA } from "./schema";
import { splitName, toScimUser, userChanges, type ScimIdentity } from "./user";

const sarah: ScimIdentity = {
  id: "11111111-1111-4111-8111-111111111111",
  externalId: "sarah.chen",
  email: "sarah.chen@company.com",
  displayName: "Sarah Chen",
  department: "Sales",
  jobTitle: "Sales Engineer",
  team: "Enterprise Sales",
  location: "New York",
  employmentType: "FTE",
  employmentStatus: "On Leave",
  jobLevel: "L4",
  hireDate: "2022-03-14",
  costCenter: "CC-1234",
  trainings: ["security-101"],
  manager: { id: "22222222-2222-4222-8222-222222222222", displayName: "John Doe" },
  createdAt: new Date("2022-03-14T00:00:00Z"),
  updatedAt: new Date("2025-05-24T08:00:00Z"),
};
const current = {
  resource: toScimUser(sarah, "https://c.example/api/scim/v2/Users"),
  employmentStatus: sarah.employmentStatus,
};
const put = (body: Record<string, unknown>) =>
  userChanges(current, readUserResource({ schemas: [USER_SCHEMA], userName: "sarah.chen@company.com", ...body }), {
    keepUnsentExtensions: true,
  });

describe("SCIM User ↔ identity", () => {
  it("splits displayName into a given name and the rest", () => {
    expect(splitName(" Jean  Claude Van Damme ")).toEqual({ givenName: "Jean", familyName: "Claude Van Damme" });
    expect(splitName("Cher")).toEqual({ givenName: "Cher" });
  });

  it("active maps to employment_status: false terminates an Active person, true reactivates anyone else, absent keeps it", () => {
    const active = { ...current, employmentStatus: "Active" };
    const asActive = (a: unknown) =>
      userChanges(active, { ...active.resource, active: a }, { keepUnsentExtensions: false }).attributes
        .employment_status;
    expect(asActive(false)).toBe("Terminated");
    expect(asActive(true)).toBeUndefined();
    expect(put({ active: true }).attributes.employment_status).toBe("Active");
    expect(put({ active: false }).attributes.employment_status).toBeUndefined();
    expect(put({}).attributes.employment_status).toBeUndefined();
  });

  it("PUT clears omitted core attributes but keeps an extension the client did not send", () => {
    const changes = put({ title: "Senior Sales Engineer" });
    expect(changes.attributes).toMatchObject({ job_title: "Senior Sales Engineer", employment_type: null });
    expect(changes.attributes).not.toHaveProperty("department");
    expect(changes.attributes).not.toHaveProperty("team");
    expect(changes.managerId).toBeUndefined();
    const withExtensions = put({
      [ENTERPRISE_SCHEMA]: { department: "Engineering" },
      schemas: [USER_SCHEMA, CLEARANCE_SCHEMA],
    });
    expect(withExtensions.attributes).toMatchObject({
      department: "Engineering",
      cost_center: null,
      team: null,
      trainings: [],
    });
    expect(withExtensions.managerId).toBeNull();
  });

  it("takes a new name from displayName, else name.formatted, else the name parts; the email from userName, else the primary email", () => {
    expect(put({ displayName: "Sarah Chen-Park" }).displayName).toBe("Sarah Chen-Park");
    expect(put({ displayName: "Sarah Chen", name: { formatted: "Dr Sarah Chen" } }).displayName).toBe("Dr Sarah Chen");
    expect(put({ name: { givenName: "Sara", familyName: "Chen" } }).displayName).toBe("Sara Chen");
    expect(put({ displayName: "Sarah Chen" }).displayName).toBeUndefined();
    expect(put({ userName: "S.Chen@Company.com" }).email).toBe("s.chen@company.com");
    expect(put({ emails: [{ value: "sarah@company.com", primary: true }] }).email).toBe("sarah@company.com");
    expect(put({}).email).toBeUndefined();
  });

  it("a new User without externalId takes the local part of userName; only given attributes are set", () => {
    const changes = userChanges(
      null,
      readUserResource({ schemas: [USER_SCHEMA], userName: "Tom.Short@company.com", title: "Support Engineer" }),
      { keepUnsentExtensions: false },
    );
    expect(changes).toEqual({
      email: "tom.short@company.com",
      externalId: "tom.short",
      attributes: { job_title: "Support Engineer", employment_status: "Active" },
    });
  });

  it("refuses a userName that is no email, naming it", () => {
    try {
      put({ userName: "sarah" });
      expect.unreachable();
    } catch (err) {
      expect(isScimError(err) && { scimType: err.scimType, field: err.field }).toEqual({
        scimType: "invalidValue",
        field: "userName",
      });
    }
  });
});
