import type { GrantableRole } from "@/server/core/roles";

export interface SeedPerson {
  externalId: string;
  email: string;
  displayName: string;
  department: string | null;
  jobTitle: string | null;
  team: string | null;
  location: string | null;
  employmentType: string;
  employmentStatus: string;
  jobLevel: string | null;
  hireDate: string;
  /** manager's email */
  manager: string | null;
  costCenter: string | null;
  trainings: string[];
  roles?: GrantableRole[];
  /** Earlier values, applied as dated attribute changes so the person has a history. */
  history?: { effectiveAt: string; reason: string; from: Partial<Record<string, string | null>> }[];
}

/**
 * The people the source material names. Emails follow the seeds (role mailboxes such as
 * cfo@company.com are how the seeds name approvers). They are listed first on the dev
 * sign-in page so a demo can play each persona.
 */
export const namedPeople: SeedPerson[] = [
  {
    externalId: "rachel.kim", email: "ceo@company.com", displayName: "Rachel Kim",
    department: "Executive", jobTitle: "Chief Executive Officer", team: "Leadership", location: "San Francisco",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L9", hireDate: "2016-02-01",
    manager: null, costCenter: "CC-1000", trainings: ["security-101"], roles: ["approver"],
  },
  {
    externalId: "david.okafor", email: "cfo@company.com", displayName: "David Okafor",
    department: "Finance", jobTitle: "Chief Financial Officer", team: "Leadership", location: "New York",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L9", hireDate: "2018-04-16",
    manager: "ceo@company.com", costCenter: "CC-4000", trainings: ["security-101", "financial-data-handling"], roles: ["approver"],
  },
  {
    externalId: "marcus.webb", email: "cto@company.com", displayName: "Marcus Webb",
    department: "Engineering", jobTitle: "Chief Technology Officer", team: "Leadership", location: "San Francisco",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L9", hireDate: "2016-06-01",
    manager: "ceo@company.com", costCenter: "CC-2000", trainings: ["security-101", "prod-access-2024"], roles: ["approver"],
  },
  {
    externalId: "amara.nwosu", email: "ciso@company.com", displayName: "Amara Nwosu",
    department: "Engineering", jobTitle: "Chief Information Security Officer", team: "Security", location: "London",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L9", hireDate: "2019-09-09",
    manager: "ceo@company.com", costCenter: "CC-2900", trainings: ["security-101", "pii-handling", "gdpr-basics"], roles: ["approver"],
  },
  {
    externalId: "kenji.tanaka", email: "oncall-lead@company.com", displayName: "Kenji Tanaka",
    department: "Engineering", jobTitle: "SRE Lead", team: "SRE", location: "San Francisco",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L6", hireDate: "2020-03-02",
    manager: "cto@company.com", costCenter: "CC-2100",
    trainings: ["security-101", "prod-access-2024", "prod-db-access", "data-handling"], roles: ["approver"],
  },
  {
    externalId: "alice.moreno", email: "alice@company.com", displayName: "Alice Moreno",
    department: "Engineering", jobTitle: "Engineering Manager", team: "Platform", location: "San Francisco",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L6", hireDate: "2019-01-14",
    manager: "cto@company.com", costCenter: "CC-2100", trainings: ["security-101", "prod-access-2024"], roles: ["approver"],
  },
  {
    externalId: "bob.lindqvist", email: "bob@company.com", displayName: "Bob Lindqvist",
    department: "Engineering", jobTitle: "Engineering Manager", team: "Core Engineering", location: "Berlin",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L6", hireDate: "2020-07-20",
    manager: "cto@company.com", costCenter: "CC-2200", trainings: ["security-101"], roles: ["approver"],
  },
  {
    externalId: "john.doe", email: "john.doe@company.com", displayName: "John Doe",
    department: "Sales", jobTitle: "Sales Engineering Manager", team: "Enterprise", location: "San Francisco",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L6", hireDate: "2021-02-01",
    manager: "ceo@company.com", costCenter: "CC-1234", trainings: ["security-101"], roles: ["approver"],
    history: [{ effectiveAt: "2024-03-01", reason: "Promotion", from: { job_title: "Senior Sales Engineer", job_level: "L4" } }],
  },
  {
    externalId: "sarah.chen", email: "sarah.chen@company.com", displayName: "Sarah Chen",
    department: "Sales", jobTitle: "Sales Engineer", team: "Enterprise", location: "San Francisco",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L3", hireDate: "2024-11-24",
    manager: "john.doe@company.com", costCenter: "CC-1234", trainings: ["security-101"],
    history: [{ effectiveAt: "2025-06-02", reason: "Team change", from: { team: "Mid-Market" } }],
  },
  {
    externalId: "jane.smith", email: "jane.smith@company.com", displayName: "Jane Smith",
    department: "Engineering", jobTitle: "Software Engineer", team: "Platform", location: "Austin",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L2", hireDate: "2025-08-11",
    manager: "alice@company.com", costCenter: "CC-2100", trainings: ["security-101"],
  },
  {
    externalId: "priya.raman", email: "priya.raman@company.com", displayName: "Priya Raman",
    department: "IT", jobTitle: "IT Administrator", team: "Identity & Access", location: "Austin",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L4", hireDate: "2021-05-10",
    manager: "cto@company.com", costCenter: "CC-2800", trainings: ["security-101", "data-handling"], roles: ["it_admin"],
  },
  {
    externalId: "omar.haddad", email: "omar.haddad@company.com", displayName: "Omar Haddad",
    department: "IT", jobTitle: "Senior IT Administrator", team: "Identity & Access", location: "London",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L5", hireDate: "2020-11-02",
    manager: "cto@company.com", costCenter: "CC-2800", trainings: ["security-101", "data-handling"], roles: ["it_admin", "approver"],
  },
  {
    externalId: "grace.liu", email: "auditor@company.com", displayName: "Grace Liu",
    department: "Finance", jobTitle: "Internal Auditor", team: "Internal Audit", location: "New York",
    employmentType: "FTE", employmentStatus: "Active", jobLevel: "L5", hireDate: "2022-01-10",
    manager: "cfo@company.com", costCenter: "CC-4100", trainings: ["security-101", "financial-data-handling"], roles: ["auditor"],
  },
  {
    externalId: "victor.hale", email: "consultant@external.com", displayName: "Victor Hale (Acme Security Consulting)",
    department: "Engineering", jobTitle: "Security Consultant", team: "Security", location: "Remote",
    employmentType: "Contractor", employmentStatus: "Active", jobLevel: null, hireDate: "2026-11-09",
    manager: "ciso@company.com", costCenter: "CTR-2024-089", trainings: ["security-101"],
  },
  {
    externalId: "emp_tom_345", email: "tom.becker@company.com", displayName: "Tom Becker",
    department: "Engineering", jobTitle: "Senior Software Engineer", team: "Core Engineering", location: "Berlin",
    employmentType: "FTE", employmentStatus: "Terminated", jobLevel: "L4", hireDate: "2019-04-01",
    manager: "bob@company.com", costCenter: "CC-2200", trainings: ["security-101", "prod-access-2024"],
    history: [{ effectiveAt: "2026-09-30", reason: "Termination", from: { employment_status: "Active" } }],
  },
  {
    externalId: "emp_janet_012", email: "janet.price@company.com", displayName: "Janet Price",
    department: "Engineering", jobTitle: "Staff Engineer", team: "Core Engineering", location: "New York",
    employmentType: "FTE", employmentStatus: "Leave", jobLevel: "L5", hireDate: "2018-10-15",
    manager: "bob@company.com", costCenter: "CC-2200", trainings: ["security-101", "prod-access-2024"],
    history: [{ effectiveAt: "2026-10-01", reason: "Leave of absence", from: { employment_status: "Active" } }],
  },
];
