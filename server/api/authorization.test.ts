import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  accessExceptions,
  accessRequests,
  auditEvents,
  delegations,
  notifications,
  requestMessages,
  requestTemplates,
} from "@/server/db/schema";
import { seedTemplates } from "@/server/db/seed/requests";
import { actorFor, fixedClock, identityIdByEmail, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { approvedException } from "@/test/support/exceptions";
import { as, financeReportsAsk, submit } from "@/test/support/requests";
import { createDelegation } from "@/server/services/requests/delegations";
import { appRouter, createCaller } from "./root";
import type { TRPCContext } from "./trpc";

/**
 * Every tRPC procedure, the callers that may use it, and an input it accepts. A procedure
 * missing from this table fails the first test: each new procedure states who may call it.
 */
type Role = keyof typeof personaEmails;
type Caller = "signed_out" | Role;
const everyone: Role[] = ["employee", "approver", "it_admin", "auditor"];

interface Fixture {
  sarahId: string;
}

const table: Record<string, { allowed: Caller[]; input?: (f: Fixture) => unknown }> = {
  "me.profile": { allowed: everyone },
  "me.access": { allowed: everyone },
  "me.timeZone": { allowed: everyone },
  "me.setTimeZone": { allowed: everyone, input: () => ({ timeZone: "Europe/Berlin" }) },
  "organization.settings": { allowed: ["it_admin"] },
  "organization.setTimeZone": { allowed: ["it_admin"], input: () => ({ timeZone: "UTC" }) },
  "identities.list": { allowed: ["it_admin"], input: () => ({ search: "chen" }) },
  "identities.facets": { allowed: ["it_admin"] },
  "identities.byId": { allowed: ["it_admin"], input: (f) => ({ id: f.sarahId }) },
  "identities.attributeHistory": { allowed: ["it_admin"], input: (f) => ({ identityId: f.sarahId }) },
  // A source that does not exist: refused by the service, nobody handed over.
  "identities.handOver": {
    allowed: ["it_admin"],
    input: (f) => ({ identityId: f.sarahId, toSource: "no-such-source", reason: "authorization table" }),
  },
  // Sarah's email: taken, refused with CONFLICT, nobody added.
  "identities.addByHand": {
    allowed: ["it_admin"],
    input: () => ({
      email: "sarah.chen@company.com",
      displayName: "Sarah Again",
      attributes: { department: "Sales" },
      reason: "authorization table",
    }),
  },
  "identities.previewImport": {
    allowed: ["it_admin"],
    input: () => ({ csv: "external_id,job_title\nsarah.chen,Senior Sales Engineer\n" }),
  },
  // A fingerprint no preview gave: refused with CONFLICT, nothing applied.
  "identities.applyImport": {
    allowed: ["it_admin"],
    input: () => ({ csv: "external_id,job_title\nsarah.chen,Senior Sales Engineer\n", fingerprint: "0".repeat(64) }),
  },
  "aliases.list": { allowed: ["it_admin"] },
  "aliases.unknownValues": { allowed: ["it_admin"] },
  // An attribute aliases cannot map: refused by the service, nothing created.
  "aliases.create": {
    allowed: ["it_admin"],
    input: () => ({ attribute: "manager", raw: "boss", canonical: "ceo@company.com" }),
  },
  "aliases.preview": {
    allowed: ["it_admin"],
    input: () => ({ attribute: "department", raw: "Sales Dept", canonical: "Sales" }),
  },
  "aliases.remove": { allowed: ["it_admin"], input: () => ({ id: missing }) },
  "auditLog.list": { allowed: ["it_admin", "auditor"], input: () => ({}) },
  "auditLog.verifyChain": { allowed: ["it_admin", "auditor"] },
  // Writes a checkpoint file into this test file's own checkpoint directory (test/support/audit-env.ts); the database is unchanged.
  "auditLog.writeCheckpoint": { allowed: ["it_admin", "auditor"] },
  "policies.list": { allowed: ["it_admin"] },
  "policies.file": { allowed: ["it_admin"], input: () => ({ path: "sales-team-access.yaml" }) },
  "policies.catalog": { allowed: ["it_admin"] },
  "policies.overview": { allowed: ["it_admin"] },
  "policies.vocabulary": { allowed: ["it_admin"] },
  "policies.lint": { allowed: ["it_admin"], input: () => ({ changes: [{ path: "x.yaml", source: "name: x\n" }] }) },
  "policies.preview": { allowed: ["it_admin"], input: () => ({ changes: [{ path: "x.yaml", source: "name: x\n" }] }) },
  // Mutations get inputs that fail inside the service, so the table changes nothing.
  "policies.save": {
    allowed: ["it_admin"],
    input: () => ({ baseVersionId: 1, changes: [{ path: "x.yaml", source: "name: X\n" }], message: "authz" }),
  },
  "policies.versions": { allowed: ["it_admin", "auditor"], input: () => ({}) },
  "policies.version": { allowed: ["it_admin", "auditor"], input: () => ({ versionId: 1 }) },
  "policies.restore": { allowed: ["it_admin"], input: () => ({ versionId: 999 }) },
  "policies.pending": { allowed: ["it_admin"] },
  "policies.decide": { allowed: ["it_admin"], input: () => ({ versionId: 999, decision: "approve" }) },
  "policies.settings": { allowed: ["it_admin"] },
  "policies.updateSettings": { allowed: ["it_admin"], input: () => ({ requireSecondApproval: false }) },
  "policies.export": { allowed: ["it_admin", "auditor"] },
  "policies.import": {
    allowed: ["it_admin"],
    input: () => ({ files: [{ path: "x.yaml", source: "name: X\n" }], message: "authz" }),
  },
  "policies.expectedAccess": { allowed: ["it_admin"], input: (f) => ({ identityId: f.sarahId }) },
  "policies.explain": {
    allowed: ["it_admin"],
    input: (f) => ({ identityId: f.sarahId, resource: "salesforce:license:user" }),
  },
  "policies.whatIf": {
    allowed: ["it_admin"],
    input: (f) => ({ identityId: f.sarahId, attributes: { job_title: "Senior Sales Engineer" } }),
  },
  "migration.systems": { allowed: ["it_admin"] },
  "migration.previewSnapshot": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "slack", csv: "username,resource,level\nsarah.chen,channel:#sales-team,member\n" }),
  },
  // A row without a resource: refused by the service, nothing imported.
  "migration.importSnapshot": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "slack", csv: "username,resource\nsarah.chen,\n" }),
  },
  "migration.patternGroups": { allowed: ["it_admin"], input: () => ({ dimension: "job_title" }) },
  "migration.pattern": { allowed: ["it_admin"], input: () => ({ dimension: "job_title", group: "Sales Engineer" }) },
  "migration.draftPolicy": {
    allowed: ["it_admin"],
    input: () => ({ dimension: "job_title", group: "Sales Engineer" }),
  },
  "migration.coverage": { allowed: ["it_admin"] },
  "migration.unexplained": { allowed: ["it_admin"], input: () => ({ page: 1, pageSize: 25 }) },
  "migration.missing": { allowed: ["it_admin"], input: () => ({ page: 1, pageSize: 25 }) },
  "requests.catalog": { allowed: everyone, input: () => ({}) },
  "requests.form": { allowed: everyone, input: () => ({ templateKey: "finance-reports" }) },
  // A duration the template does not offer: refused by the service, nothing created.
  "requests.submit": {
    allowed: everyone,
    input: () => ({ templateKey: "finance-reports", durationMinutes: 1, justification: "authorization table" }),
  },
  "requests.mine": { allowed: everyone, input: () => ({}) },
  "requests.byId": { allowed: everyone, input: () => ({ requestId: missing }) },
  "requests.decide": { allowed: everyone, input: () => ({ requestId: missing, decision: "approve" }) },
  "requests.decideMany": { allowed: everyone, input: () => ({ requestIds: [missing], decision: "approve" }) },
  "requests.postMessage": { allowed: everyone, input: () => ({ requestId: missing, body: "hello" }) },
  "requests.cancel": { allowed: everyone, input: () => ({ requestId: missing }) },
  "inbox.list": { allowed: everyone, input: () => ({}) },
  "inbox.count": { allowed: everyone },
  "templates.list": { allowed: ["it_admin"] },
  "templates.byKey": { allowed: ["it_admin"], input: () => ({ key: "finance-reports" }) },
  "templates.save": {
    allowed: ["it_admin"],
    input: () => ({ create: false, key: "no-such-template", name: "X", definition: seedTemplates[0]!.definition }),
  },
  "templates.setActive": { allowed: ["it_admin"], input: () => ({ key: "no-such-template", active: false }) },
  "templates.previewNotifications": {
    allowed: ["it_admin"],
    input: () => ({ definition: seedTemplates[0]!.definition }),
  },
  "templates.groups": { allowed: ["it_admin"] },
  "templates.saveGroup": {
    allowed: ["it_admin"],
    input: () => ({ key: "authz-group", name: "X", memberEmails: ["nobody@nowhere.example"] }),
  },
  "delegations.list": { allowed: everyone },
  // Ends before it starts: refused by the service.
  "delegations.create": {
    allowed: everyone,
    input: () => ({
      delegateEmail: "john.doe@company.com",
      startsAt: new Date("2026-02-01"),
      endsAt: new Date("2026-01-01"),
    }),
  },
  "delegations.end": { allowed: everyone, input: () => ({ id: missing }) },
  "exceptions.mine": { allowed: everyone },
  "exceptions.list": { allowed: ["it_admin", "auditor"], input: () => ({ expiringWithinDays: 30 }) },
  "exceptions.byId": { allowed: everyone, input: () => ({ exceptionId: missing }) },
  // No expiry: refused by the service, nothing created.
  "exceptions.propose": {
    allowed: ["it_admin"],
    input: (f) => ({
      identityId: f.sarahId,
      resource: "google:group:finance-reports@company.com",
      type: "project",
      justification: "authorization table",
      approverEmail: "cfo@company.com",
      expiresAt: null,
    }),
  },
  "exceptions.revoke": { allowed: everyone, input: () => ({ exceptionId: missing, reason: "authorization table" }) },
  "exceptions.revokeMany": {
    allowed: ["it_admin"],
    input: () => ({ exceptionIds: [missing], reason: "authorization table" }),
  },
  "exceptions.onMyResources": { allowed: everyone },
  "exceptions.proposeExtension": {
    allowed: ["it_admin"],
    input: () => ({
      exceptionId: missing,
      durationMinutes: 60,
      justification: "authorization table",
      approverEmail: "cfo@company.com",
    }),
  },
  "exceptions.giveBack": { allowed: everyone, input: () => ({ exceptionId: missing }) },
  "exceptions.typeSettings": { allowed: ["it_admin"] },
  // A reminder after the longest duration: refused, nothing saved.
  "exceptions.updateTypeSettings": {
    allowed: ["it_admin"],
    input: () => ({
      type: "training",
      maxDurationMinutes: 60,
      reminderOffsetsMinutes: [120],
      extensible: true,
      escalatedApproverGroup: null,
    }),
  },
  "work.queue": { allowed: ["it_admin"] },
  "setup.checklist": { allowed: ["it_admin"] },
  // Shown, which it already is: nothing changes, nothing is recorded.
  "setup.setDismissed": { allowed: ["it_admin"], input: () => ({ dismissed: false }) },
  "portalRoles.list": { allowed: ["it_admin"] },
  // Sarah as auditor with a reason too short: refused by validation, nothing granted.
  "portalRoles.grant": {
    allowed: ["it_admin"],
    input: () => ({ email: "sarah.chen@company.com", role: "auditor", reason: "x" }),
  },
  // The seeded auditor's role, with a reason too short: refused, nothing revoked.
  "portalRoles.revoke": {
    allowed: ["it_admin"],
    input: () => ({ email: "auditor@company.com", role: "auditor", reason: "x" }),
  },
  "portalRoles.decide": { allowed: ["it_admin"], input: () => ({ proposalId: missing, decision: "approve" }) },
  "systems.list": { allowed: ["it_admin"] },
  "systems.enforcement": { allowed: ["it_admin"] },
  "systems.byKey": { allowed: ["it_admin"], input: () => ({ systemKey: "ldap" }) },
  // A config the ldap adapter refuses: nothing changes.
  "systems.configure": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "ldap", adapterKind: "ldap", adapterConfig: {} }),
  },
  // A system that exists already: refused (CONFLICT) after the settings are checked, nothing added.
  "systems.add": {
    allowed: ["it_admin"],
    input: () => ({
      key: "ldap",
      name: "Directory",
      description: "",
      accessLevels: ["member"],
      adapterKind: "manual",
      adapterConfig: {},
    }),
  },
  // Removing a level while nothing uses it would succeed: a name too long is refused first.
  "systems.edit": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "ldap", name: "x".repeat(101), description: "", accessLevels: ["member"] }),
  },
  "systems.testConnection": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "ldap", adapterKind: "manual", adapterConfig: {} }),
  },
  // Seeded systems have resources: refused, nothing retired.
  "systems.retire": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "ldap", reason: "Moved to the new directory" }),
  },
  "systems.retryOperation": { allowed: ["it_admin"], input: () => ({ operationId: missing }) },
  "systems.completeTask": { allowed: ["it_admin"], input: () => ({ taskId: missing }) },
  "resources.bySystem": { allowed: ["it_admin"], input: () => ({ systemKey: "ldap" }) },
  // A resource already in the catalog: refused (CONFLICT), nothing added.
  "resources.add": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "google", type: "group", name: "finance-reports@company.com" }),
  },
  // A name with a space: refused by validation, nothing changed.
  "resources.edit": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "google", type: "group", name: "finance reports" }),
  },
  "resources.remove": {
    allowed: ["it_admin"],
    input: () => ({ key: "google:group:finance-reports@company.com", reason: "x" }),
  },
  // A preview only (apply: false): nothing is written whoever calls it.
  "resources.importCsv": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "ldap", csv: "type,name\ngroup,new-group", apply: false }),
  },
  // The manual adapter cannot list: refused before any call.
  "resources.discover": { allowed: ["it_admin"], input: () => ({ systemKey: "aws" }) },
  "resources.addDiscovered": { allowed: ["it_admin"], input: () => ({ systemKey: "aws", keys: ["aws:role:x"] }) },
  // An unknown report kind: refused by validation, nothing queued.
  "reports.startExport": { allowed: ["it_admin", "auditor"], input: () => ({ kind: "nothing", format: "csv" }) },
  "reports.exportStatus": { allowed: ["it_admin", "auditor"], input: () => ({ id: missing }) },
  "reports.metrics": { allowed: ["it_admin", "auditor"], input: () => ({ month: "2026-10" }) },
  "reports.evidencePackContents": {
    allowed: ["it_admin", "auditor"],
    input: () => ({ from: "2026-10-01", to: "2026-10-31" }),
  },
  "hr.sources": { allowed: ["it_admin"] },
  // A key with capitals: refused by the service, nothing created.
  "hr.createSource": { allowed: ["it_admin"], input: () => ({ key: "Workday", name: "Workday" }) },
  "hr.previewHandover": {
    allowed: ["it_admin"],
    input: () => ({ toSource: "no-such-source", fromSource: null, department: "Sales" }),
  },
  // A source that does not exist: refused by the service, nobody handed over.
  "hr.rotateToken": { allowed: ["it_admin"], input: () => ({ key: "no-such-source", reason: "authorization table" }) },
  "hr.revokeSource": { allowed: ["it_admin"], input: () => ({ key: "no-such-source", reason: "authorization table" }) },
  "hr.setScimSignInEmail": { allowed: ["it_admin"], input: () => ({ key: "no-such-source", from: "user_name" }) },
  "hr.attributeOwnership": { allowed: ["it_admin"] },
  "hr.directoryPulls": { allowed: ["it_admin"] },
  // Settings naming Clearance's own secret: refused by the service, nothing created.
  "hr.createDirectoryPull": {
    allowed: ["it_admin"],
    input: () => ({
      key: "okta-authz",
      name: "Okta",
      kind: "okta",
      settings: { orgUrl: "http://127.0.0.1:9/", tokenEnv: "AUTH_SECRET" },
      intervalMinutes: 60,
    }),
  },
  "hr.updateDirectoryPull": { allowed: ["it_admin"], input: () => ({ key: "no-such-source", intervalMinutes: 30 }) },
  "hr.testDirectoryPull": { allowed: ["it_admin"], input: () => ({ key: "no-such-source" }) },
  "hr.syncDirectoryNow": { allowed: ["it_admin"], input: () => ({ key: "no-such-source" }) },
  "hr.setAttributeOwnership": {
    allowed: ["it_admin"],
    input: () => ({ writer: { kind: "source", key: "no-such-source" }, attributes: ["groups"] }),
  },
  "hr.handOverPeople": {
    allowed: ["it_admin"],
    input: () => ({
      toSource: "no-such-source",
      fromSource: null,
      department: "Sales",
      reason: "authorization table",
      expectedCount: 1,
    }),
  },
  "drift.overview": { allowed: ["it_admin"] },
  "drift.runs": { allowed: ["it_admin"], input: () => ({}) },
  "drift.findings": { allowed: ["it_admin"], input: () => ({}) },
  // An unknown system: refused, no run recorded.
  "drift.check": { allowed: ["it_admin"], input: () => ({ systemKey: "nothing" }) },
  "drift.resolve": {
    allowed: ["it_admin"],
    input: () => ({ findingId: missing, action: "dismiss", note: "authorization table" }),
  },
  // An unknown system: refused, nothing changes.
  "drift.settings": {
    allowed: ["it_admin"],
    input: () => ({ systemKey: "nothing", reviewPlans: false, graceDays: null, driftAutoRemediate: false }),
  },
  "drift.resourceGrace": { allowed: ["it_admin"], input: () => ({ systemKey: "slack" }) },
  // An unknown resource: refused, nothing changes.
  "drift.setResourceGrace": {
    allowed: ["it_admin"],
    input: () => ({ resourceKey: "slack:channel:#nothing", graceDays: 0 }),
  },
  "lifecycle.plansOf": { allowed: ["it_admin"], input: () => ({ identityId: missing }) },
  "lifecycle.awaitingReview": { allowed: ["it_admin"] },
  "lifecycle.review": { allowed: ["it_admin"], input: () => ({ planId: missing, decision: "approve" }) },
  "reports.facets": { allowed: ["it_admin", "auditor"] },
  "reports.preview": {
    allowed: ["it_admin", "auditor"],
    input: () => ({ kind: "exceptions", filters: { department: "Sales" } }),
  },
  "fallbacks.list": { allowed: ["it_admin"] },
  "fallbacks.lint": { allowed: ["it_admin"], input: () => ({ source: "name: x\n" }) },
  "fallbacks.resources": { allowed: everyone },
  // YAML the parser refuses: nothing saved.
  "fallbacks.save": { allowed: ["it_admin"], input: () => ({ source: "name: Not Kebab\n" }) },
  "fallbacks.remove": { allowed: ["it_admin"], input: () => ({ name: "no-such-fallback" }) },
  // A resource that does not exist: refused, nothing granted.
  "fallbacks.ask": { allowed: everyone, input: () => ({ resource: "nowhere:group:nothing" }) },
  "notifications.list": { allowed: everyone, input: () => ({}) },
  "notifications.unreadCount": { allowed: everyone },
  "notifications.markRead": { allowed: everyone, input: () => ({ id: 999_999 }) },
  "notifications.outbox": { allowed: ["it_admin"], input: () => ({}) },
  // Public while development sign-in is on (this file turns it on); see the last test for off.
  "signIn.devCandidates": { allowed: ["signed_out", ...everyone], input: () => ({}) },
  "signIn.setup": { allowed: ["signed_out", ...everyone] },
};

const missing = "00000000-0000-4000-8000-000000000000";
const callers: Caller[] = ["signed_out", ...everyone];

type AnyProcedure = (input?: unknown) => Promise<unknown>;
function procedureAt(caller: ReturnType<typeof createCaller>, path: string): AnyProcedure {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as AnyProcedure;
}

describe("authorization of every tRPC procedure", () => {
  let t: TestDatabase;
  let fixture: Fixture;
  const contexts = {} as Record<Caller, TRPCContext>;

  beforeAll(async () => {
    process.env.CLEARANCE_DEV_LOGIN = "1";
    t = await createTestDatabase();
    fixture = { sarahId: await identityIdByEmail(t.db, personaEmails.employee) };
    const base = { db: t.db, clock: fixedClock(), request: { ip: null, userAgent: null } };
    contexts.signed_out = { ...base, actor: null };
    for (const role of everyone) contexts[role] = { ...base, actor: await actorFor(t.db, personaEmails[role]) };
  });
  afterAll(async () => {
    delete process.env.CLEARANCE_DEV_LOGIN;
    await t.close();
  });

  it("has a row for every procedure in the router, and no row for one that does not exist", () => {
    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(procedures).toEqual(Object.keys(table).sort());
  });

  const cases = Object.entries(table).flatMap(([path, row]) => callers.map((caller) => [path, caller, row] as const));
  it.each(cases)("%s as %s", async (path, caller, row) => {
    const call = procedureAt(createCaller(contexts[caller]), path);
    const outcome = await call(row.input?.(fixture)).then(
      () => "allowed",
      (err: unknown) => (err instanceof TRPCError ? err.code : `unexpected ${String(err)}`),
    );
    if (row.allowed.includes(caller)) {
      // Past the role check: it answered, or refused the input (which is the service's business).
      expect(outcome).toMatch(/^(allowed|BAD_REQUEST|NOT_FOUND|CONFLICT)$/);
    } else {
      expect(outcome).toBe(caller === "signed_out" ? "UNAUTHORIZED" : "FORBIDDEN");
    }
  });

  it("changed no request, template or delegation along the way", async () => {
    expect(await t.db.select().from(accessRequests)).toHaveLength(0);
    expect(await t.db.select().from(delegations)).toHaveLength(0);
    expect((await t.db.select().from(requestTemplates)).map((r) => r.updatedBy)).toEqual(
      seedTemplates.map(() => "system:seed"),
    );
  });

  it("records a refused call in the audit trail, once a minute per person and procedure", async () => {
    const again = createCaller(contexts.employee);
    await expect(again.identities.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(again.identities.list({})).rejects.toMatchObject({ code: "FORBIDDEN" });
    const refused = await t.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "access.refused"),
          eq(auditEvents.subjectId, "identities.list"),
          eq(auditEvents.actorLabel, personaEmails.employee),
        ),
      );
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBe("needs one of: it_admin");
  });

  it("hides the development sign-in list when CLEARANCE_DEV_LOGIN is not 1", async () => {
    process.env.CLEARANCE_DEV_LOGIN = "0";
    try {
      await expect(createCaller(contexts.signed_out).signIn.devCandidates({})).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
    } finally {
      process.env.CLEARANCE_DEV_LOGIN = "1";
    }
  });
});

/**
 * IDOR (issue 12): every procedure that takes the id of an object someone owns, called with a
 * real id of someone else's object, is refused (FORBIDDEN or NOT_FOUND) and changes nothing.
 * Made-up ids prove little: these are the ids of Jane's request and exception, John's
 * delegation, the CFO's notification and the auditor's export.
 */
interface Others {
  janesRequest: string;
  janesException: string;
  johnsDelegation: string;
  cfosNotification: number;
  auditorsExport: string;
}

const idor: Record<string, { as: Role; input: (o: Others) => unknown; refused: "FORBIDDEN" | "NOT_FOUND" }> = {
  "requests.byId": { as: "employee", input: (o) => ({ requestId: o.janesRequest }), refused: "FORBIDDEN" },
  "requests.decide": {
    as: "employee",
    input: (o) => ({ requestId: o.janesRequest, decision: "approve" }),
    refused: "FORBIDDEN",
  },
  "requests.decideMany": {
    as: "employee",
    input: (o) => ({ requestIds: [o.janesRequest], decision: "approve" }),
    refused: "FORBIDDEN",
  },
  "requests.postMessage": {
    as: "employee",
    input: (o) => ({ requestId: o.janesRequest, body: "let me in" }),
    refused: "FORBIDDEN",
  },
  "requests.cancel": { as: "employee", input: (o) => ({ requestId: o.janesRequest }), refused: "FORBIDDEN" },
  "delegations.end": { as: "employee", input: (o) => ({ id: o.johnsDelegation }), refused: "NOT_FOUND" },
  "exceptions.byId": { as: "employee", input: (o) => ({ exceptionId: o.janesException }), refused: "FORBIDDEN" },
  "exceptions.revoke": {
    as: "employee",
    input: (o) => ({ exceptionId: o.janesException, reason: "not mine" }),
    refused: "FORBIDDEN",
  },
  "exceptions.giveBack": { as: "employee", input: (o) => ({ exceptionId: o.janesException }), refused: "FORBIDDEN" },
  "notifications.markRead": { as: "employee", input: (o) => ({ id: o.cfosNotification }), refused: "NOT_FOUND" },
  // IT admins may read reports, but another person's background export is not theirs to see.
  "reports.exportStatus": { as: "it_admin", input: (o) => ({ id: o.auditorsExport }), refused: "NOT_FOUND" },
};
// Ids of objects every caller of the procedure may see (policy versions belong to nobody).
const sharedObjects = ["policies.version"];

describe("IDOR: other people's objects by their real ids", () => {
  let t: TestDatabase;
  let others: Others;
  const asRole = async (role: Role) =>
    createCaller({
      db: t.db,
      clock: fixedClock(),
      request: { ip: null, userAgent: null },
      actor: await actorFor(t.db, personaEmails[role]),
    });
  /** What the calls could have changed, read back after all of them. */
  const state = async () => ({
    request: (
      await t.db
        .select({ status: accessRequests.status })
        .from(accessRequests)
        .where(eq(accessRequests.id, others.janesRequest))
    )[0],
    messages: (
      await t.db
        .select({ id: requestMessages.id })
        .from(requestMessages)
        .where(eq(requestMessages.requestId, others.janesRequest))
    ).length,
    exception: (
      await t.db
        .select({ endedAt: accessExceptions.endedAt })
        .from(accessExceptions)
        .where(eq(accessExceptions.id, others.janesException))
    )[0],
    delegation: (
      await t.db
        .select({ endedAt: delegations.endedAt })
        .from(delegations)
        .where(eq(delegations.id, others.johnsDelegation))
    )[0],
    notification: (
      await t.db
        .select({ readAt: notifications.readAt })
        .from(notifications)
        .where(eq(notifications.id, others.cfosNotification))
    )[0],
  });
  let before: Awaited<ReturnType<typeof state>>;

  beforeAll(async () => {
    t = await createTestDatabase();
    const clock = fixedClock();
    const jane = await as(t.db, "jane.smith@company.com", clock);
    const request = await submit(jane, financeReportsAsk);
    const exception = await approvedException(
      t.db,
      {
        identityId: jane.actor.identityId,
        resource: "gitlab:group:finance",
        type: "training",
        justification: "Finance tooling training",
        approverEmail: "cfo@company.com",
        expiresAt: new Date(clock().getTime() + 7 * 86_400_000),
      },
      { clock },
    );
    const john = await as(t.db, "john.doe@company.com", clock);
    const delegation = await createDelegation({
      ctx: john,
      input: {
        delegateEmail: "alice@company.com",
        startsAt: new Date("2026-12-01T00:00:00Z"),
        endsAt: new Date("2026-12-10T00:00:00Z"),
        reason: "Vacation",
      },
    });
    const [notification] = await t.db
      .select({ id: notifications.id })
      .from(notifications)
      .where(eq(notifications.recipientId, await identityIdByEmail(t.db, "cfo@company.com")))
      .limit(1);
    const exported = await (await asRole("auditor")).reports.startExport({ kind: "audit-events", format: "csv" });
    others = {
      janesRequest: request.id,
      janesException: exception.id,
      johnsDelegation: delegation.id,
      cfosNotification: notification!.id,
      auditorsExport: exported.id,
    };
    before = await state();
  });
  afterAll(() => t.close());

  it("lists every procedure a person without IT's role may call with the id of an object someone owns", () => {
    const takesAnId = (input: unknown) => Object.keys((input ?? {}) as object).some((k) => /^id$|Ids?$/.test(k));
    const needed = Object.entries(table)
      .filter(
        ([path, row]) =>
          row.allowed.some((c) => c !== "it_admin" && c !== "signed_out") &&
          takesAnId(row.input?.({ sarahId: missing })) &&
          !sharedObjects.includes(path),
      )
      .map(([path]) => path)
      .sort();
    expect(Object.keys(idor).sort()).toEqual(needed);
  });

  it.each(Object.entries(idor))("%s is refused", async (path, row) => {
    const call = procedureAt(await asRole(row.as), path);
    const outcome = await call(row.input(others)).then(
      (result) =>
        Array.isArray(result)
          ? (result as { ok: boolean; code?: string }[]).map((r) => (r.ok ? "allowed" : r.code)).join()
          : "allowed",
      (err: unknown) => (err instanceof TRPCError ? err.code : `unexpected ${String(err)}`),
    );
    expect(outcome).toBe(row.refused);
  });

  it("changed nothing of theirs", async () => {
    expect(await state()).toEqual(before);
    expect(before).toMatchObject({
      request: { status: "pending" },
      exception: { endedAt: null },
      delegation: { endedAt: null },
      notification: { readAt: null },
    });
  });
});
