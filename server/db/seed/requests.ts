import type { TemplateDefinition } from "@/server/core/requests/template";

/** Approver groups of the demo organization, members by email in order. */
export const seedApproverGroups: { key: string; name: string; description: string; members: string[] }[] = [
  { key: "finance-approvers", name: "Finance approvers", description: "Decide access to finance data", members: ["cfo@company.com"] },
  { key: "on-call", name: "On-call engineers", description: "This week's on-call rotation", members: ["oncall-lead@company.com", "jane.smith@company.com", "janet.price@company.com", "tom.becker@company.com"] },
  { key: "sre-leads", name: "SRE leads", description: "Escalation for production access", members: ["oncall-lead@company.com", "cto@company.com"] },
  { key: "platform-owners", name: "Platform owners", description: "Own the platform and billing code", members: ["alice@company.com", "bob@company.com", "oncall-lead@company.com"] },
  { key: "security", name: "Security", description: "Decide vendor and audit access", members: ["ciso@company.com"] },
  { key: "it-admins", name: "IT admins", description: "Escalation when nobody else decides", members: ["priya.raman@company.com", "omar.haddad@company.com"] },
];

const HOUR = 60;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

/** The request templates of the demo organization, one per exception pattern of seed 000. */
export const seedTemplates: { key: string; name: string; description: string; definition: TemplateDefinition }[] = [
  {
    key: "finance-reports",
    name: "Finance reports",
    description: "The finance-reports Google group: commission and revenue reports, for cross-functional projects.",
    definition: {
      grants: [{ resource: "google:group:finance-reports@company.com", level: null }],
      durations: [1 * WEEK, 2 * WEEK, 4 * WEEK, 6 * WEEK, 12 * WEEK],
      maxDurationMinutes: 12 * WEEK,
      startMode: "on_approval",
      stages: [
        {
          name: "CFO",
          approvers: [{ kind: "person", email: "cfo@company.com" }],
          threshold: { kind: "any" },
          notify: { policy: "all", count: 1 },
          escalation: { afterMinutes: 2 * DAY, toGroup: "finance-approvers" },
        },
      ],
      fields: [{ key: "project", label: "Project", type: "text", required: false, options: [], maxLength: 200 }],
      justificationMinLength: 20,
      ticketReference: "optional",
      autoApproval: [],
      autoApproveOutsidePolicy: false,
      pendingExpiryDays: 7,
      reminderAfterHours: 24,
    },
  },
  {
    key: "production-admin-incident",
    name: "Production admin (incident)",
    description: "The AWS production-admin role for a few hours, to fix an incident. On-call engineers get it at once.",
    definition: {
      grants: [{ resource: "aws:role:production-admin", level: null }],
      durations: [30, 1 * HOUR, 4 * HOUR, 8 * HOUR],
      maxDurationMinutes: 8 * HOUR,
      startMode: "on_approval",
      stages: [
        {
          name: "On-call lead",
          approvers: [{ kind: "resource_owner" }],
          threshold: { kind: "any" },
          notify: { policy: "all", count: 1 },
          escalation: { afterMinutes: 15, toGroup: "sre-leads" },
        },
      ],
      fields: [{ key: "incident_id", label: "Incident", type: "text", required: true, options: [], maxLength: 40 }],
      justificationMinLength: 20,
      ticketReference: "hidden",
      autoApproval: [{ kind: "requester_in_group", group: "on-call" }],
      autoApproveOutsidePolicy: true,
      pendingExpiryDays: 1,
      reminderAfterHours: 1,
    },
  },
  {
    key: "sandbox-training",
    name: "AWS sandbox for training",
    description: "The AWS sandbox account, to practise for a certification or course.",
    definition: {
      grants: [{ resource: "aws:account:sandbox", level: null }],
      durations: [1 * WEEK, 4 * WEEK, 12 * WEEK],
      maxDurationMinutes: 12 * WEEK,
      startMode: "requester_picks",
      stages: [{ name: "Manager", approvers: [{ kind: "manager" }], threshold: { kind: "any" }, notify: { policy: "all", count: 1 }, escalation: null }],
      fields: [{ key: "training_program", label: "Training program", type: "dropdown", required: true, options: ["AWS Solutions Architect", "AWS Developer", "Kubernetes (CKA)", "Other"], maxLength: 120 }],
      justificationMinLength: 20,
      ticketReference: "hidden",
      autoApproval: [],
      autoApproveOutsidePolicy: false,
      pendingExpiryDays: 14,
      reminderAfterHours: 48,
    },
  },
  {
    key: "billing-rewrite-project",
    name: "Billing system rewrite (project)",
    description: "Developer access to the billing-system-rewrite GitLab group for the length of the project.",
    definition: {
      grants: [{ resource: "gitlab:group:billing-system-rewrite", level: "developer" }],
      durations: [2 * WEEK, 6 * WEEK, 12 * WEEK, 18 * WEEK],
      maxDurationMinutes: 18 * WEEK,
      startMode: "requester_picks",
      stages: [
        { name: "Manager", approvers: [{ kind: "manager" }], threshold: { kind: "any" }, notify: { policy: "all", count: 1 }, escalation: { afterMinutes: 3 * DAY, toGroup: "it-admins" } },
        {
          name: "Platform owners",
          approvers: [{ kind: "group", group: "platform-owners" }],
          threshold: { kind: "count", n: 2 },
          notify: { policy: "all", count: 3 },
          escalation: { afterMinutes: 3 * DAY, toGroup: "it-admins" },
        },
      ],
      fields: [
        { key: "project_id", label: "Project ID", type: "text", required: true, options: [], maxLength: 60 },
        { key: "read_only_enough", label: "I have checked that read-only access is not enough", type: "checkbox", required: true, options: [], maxLength: 500 },
      ],
      justificationMinLength: 30,
      ticketReference: "optional",
      autoApproval: [],
      autoApproveOutsidePolicy: false,
      pendingExpiryDays: 14,
      reminderAfterHours: 24,
    },
  },
  {
    key: "salesforce-role-transition",
    name: "Salesforce during a role change",
    description: "Keep the Sales Engineer profile for up to 30 days after a move, to hand over accounts.",
    definition: {
      grants: [{ resource: "salesforce:profile:sales-engineer", level: null }],
      durations: [1 * WEEK, 2 * WEEK, 30 * DAY],
      maxDurationMinutes: 30 * DAY,
      startMode: "on_approval",
      stages: [{ name: "Manager", approvers: [{ kind: "manager" }], threshold: { kind: "any" }, notify: { policy: "all", count: 1 }, escalation: null }],
      fields: [],
      justificationMinLength: 20,
      ticketReference: "hidden",
      autoApproval: [{ kind: "role_transition", withinDays: 30 }],
      autoApproveOutsidePolicy: true,
      pendingExpiryDays: 7,
      reminderAfterHours: 24,
    },
  },
  {
    key: "vendor-security-audit",
    name: "Vendor: security audit (read-only)",
    description: "Read-only AWS security-audit role for an outside consultant during an engagement.",
    definition: {
      grants: [{ resource: "aws:role:security-audit-readonly", level: null }],
      durations: [1 * WEEK, 4 * WEEK, 8 * WEEK],
      maxDurationMinutes: 8 * WEEK,
      startMode: "requester_picks",
      stages: [
        { name: "Sponsor (manager)", approvers: [{ kind: "manager" }], threshold: { kind: "any" }, notify: { policy: "all", count: 1 }, escalation: null },
        { name: "Security", approvers: [{ kind: "group", group: "security" }], threshold: { kind: "any" }, notify: { policy: "round_robin", count: 1 }, escalation: { afterMinutes: DAY, toGroup: "it-admins" } },
      ],
      fields: [{ key: "contract", label: "Contract or statement of work", type: "text", required: true, options: [], maxLength: 120 }],
      justificationMinLength: 30,
      ticketReference: "optional",
      autoApproval: [],
      autoApproveOutsidePolicy: false,
      pendingExpiryDays: 7,
      reminderAfterHours: 24,
    },
  },
];
