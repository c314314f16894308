/**
 * Directory API resources as the fake stores them, in Google's JSON shapes:
 * - User   https://developers.google.com/workspace/admin/directory/reference/rest/v1/users
 * - Group  https://developers.google.com/workspace/admin/directory/reference/rest/v1/groups
 * - Member https://developers.google.com/workspace/admin/directory/reference/rest/v1/members
 * `kind` and `etag` are added when served. Generators are deterministic (no randomness, no clock).
 */

type Entry = Record<string, unknown>;

export interface FakeUser {
  id: string;
  primaryEmail: string;
  name: { givenName?: string; familyName?: string; fullName?: string; displayName?: string };
  suspended?: boolean;
  archived?: boolean;
  organizations?: Entry[];
  relations?: Entry[];
  externalIds?: Entry[];
  locations?: Entry[];
  addresses?: Entry[];
  [field: string]: unknown;
}

export interface FakeMember {
  id: string;
  email?: string;
  role: "OWNER" | "MANAGER" | "MEMBER";
  type: "USER" | "GROUP" | "CUSTOMER" | "EXTERNAL";
  status?: "ACTIVE" | "SUSPENDED" | "UNDEFINED";
}

export interface FakeGroup {
  id: string;
  email: string;
  name: string;
  description?: string;
  members: FakeMember[];
}

const GIVEN = ["Ada", "Bruno", "Chen", "Dara", "Elif", "Femi", "Greta", "Hiro", "Ines", "Jonas", "Kaia", "Luis"];
const FAMILY = ["Okafor", "Schmidt", "Tanaka", "Silva", "Novak", "Haddad", "Larsen", "Moreau", "Kowalski", "Ibrahim"];
const DEPARTMENTS = ["Engineering", "Finance", "Sales", "Support", "People", "Legal"];
const TITLES = ["Engineer", "Analyst", "Account Executive", "Specialist", "Partner", "Counsel"];
const BUILDINGS = ["BER-1", "LON-2", "NYC-5"];

/** A 21-digit numeric id, as Google's user ids are. */
export const googleUserId = (n: number) => (100000000000000000000n + BigInt(n)).toString();

/**
 * n users in `domain`: user i reports to user floor((i-1)/10) (user 0 has no manager), every 13th
 * has no organizations entry, every 50th is suspended, every 97th archived, every 10th a
 * contractor. Fast enough for 10,000.
 */
export function googleUsers(n: number, { domain = "example.com", first = 0 } = {}): FakeUser[] {
  const email = (i: number) =>
    `${GIVEN[i % GIVEN.length]}.${FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]}.${i}@${domain}`.toLowerCase();
  const users: FakeUser[] = [];
  for (let i = first; i < first + n; i++) {
    const givenName = GIVEN[i % GIVEN.length]!;
    const familyName = FAMILY[Math.floor(i / GIVEN.length) % FAMILY.length]!;
    const d = i % DEPARTMENTS.length;
    const user: FakeUser = {
      id: googleUserId(i + 1),
      primaryEmail: email(i),
      name: { givenName, familyName, fullName: `${givenName} ${familyName}`, displayName: "" },
      isAdmin: false,
      isDelegatedAdmin: false,
      agreedToTerms: true,
      suspended: i % 50 === 49,
      archived: i % 97 === 96,
      changePasswordAtNextLogin: false,
      ipWhitelisted: false,
      emails: [{ address: email(i), primary: true }],
      customerId: "C0fake00",
      orgUnitPath: "/",
      isMailboxSetup: true,
      isEnrolledIn2Sv: i % 3 !== 0,
      isEnforcedIn2Sv: false,
      includeInGlobalAddressList: true,
      creationTime: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
      lastLoginTime: "1970-01-01T00:00:00.000Z",
      externalIds: [{ value: `E${String(i + 1).padStart(6, "0")}`, type: "organization" }],
      locations: [{ type: "desk", area: "desk", buildingId: BUILDINGS[i % BUILDINGS.length], floorName: "1" }],
    };
    if (i % 13 !== 12) {
      user.organizations = [
        {
          name: "Example Corp",
          primary: true,
          customType: "",
          department: DEPARTMENTS[d],
          title: TITLES[d],
          costCenter: `CC-${100 + d}`,
          description: i % 10 === 9 ? "Contractor" : "Full-time",
        },
      ];
    }
    if (i > 0) user.relations = [{ value: email(Math.floor((i - 1) / 10)), type: "manager" }];
    if (user.suspended) user.suspensionReason = "ADMIN";
    users.push(user);
  }
  return users;
}

export const userMember = (user: FakeUser, role: FakeMember["role"] = "MEMBER"): FakeMember => ({
  id: user.id,
  email: user.primaryEmail,
  role,
  type: "USER",
  status: user.suspended ? "SUSPENDED" : "ACTIVE",
});

export const groupMember = (group: FakeGroup): FakeMember => ({
  id: group.id,
  email: group.email,
  role: "MEMBER",
  type: "GROUP",
  status: "ACTIVE",
});

/** `count` groups; user k is a member of group k % count (so every user is in one group). */
export function googleGroups(count: number, users: FakeUser[], { domain = "example.com" } = {}): FakeGroup[] {
  const groups: FakeGroup[] = Array.from({ length: count }, (_, j) => ({
    id: `0fakegrp${String(j).padStart(7, "0")}`,
    email: `group-${j}@${domain}`,
    name: `Group ${j}`,
    description: `Generated group ${j}`,
    members: [],
  }));
  users.forEach((u, k) => groups[k % count]!.members.push(userMember(u, k < count ? "OWNER" : "MEMBER")));
  return groups;
}
