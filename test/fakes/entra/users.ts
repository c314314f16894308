/**
 * Users and groups as the fake Microsoft Graph holds them, and a deterministic generator.
 * Property names and shapes follow the user resource
 * (https://learn.microsoft.com/en-us/graph/api/resources/user): employeeHireDate is a
 * DateTimeOffset, employeeOrgData a complex type { division, costCenter }, manager a navigation
 * property to another directory object.
 */
export interface FakeEntraUser {
  id: string;
  displayName: string | null;
  mail: string | null;
  userPrincipalName: string;
  accountEnabled: boolean;
  department: string | null;
  jobTitle: string | null;
  officeLocation: string | null;
  employeeId: string | null;
  employeeType: string | null;
  /** e.g. "2021-03-01T00:00:00Z" */
  employeeHireDate: string | null;
  employeeOrgData: { division: string | null; costCenter: string | null } | null;
  /** the manager's id; Graph exposes it as the manager navigation property */
  managerId: string | null;
}

export type FakeEntraUserInput = Pick<FakeEntraUser, "id" | "userPrincipalName"> & Partial<FakeEntraUser>;

export interface FakeEntraGroup {
  id: string;
  displayName: string;
  /** member ids: users, groups (nested) or anything else (shown as devices) */
  members: string[];
}

/** The properties of a user that $select can name (manager is the navigation property). */
export const USER_PROPERTIES = [
  "displayName",
  "mail",
  "userPrincipalName",
  "accountEnabled",
  "department",
  "jobTitle",
  "officeLocation",
  "employeeId",
  "employeeType",
  "employeeHireDate",
  "employeeOrgData",
  "manager",
] as const;
export type UserProperty = (typeof USER_PROPERTIES)[number];

export function completeUser(input: FakeEntraUserInput): FakeEntraUser {
  return {
    displayName: null,
    mail: null,
    accountEnabled: true,
    department: null,
    jobTitle: null,
    officeLocation: null,
    employeeId: null,
    employeeType: null,
    employeeHireDate: null,
    employeeOrgData: null,
    managerId: null,
    ...input,
  };
}

/** A GUID-shaped object id, the same for the same kind and number. */
export function entraId(kind: "user" | "group" | "device", n: number): string {
  const prefix = { user: "00000000", group: "00000001", device: "00000002" }[kind];
  return `${prefix}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

const departments = ["Engineering", "Finance", "Sales", "Support", "Legal", "People"];
const titles = ["Engineer", "Analyst", "Account Executive", "Support Specialist", "Counsel", "Recruiter"];
const offices = ["Berlin", "London", "New York", "Singapore"];

/**
 * `n` users, numbered from `from` (default 0), the same every time: user i is
 * user{i}@contoso.com (every 10th has no mail, so its sign-in email is the UPN), reports to user
 * floor(i / 10) (user 0 has no manager), every 50th is disabled, every 7th has no department.
 */
export function entraUsers(n: number, from = 0): FakeEntraUser[] {
  const users: FakeEntraUser[] = [];
  for (let i = from; i < from + n; i++) {
    const hired = new Date(Date.UTC(2015, 0, 1) + (i % 3000) * 86_400_000);
    users.push({
      id: entraId("user", i),
      displayName: `User ${i}`,
      mail: i % 10 === 9 ? null : `user${i}@contoso.com`,
      userPrincipalName: `user${i}@contoso.onmicrosoft.com`,
      accountEnabled: i % 50 !== 49,
      department: i % 7 === 6 ? null : departments[i % departments.length]!,
      jobTitle: titles[i % titles.length]!,
      officeLocation: offices[i % offices.length]!,
      employeeId: `E${String(i).padStart(6, "0")}`,
      employeeType: i % 8 === 7 ? "Contractor" : "Employee",
      employeeHireDate: hired.toISOString().replace(".000Z", "Z"),
      employeeOrgData: { division: "Contoso", costCenter: `CC-${100 + (i % 9)}` },
      managerId: i === 0 ? null : entraId("user", Math.floor(i / 10)),
    });
  }
  return users;
}

/** The value of one selectable property as Graph returns it (manager is handled by the caller). */
export function userProperty(user: FakeEntraUser, property: Exclude<UserProperty, "manager">): unknown {
  const value = user[property];
  return value && typeof value === "object" ? { ...value } : value;
}
