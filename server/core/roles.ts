/**
 * Portal roles and what each may see. Every signed-in person is an employee; approver,
 * it_admin and auditor are granted on top. Navigation, page guards and tRPC procedures all
 * read this table, so a section is shown exactly to the roles that may open it.
 */
export const portalRoles = ["employee", "approver", "it_admin", "auditor"] as const;
export type PortalRole = (typeof portalRoles)[number];
export const grantableRoles = ["approver", "it_admin", "auditor"] as const satisfies readonly PortalRole[];
export type GrantableRole = (typeof grantableRoles)[number];

export const roleLabels: Record<PortalRole, string> = {
  employee: "Employee",
  approver: "Approver",
  it_admin: "IT admin",
  auditor: "Auditor",
};

export type SectionKey =
  | "my-access"
  | "request-access"
  | "my-requests"
  | "notifications"
  | "inbox"
  | "out-of-office"
  | "work"
  | "setup"
  | "portal-roles"
  | "identities"
  | "policies"
  | "templates"
  | "outbox"
  | "exceptions"
  | "systems"
  | "drift"
  | "fallbacks"
  | "reports"
  | "metrics"
  | "audit-log";

export interface Section {
  key: SectionKey;
  label: string;
  href: string;
  group: "Me" | "Approvals" | "Administration" | "Audit";
  roles: readonly PortalRole[];
}

export const sections: readonly Section[] = [
  { key: "my-access", label: "My access", href: "/access", group: "Me", roles: ["employee"] },
  { key: "request-access", label: "Request access", href: "/request", group: "Me", roles: ["employee"] },
  { key: "my-requests", label: "My requests", href: "/requests", group: "Me", roles: ["employee"] },
  { key: "notifications", label: "Notifications", href: "/notifications", group: "Me", roles: ["employee"] },
  // Anyone may be asked to decide (a manager, a resource owner, a delegate), so the inbox is everyone's.
  { key: "inbox", label: "Inbox", href: "/inbox", group: "Approvals", roles: ["employee"] },
  { key: "out-of-office", label: "Out of office", href: "/out-of-office", group: "Approvals", roles: ["employee"] },
  { key: "work", label: "Work queue", href: "/work", group: "Administration", roles: ["it_admin"] },
  // Reachable here even after it is dismissed from the work queue (issue 15, point 3).
  { key: "setup", label: "Setup checklist", href: "/setup", group: "Administration", roles: ["it_admin"] },
  { key: "policies", label: "Policies", href: "/policies", group: "Administration", roles: ["it_admin"] },
  { key: "templates", label: "Request templates", href: "/templates", group: "Administration", roles: ["it_admin"] },
  { key: "identities", label: "Identities", href: "/identities", group: "Administration", roles: ["it_admin"] },
  { key: "exceptions", label: "Exceptions", href: "/exceptions", group: "Administration", roles: ["it_admin"] },
  { key: "fallbacks", label: "Fallbacks", href: "/fallbacks", group: "Administration", roles: ["it_admin"] },
  { key: "systems", label: "Systems", href: "/systems", group: "Administration", roles: ["it_admin"] },
  { key: "drift", label: "Drift", href: "/drift", group: "Administration", roles: ["it_admin"] },
  { key: "portal-roles", label: "Portal roles", href: "/portal-roles", group: "Administration", roles: ["it_admin"] },
  { key: "outbox", label: "Outbox", href: "/outbox", group: "Administration", roles: ["it_admin"] },
  { key: "metrics", label: "Exception metrics", href: "/metrics", group: "Audit", roles: ["it_admin", "auditor"] },
  { key: "reports", label: "Reports", href: "/reports", group: "Audit", roles: ["it_admin", "auditor"] },
  { key: "audit-log", label: "Audit log", href: "/audit", group: "Audit", roles: ["it_admin", "auditor"] },
];

/** The roles a person holds: employee always, plus whatever was granted. */
export function effectiveRoles(granted: readonly GrantableRole[]): PortalRole[] {
  return ["employee", ...grantableRoles.filter((r) => granted.includes(r))];
}

export function hasAnyRole(held: readonly PortalRole[], allowed: readonly PortalRole[]): boolean {
  return allowed.some((r) => held.includes(r));
}

export function sectionsFor(held: readonly PortalRole[]): Section[] {
  return sections.filter((s) => hasAnyRole(held, s.roles));
}

export function sectionByKey(key: SectionKey): Section {
  const section = sections.find((s) => s.key === key);
  if (!section) throw new Error(`unknown section ${key}`);
  return section;
}
