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
  email: sarah.email,
  externalId: sarah.externalId,
};
const put = (body: Record<string, unknown>, signInFrom: "primary_email" | "user_name" = "primary_email") =>
  userChanges(current, readUserResource({ schemas: [USER_SCHEMA], userName: "sarah.chen@company.com", ...body }), {
    keepUnsentExtensions: true,
    signInFrom,
  });

describe("SCIM User ↔ identity", () => {
  it("splits displayName into a given name and the rest", () => {
    expect(splitName(" Jean  Claude Van Damme ")).toEqual({ givenName: "Jean", familyName: "Claude Van Damme" });
    expect(splitName("Cher")).toEqual({ givenName: "Cher" });
  });

  it("active maps to employment_status: false terminates an Active person, true reactivates anyone else, absent keeps it", () => {
    const active = { ...current, employmentStatus: "Active" };
    const asActive = (a: unknown) =>
      userChanges(
        active,
        { ...active.resource, active: a },
        {
          keepUnsentExtensions: false,
          signInFrom: "primary_email",
        },
      ).attributes.employment_status;
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

  it("takes a new name from displayName, else name.formatted, else the name parts, whichever changed", () => {
    expect(put({ displayName: "Sarah Chen-Park" }).displayName).toBe("Sarah Chen-Park");
    expect(put({ displayName: "Sarah Chen", name: { formatted: "Dr Sarah Chen" } }).displayName).toBe("Dr Sarah Chen");
    expect(put({ name: { givenName: "Sara", familyName: "Chen" } }).displayName).toBe("Sara Chen");
    expect(
      put({ displayName: "Sarah Chen", name: { formatted: "Sarah Chen", givenName: "Sarah", familyName: "Chen" } })
        .displayName,
    ).toBeUndefined();
  });

  it("userName and the sign-in email never rewrite each other; the source says which one signs in", () => {
    // By the primary email (the default): a new userName changes nothing but userName.
    const renamed = put({
      userName: "S.Chen@Company.com",
      emails: [{ value: "sarah.chen@company.com", primary: true }],
    });
    expect(renamed.email).toBeUndefined();
    expect(renamed.profile.userName).toBe("S.Chen@Company.com");
    expect(
      put({ userName: "sarah.chen@company.com", emails: [{ value: "Sarah@company.com", type: "work", primary: true }] })
        .email,
    ).toBe("sarah@company.com");
    // No email at all on an existing person: the sign-in email stays as it is.
    expect(put({ userName: "00u1abcd" }).email).toBeUndefined();
    // By userName: the emails do not count, and userName must be an address.
    expect(
      put({ userName: "S.Chen@Company.com", emails: [{ value: "x@company.com", primary: true }] }, "user_name").email,
    ).toBe("s.chen@company.com");
    expect(put({ emails: [{ value: "x@company.com", primary: true }] }, "user_name").email).toBeUndefined();
  });

  it("keeps every email and phone number with its type, and the name in parts", () => {
    const { profile } = put({
      name: { givenName: "Sarah", middleName: "Anne", familyName: "Chen", honorificPrefix: "Dr" },
      emails: [
        { value: "sarah.chen@company.com", type: "work", primary: true },
        { value: "sarah@home.example", type: "home" },
      ],
      phoneNumbers: [{ value: "+1 555 0100", type: "mobile" }],
    });
    expect(profile).toEqual({
      userName: "sarah.chen@company.com",
      externalId: null,
      displayName: null,
      name: { givenName: "Sarah", middleName: "Anne", familyName: "Chen", honorificPrefix: "Dr" },
      emails: [
        { value: "sarah.chen@company.com", type: "work", primary: true },
        { value: "sarah@home.example", type: "home" },
      ],
      phoneNumbers: [{ value: "+1 555 0100", type: "mobile" }],
      employeeNumber: "sarah.chen",
    });
  });

  it("a new User without externalId or employeeNumber takes the local part of userName as its HR id", () => {
    const changes = userChanges(
      null,
      readUserResource({ schemas: [USER_SCHEMA], userName: "Tom.Short@company.com", title: "Support Engineer" }),
      { keepUnsentExtensions: false, signInFrom: "primary_email" },
    );
    expect(changes).toMatchObject({
      email: "tom.short@company.com",
      externalId: "tom.short",
      attributes: { job_title: "Support Engineer", employment_status: "Active" },
    });
    const byUpn = userChanges(
      null,
      readUserResource({
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        userName: "tshort_contoso.onmicrosoft.com#EXT#",
        emails: [{ value: "tom.short@company.com", type: "work" }],
        [ENTERPRISE_SCHEMA]: { employeeNumber: "E-1042" },
      }),
      { keepUnsentExtensions: false, signInFrom: "primary_email" },
    );
    expect(byUpn).toMatchObject({ email: "tom.short@company.com", externalId: "E-1042" });
  });

  it("refuses a new User it cannot sign in, and a userName that is no email when the source signs in by userName", () => {
    const refused = (fn: () => unknown) => {
      try {
        fn();
        return null;
      } catch (err) {
        return isScimError(err) ? { scimType: err.scimType, field: err.field } : err;
      }
    };
    expect(
      refused(() =>
        userChanges(null, readUserResource({ schemas: [USER_SCHEMA], userName: "00u1abcd" }), {
          keepUnsentExtensions: false,
          signInFrom: "primary_email",
        }),
      ),
    ).toEqual({ scimType: "invalidValue", field: "emails" });
    expect(refused(() => put({ userName: "sarah" }, "user_name"))).toEqual({
      scimType: "invalidValue",
      field: "userName",
    });
    expect(refused(() => put({ emails: [{ value: "not-an-address" }] }))).toEqual({
      scimType: "invalidValue",
      field: "emails[0].value",
    });
  });
});
