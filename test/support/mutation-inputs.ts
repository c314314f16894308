import { seedTemplates } from "@/server/db/seed/requests";

/**
 * A base input for every tRPC mutation: what test/mutation-input.property.test.ts starts from
 * before fast-check replaces its values with hostile ones. Inputs reach as deep into the service
 * as is cheap (real people, a real pending request); ids of objects that take a story to build
 * are missing ones. A new mutation fails that test until it has a row here.
 */
export interface MutationFixture {
  sarahId: string;
  /** Sarah's pending finance-reports request. */
  requestId: string;
  /** Sarah's delegation to John. */
  delegationId: string;
}

/** Who calls it: IT always (every procedure is theirs to call); the employee too for employee procedures. */
export type MutationCaller = "it_admin" | "employee";

export const missingId = "00000000-0000-4000-8000-000000000000";

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
const justification = "Quarter-end commission analysis with the finance team.";
const propertyPolicy = {
  path: "property-policy.yaml",
  source:
    "name: property-policy\ndescription: Sales tools\nwhen:\n  - department: Sales\ngrants:\n  - okta:group:sales-team\n",
};

export const mutationInputs: Record<string, { callers: MutationCaller[]; input: (f: MutationFixture) => unknown }> = {
  "aliases.create": {
    callers: ["it_admin"],
    input: () => ({ attribute: "job_title", raw: "Sr Sales Eng", canonical: "Senior Sales Engineer" }),
  },
  "aliases.remove": { callers: ["it_admin"], input: () => ({ id: missingId }) },
  "auditLog.verifyChain": { callers: ["it_admin"], input: () => undefined },
  "auditLog.writeCheckpoint": { callers: ["it_admin"], input: () => undefined },
  "delegations.create": {
    callers: ["it_admin", "employee"],
    input: () => ({
      delegateEmail: "alice@company.com",
      startsAt: day("2026-12-20"),
      endsAt: day("2026-12-31"),
      reason: "Vacation",
    }),
  },
  "delegations.end": { callers: ["it_admin", "employee"], input: (f) => ({ id: f.delegationId }) },
  "drift.check": { callers: ["it_admin"], input: () => ({ systemKey: "slack" }) },
  "drift.resolve": {
    callers: ["it_admin"],
    input: () => ({
      findingId: missingId,
      action: "convert",
      note: "Keep it for the project",
      exception: { type: "project", expiresAt: day("2027-01-15"), justification, approverEmail: "cfo@company.com" },
    }),
  },
  "drift.settings": {
    callers: ["it_admin"],
    input: () => ({ systemKey: "slack", reviewPlans: false, graceDays: 3, driftAutoRemediate: false }),
  },
  "drift.setResourceGrace": {
    callers: ["it_admin"],
    input: () => ({ resourceKey: "slack:channel:#sales-team", graceDays: 2 }),
  },
  "exceptions.propose": {
    callers: ["it_admin"],
    input: (f) => ({
      identityId: f.sarahId,
      resource: "google:group:finance-reports@company.com",
      level: null,
      type: "vendor",
      justification,
      references: { project: "Q4", ticket: "FIN-42", vendor: "Acme" },
      restrictions: { ipAllowList: ["10.0.0.0/8"], mfaRequired: true, sessionMinutes: 60 },
      approverEmail: "cfo@company.com",
      startsAt: day("2026-11-23"),
      expiresAt: day("2026-12-20"),
    }),
  },
  "exceptions.revoke": {
    callers: ["it_admin", "employee"],
    input: () => ({ exceptionId: missingId, reason: "No longer needed" }),
  },
  "exceptions.revokeMany": {
    callers: ["it_admin"],
    input: () => ({ exceptionIds: [missingId], reason: "No longer needed" }),
  },
  "exceptions.proposeExtension": {
    callers: ["it_admin"],
    input: () => ({ exceptionId: missingId, durationMinutes: 60, justification, approverEmail: "cfo@company.com" }),
  },
  "exceptions.giveBack": { callers: ["it_admin", "employee"], input: () => ({ exceptionId: missingId }) },
  "exceptions.updateTypeSettings": {
    callers: ["it_admin"],
    input: () => ({
      type: "training",
      maxDurationMinutes: 60 * 24 * 30,
      reminderOffsetsMinutes: [60 * 24],
      extensible: true,
      escalatedApproverGroup: "it-admins",
    }),
  },
  "fallbacks.save": {
    callers: ["it_admin"],
    input: () => ({
      source:
        "name: property-fallback\ndescription: d\nscope: namespace\nnamespace: slack\npriority: 5\naction: deny\nmessage: Ask IT\n",
      previousName: "property-fallback",
    }),
  },
  "fallbacks.remove": { callers: ["it_admin"], input: () => ({ name: "no-such-fallback" }) },
  "fallbacks.ask": {
    callers: ["it_admin", "employee"],
    input: () => ({ resource: "aws:account:sandbox", durationMinutes: 60, justification }),
  },
  "hr.handOverPeople": {
    callers: ["it_admin"],
    input: () => ({
      toSource: "no-such-source",
      fromSource: null,
      department: "Sales",
      reason: "Moved to the new HR system",
      expectedCount: 1,
    }),
  },
  "hr.rotateToken": { callers: ["it_admin"], input: () => ({ key: "no-such-source", reason: "Leaked in a ticket" }) },
  "hr.revokeSource": { callers: ["it_admin"], input: () => ({ key: "no-such-source", reason: "Leaked in a ticket" }) },
  "hr.createSource": { callers: ["it_admin"], input: () => ({ key: "workday", name: "Workday" }) },
  "hr.setScimSignInEmail": { callers: ["it_admin"], input: () => ({ key: "no-such-source", from: "user_name" }) },
  "hr.createDirectoryPull": {
    callers: ["it_admin"],
    input: () => ({
      key: "okta-pull",
      name: "Okta",
      kind: "okta",
      settings: { orgUrl: "http://127.0.0.1:9/", tokenEnv: "OKTA_TOKEN" },
      intervalMinutes: 60,
    }),
  },
  "hr.updateDirectoryPull": { callers: ["it_admin"], input: () => ({ key: "no-such-source", intervalMinutes: 30 }) },
  "hr.testDirectoryPull": { callers: ["it_admin"], input: () => ({ key: "no-such-source" }) },
  "hr.syncDirectoryNow": { callers: ["it_admin"], input: () => ({ key: "no-such-source" }) },
  "hr.setAttributeOwnership": {
    callers: ["it_admin"],
    input: () => ({ writer: { kind: "csv" }, attributes: ["department", "job_title"] }),
  },
  "portalRoles.grant": {
    callers: ["it_admin"],
    input: () => ({ email: "sarah.chen@company.com", role: "auditor", reason: "Quarterly access review" }),
  },
  "portalRoles.revoke": {
    callers: ["it_admin"],
    input: () => ({ email: "auditor@company.com", role: "auditor", reason: "Moved to another team" }),
  },
  "portalRoles.decide": {
    callers: ["it_admin"],
    input: () => ({ proposalId: missingId, decision: "approve", note: "Looks right" }),
  },
  "identities.addByHand": {
    callers: ["it_admin"],
    input: () => ({
      email: "new.contractor@company.com",
      displayName: "New Contractor",
      externalId: null,
      attributes: { department: "Engineering", job_title: "Contractor", employment_type: "Contractor" },
      reason: "Contractor starting before HR has them",
    }),
  },
  "identities.handOver": {
    callers: ["it_admin"],
    input: (f) => ({ identityId: f.sarahId, toSource: null, reason: "Moved to the new HR system" }),
  },
  "identities.applyImport": {
    callers: ["it_admin"],
    input: () => ({ csv: "external_id,job_title\nsarah.chen,Senior Sales Engineer\n", fingerprint: "0".repeat(64) }),
  },
  "lifecycle.review": {
    callers: ["it_admin"],
    input: () => ({ planId: missingId, decision: "approve", note: "Checked" }),
  },
  "migration.importSnapshot": {
    callers: ["it_admin"],
    input: () => ({ systemKey: "slack", csv: "username,resource,level\nsarah.chen,channel:#sales-team,member\n" }),
  },
  "notifications.markRead": { callers: ["it_admin", "employee"], input: () => ({ id: 1 }) },
  "policies.save": {
    callers: ["it_admin"],
    input: () => ({ baseVersionId: 1, changes: [propertyPolicy], message: "Property test" }),
  },
  "policies.restore": { callers: ["it_admin"], input: () => ({ versionId: 1, message: "Back to the first" }) },
  "policies.decide": { callers: ["it_admin"], input: () => ({ versionId: 1, decision: "reject", note: "Not now" }) },
  "me.setTimeZone": { callers: ["it_admin", "employee"], input: () => ({ timeZone: "America/New_York" }) },
  "organization.setTimeZone": { callers: ["it_admin"], input: () => ({ timeZone: "Europe/Berlin" }) },
  "policies.updateSettings": { callers: ["it_admin"], input: () => ({ requireSecondApproval: false }) },
  "policies.import": { callers: ["it_admin"], input: () => ({ files: [propertyPolicy], message: "Property test" }) },
  "reports.startExport": {
    callers: ["it_admin"],
    input: () => ({
      kind: "exceptions",
      format: "csv",
      filters: {
        from: "2026-01-01",
        to: "2026-12-31",
        system: "slack",
        department: "Sales",
        person: "sarah.chen@company.com",
        at: "2026-11-22T12:00:00Z",
      },
    }),
  },
  "requests.submit": {
    callers: ["it_admin", "employee"],
    input: () => ({
      templateKey: "billing-rewrite-project",
      durationMinutes: 60 * 24 * 14,
      justification,
      requestedStart: day("2026-11-25"),
      fields: { project_id: "BILL-1", read_only_enough: true },
      ticketReference: "FIN-42",
      extension: false,
    }),
  },
  "requests.decide": {
    callers: ["it_admin", "employee"],
    input: (f) => ({ requestId: f.requestId, decision: "needs_info", note: "Which project?" }),
  },
  "requests.decideMany": {
    callers: ["it_admin", "employee"],
    input: (f) => ({ requestIds: [f.requestId], decision: "deny", note: "Not now" }),
  },
  "requests.postMessage": {
    callers: ["it_admin", "employee"],
    input: (f) => ({ requestId: f.requestId, body: "The project is Q4 commissions." }),
  },
  "requests.cancel": { callers: ["it_admin", "employee"], input: () => ({ requestId: missingId }) },
  "systems.configure": {
    callers: ["it_admin"],
    input: () => ({
      systemKey: "slack",
      adapterKind: "webhook",
      adapterConfig: { url: "http://127.0.0.1:9/slack", secretEnv: "SLACK_HOOK_SECRET", timeoutMs: 5000 },
    }),
  },
  "systems.add": {
    callers: ["it_admin"],
    input: () => ({
      key: "badge-printer",
      name: "Badge printer",
      description: "Prints visitor badges",
      accessLevels: ["operator", "admin"],
      adapterKind: "manual",
      adapterConfig: {},
    }),
  },
  "systems.edit": {
    callers: ["it_admin"],
    input: () => ({ systemKey: "slack", name: "Slack", description: "Chat", accessLevels: ["member", "admin"] }),
  },
  "systems.testConnection": {
    callers: ["it_admin"],
    input: () => ({ systemKey: "slack", adapterKind: "manual", adapterConfig: {} }),
  },
  "systems.retire": {
    callers: ["it_admin"],
    input: () => ({ systemKey: "slack", reason: "Moved to another chat tool" }),
  },
  "resources.add": {
    callers: ["it_admin"],
    input: () => ({
      systemKey: "notion",
      type: "workspace",
      name: "board-minutes",
      displayName: "Board minutes",
      description: "Minutes of the board's meetings",
      sensitivity: "high",
      requestable: true,
      defaultTemplateKey: null,
      ownerEmails: ["cfo@company.com"],
    }),
  },
  "resources.edit": {
    callers: ["it_admin"],
    input: () => ({
      systemKey: "google",
      type: "group",
      name: "finance-reports@company.com",
      displayName: "Finance reports",
      description: "Monthly finance reports",
      sensitivity: "critical",
      requestable: false,
      defaultTemplateKey: "finance-reports",
      ownerEmails: ["cfo@company.com", "alice@company.com"],
    }),
  },
  "resources.remove": {
    callers: ["it_admin"],
    input: () => ({ key: "google:group:finance-reports@company.com", reason: "Tidying the catalog" }),
  },
  "resources.importCsv": {
    callers: ["it_admin"],
    input: () => ({
      systemKey: "notion",
      csv: "type,name,owners\nworkspace,board-minutes,cfo@company.com",
      apply: true,
    }),
  },
  // The manual adapter cannot list: no network call whatever the input.
  "resources.discover": { callers: ["it_admin"], input: () => ({ systemKey: "aws" }) },
  "resources.addDiscovered": {
    callers: ["it_admin"],
    input: () => ({ systemKey: "aws", keys: ["aws:role:billing-reader"] }),
  },
  "setup.setDismissed": { callers: ["it_admin"], input: () => ({ dismissed: true }) },
  "systems.retryOperation": { callers: ["it_admin"], input: () => ({ operationId: missingId }) },
  "systems.completeTask": { callers: ["it_admin"], input: () => ({ taskId: missingId, note: "Done by hand" }) },
  "templates.save": {
    callers: ["it_admin"],
    input: () => ({
      create: false,
      key: "finance-reports",
      name: "Finance reports",
      description: "Commission and revenue reports",
      definition: seedTemplates[0]!.definition,
    }),
  },
  "templates.setActive": { callers: ["it_admin"], input: () => ({ key: "finance-reports", active: true }) },
  "templates.saveGroup": {
    callers: ["it_admin"],
    input: () => ({
      key: "property-group",
      name: "Property group",
      description: "d",
      memberEmails: ["john.doe@company.com"],
    }),
  },
};
