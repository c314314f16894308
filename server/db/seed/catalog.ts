/**
 * The systems and resources the source material names, with each system's access levels
 * ordered from lowest to highest, and the aliases that clean up messy HR spellings. Every
 * system starts on the manual adapter (a task for IT); IT connects a real one on the Systems page.
 */
export interface SeedSystem {
  key: string;
  name: string;
  description: string;
  adapterKind: string;
  accessLevels: string[];
}

export const seedSystems: SeedSystem[] = [
  {
    key: "google",
    name: "Google Workspace",
    description: "Accounts, groups and shared drives",
    adapterKind: "manual",
    accessLevels: ["member", "manager", "owner"],
  },
  {
    key: "okta",
    name: "Okta",
    description: "Identity provider groups",
    adapterKind: "manual",
    accessLevels: ["member"],
  },
  {
    key: "slack",
    name: "Slack",
    description: "Workspace and channels",
    adapterKind: "manual",
    accessLevels: ["guest", "member", "admin"],
  },
  {
    key: "gitlab",
    name: "GitLab",
    description: "Source code groups",
    adapterKind: "manual",
    accessLevels: ["guest", "reporter", "developer", "maintainer", "owner"],
  },
  {
    key: "github",
    name: "GitHub",
    description: "Engineering organization and teams",
    adapterKind: "manual",
    accessLevels: ["read", "triage", "write", "maintain", "admin"],
  },
  {
    key: "salesforce",
    name: "Salesforce",
    description: "CRM licenses and profiles",
    adapterKind: "manual",
    accessLevels: ["read", "standard", "admin"],
  },
  {
    key: "notion",
    name: "Notion",
    description: "Knowledge spaces",
    adapterKind: "manual",
    accessLevels: ["read", "comment", "edit", "full"],
  },
  { key: "aws", name: "AWS", description: "Accounts and IAM roles", adapterKind: "manual", accessLevels: ["assume"] },
  {
    key: "ldap",
    name: "LDAP directory",
    description: "Directory groups (groupOfNames)",
    adapterKind: "manual",
    accessLevels: ["member"],
  },
  {
    key: "postgres",
    name: "PostgreSQL",
    description: "Database roles on the production cluster",
    adapterKind: "manual",
    accessLevels: ["member"],
  },
];

export interface SeedResource {
  key: string;
  description: string;
  /** email of the person who owns the resource, if any */
  owner?: string;
}

export const seedResources: SeedResource[] = [
  { key: "google:account:workspace", description: "Google Workspace account" },
  {
    key: "google:group:finance-reports@company.com",
    description: "Finance reports and commission data",
    owner: "cfo@company.com",
  },
  { key: "google:group:sales@company.com", description: "All of Sales" },
  { key: "google:drive:sales-shared-drive", description: "Sales shared drive" },
  { key: "google:group:engineering@company.com", description: "All of Engineering", owner: "cto@company.com" },
  { key: "okta:group:base-employee-group", description: "Every employee" },
  { key: "okta:group:sales-team", description: "Sales team applications" },
  { key: "okta:group:engineering-team", description: "Engineering team applications" },
  { key: "slack:workspace:company", description: "Company Slack workspace" },
  { key: "slack:channel:#sales-team", description: "Sales team channel" },
  { key: "slack:channel:#sales-leadership", description: "Sales leadership channel" },
  { key: "slack:channel:#customer-success", description: "Customer success channel" },
  { key: "slack:channel:#engineering-general", description: "Engineering general channel" },
  { key: "gitlab:group:customer-solutions", description: "Customer solutions code" },
  {
    key: "gitlab:group:billing-system-rewrite",
    description: "Billing system rewrite project",
    owner: "cto@company.com",
  },
  { key: "gitlab:group:platform-engineering", description: "Platform engineering code", owner: "alice@company.com" },
  { key: "gitlab:group:finance", description: "Finance tooling code", owner: "cfo@company.com" },
  { key: "github:org:engineering", description: "Engineering GitHub organization", owner: "cto@company.com" },
  { key: "github:team:deployers", description: "Deployment tooling", owner: "oncall-lead@company.com" },
  { key: "github:team:architecture-review", description: "Architecture review board", owner: "cto@company.com" },
  { key: "salesforce:license:user", description: "Salesforce user license" },
  { key: "salesforce:profile:sales-engineer", description: "Sales Engineer profile" },
  { key: "salesforce:profile:sales-leadership", description: "Enhanced permissions for senior sales" },
  { key: "notion:space:company-handbook", description: "Company handbook" },
  { key: "notion:space:technical-docs", description: "Technical documentation" },
  { key: "notion:space:sales-playbooks", description: "Sales playbooks" },
  { key: "aws:role:production-admin", description: "Production administrator role", owner: "oncall-lead@company.com" },
  { key: "aws:role:prod-readonly", description: "Production read-only role", owner: "oncall-lead@company.com" },
  { key: "aws:account:sandbox", description: "Sandbox account for training" },
  { key: "aws:role:security-audit-readonly", description: "Security audit read-only role", owner: "ciso@company.com" },
  { key: "ldap:group:vpn-users", description: "VPN access" },
  { key: "ldap:group:engineering", description: "Engineering directory group", owner: "cto@company.com" },
  { key: "postgres:role:prod_ro", description: "Production database, read-only", owner: "oncall-lead@company.com" },
  { key: "postgres:role:prod_rw", description: "Production database, read-write", owner: "oncall-lead@company.com" },
];

/** Known messy spellings. Some messy values are deliberately left without an alias. */
export const seedAliases: { attribute: string; raw: string; canonical: string }[] = [
  { attribute: "department", raw: "Eng", canonical: "Engineering" },
  { attribute: "department", raw: "Engineering - Platform", canonical: "Engineering" },
  { attribute: "department", raw: "Customer Support", canonical: "Support" },
  { attribute: "job_title", raw: "Sr. Software Engineer", canonical: "Senior Software Engineer" },
  { attribute: "job_title", raw: "Sr Software Engineer", canonical: "Senior Software Engineer" },
  { attribute: "job_title", raw: "Software Engineer III", canonical: "Senior Software Engineer" },
  { attribute: "job_title", raw: "SWE Senior", canonical: "Senior Software Engineer" },
  { attribute: "job_title", raw: "Sr. Sales Engineer", canonical: "Senior Sales Engineer" },
  { attribute: "location", raw: "SF", canonical: "San Francisco" },
  { attribute: "location", raw: "Bay Area", canonical: "San Francisco" },
  { attribute: "location", raw: "NYC", canonical: "New York" },
  { attribute: "location", raw: "Bengaluru", canonical: "Bangalore" },
  { attribute: "employment_type", raw: "Full-time", canonical: "FTE" },
];
