import { describe, expect, it } from "vitest";
import { defaultScales, type PolicyConfig, type PolicyIdentity } from "../policy/types";
import { analyticsReplica, fallback, productionNamespace, selfService } from "./fixtures";
import { isBusinessHours, resolveFallback, targetCovers } from "./resolve";
import type { FallbackPolicy } from "./types";

const systemLevels = {
  aws: ["read", "write", "admin"],
  postgres: ["read", "write"],
  gitlab: ["guest", "reporter", "developer"],
};
const config: PolicyConfig = {
  scales: { ...defaultScales },
  aliases: [{ attribute: "department", raw: "Eng", canonical: "Engineering" }],
  systemLevels,
};
const noAliases: PolicyConfig = { scales: { ...defaultScales }, aliases: [], systemLevels };
const person = (attributes: PolicyIdentity["attributes"] = {}): PolicyIdentity => ({
  id: "dana",
  attributes: { employment_status: "Active", ...attributes },
});
/** a Wednesday, 11:00 in Berlin */
const now = new Date("2026-11-18T10:00:00Z");

const resolve = (fallbacks: FallbackPolicy[], resource: string, identity = person(), at = now, cfg = config) =>
  resolveFallback({ fallbacks, resource, identity, config: cfg, now: at });
const outcomes = (d: ReturnType<typeof resolveFallback>) => d.considered.map((c) => [c.name, c.outcome, c.reason]);

const globalAllow = fallback(
  "name: global-allow\nscope: global\npriority: 1000\naction: allow\nconstraints:\n  duration: { max: 1h }\n",
);
const awsDeny = fallback(
  "name: aws-deny\nscope: namespace\nnamespace: aws\npriority: 500\naction: deny\nmessage: AWS needs a policy.\n",
);
const adminRequest = fallback(
  "name: admin-request\n" +
    "scope: resource\n" +
    "resource: aws:role:admin\n" +
    "action: prompt-for-request\n" +
    "request:\n" +
    "  durations: [1h, 4h]\n" +
    "  approvers: [{ kind: manager }, { kind: group, group: security }]\n",
);

describe("which fallback decides", () => {
  it("resource beats namespace beats global, even when the global has the highest priority", () => {
    const all = [globalAllow, awsDeny, adminRequest];

    const admin = resolve(all, "aws:role:admin");
    expect(admin).toMatchObject({ action: "prompt-for-request", fallback: { name: "admin-request" } });
    expect(outcomes(admin)).toEqual([
      ["admin-request", "applied", null],
      ["aws-deny", "outranked", null],
      ["global-allow", "outranked", null],
    ]);
    expect(admin.considered.map((c) => c.why)).toEqual([
      "it applies: the person may ask, and approvers decide",
      "it applies too, but admin-request comes first (a resource fallback comes before a namespace one)",
      "it applies too, but admin-request comes first (a resource fallback comes before a global one)",
    ]);

    const readonly = resolve(all, "aws:role:readonly");
    expect(readonly).toMatchObject({
      action: "deny",
      reason: "fallback",
      fallback: { name: "aws-deny" },
      message: "AWS needs a policy.",
    });
    expect(readonly.considered[0]).toMatchObject({
      name: "admin-request",
      outcome: "skipped",
      reason: "target",
      why: "it is for aws:role:admin, not aws:role:readonly",
    });

    const slack = resolve(all, "slack:channel:incidents");
    expect(slack).toMatchObject({
      action: "allow",
      fallback: { name: "global-allow" },
      durationDefaultMinutes: 60,
      durationMaxMinutes: 60,
      level: null,
      tags: [],
    });
    expect(slack.considered[1]).toMatchObject({
      name: "aws-deny",
      outcome: "skipped",
      reason: "target",
      why: "it is for resources under aws; slack:channel:incidents is not one",
    });
  });

  it("within one scope, the higher priority first, then the name", () => {
    const low = fallback(
      "name: aws-low\nscope: namespace\nnamespace: aws:role\npriority: 10\naction: deny\nmessage: low\n",
    );
    const high = fallback(
      "name: aws-high\nscope: namespace\nnamespace: aws\npriority: 50\naction: deny\nmessage: high\n",
    );
    expect(resolve([low, high], "aws:role:x")).toMatchObject({ fallback: { name: "aws-high" }, message: "high" });
    expect(resolve([low, high], "aws:role:x").considered[1]!.why).toBe(
      "it applies too, but aws-high comes first (priority 50 is above 10)",
    );

    const b = fallback("name: b-same\nscope: global\npriority: 5\naction: deny\nmessage: b\n");
    const a = fallback("name: a-same\nscope: global\npriority: 5\naction: deny\nmessage: a\n");
    const tie = resolve([b, a], "aws:role:x");
    expect(tie).toMatchObject({ fallback: { name: "a-same" }, message: "a" });
    expect(tie.considered[1]!.why).toBe(
      "it applies too, but a-same comes first (same scope and priority 5: the name sorts first)",
    );
  });

  it("a namespace covers whole segments: aws:role covers aws:role:x, not aws:roles:x or awsx:role:x", () => {
    const roles = fallback("name: role-ns\nscope: namespace\nnamespace: aws:role\naction: deny\nmessage: roles\n");
    const aws = fallback("name: aws-ns\nscope: namespace\nnamespace: aws\naction: deny\nmessage: aws\n");
    expect(["aws:role:x", "aws:roles:x", "awsx:role:x", "aws:role"].map((r) => targetCovers(roles, r))).toEqual([
      true,
      false,
      false,
      false,
    ]);
    expect(["aws:role:x", "aws:roles:x", "awsx:role:x"].map((r) => targetCovers(aws, r))).toEqual([true, true, false]);
    expect(resolve([roles], "aws:role:x")).toMatchObject({ action: "deny", reason: "fallback", message: "roles" });
    expect(resolve([roles], "aws:roles:x")).toMatchObject({ action: "deny", reason: "default", fallback: null });
    expect(resolve([roles], "awsx:role:x")).toMatchObject({ action: "deny", reason: "default", fallback: null });
  });

  it("a resource fallback covers exactly its resource", () => {
    const f = fallback(
      productionNamespace
        .replace("scope: namespace", "scope: resource")
        .replace("namespace: aws", "resource: aws:role:admin"),
    );
    expect(["aws:role:admin", "aws:role:admin2", "aws:role"].map((r) => targetCovers(f, r))).toEqual([
      true,
      false,
      false,
    ]);
  });
});

describe("subjects", () => {
  const engineers = fallback(
    "name: eng-allow\nscope: global\nsubjects:\n  - department: { in: [Engineering] }\naction: allow\nconstraints:\n  duration: { max: 2h }\n",
    "eng.yaml",
  );

  it("hold after aliases, as the policy engine has them ('Eng' is Engineering)", () => {
    expect(resolve([engineers], "aws:role:x", person({ department: "Eng" }))).toMatchObject({
      action: "allow",
      fallback: { name: "eng-allow" },
      durationMaxMinutes: 120,
    });
    expect(resolve([engineers], "aws:role:x", person({ department: " engineering " }))).toMatchObject({
      action: "allow",
    });
  });

  it("without the alias, they do not hold, and the fallback says which condition failed and the person's value", () => {
    const d = resolve([engineers], "aws:role:x", person({ department: "Eng" }), now, noAliases);
    expect(d).toMatchObject({ action: "deny", reason: "default", fallback: null });
    expect(d.considered).toEqual([
      {
        name: "eng-allow",
        scope: "global",
        target: null,
        priority: 0,
        action: "allow",
        outcome: "skipped",
        reason: "subjects",
        why: "subjects do not hold: department in [Engineering] (theirs: Eng)",
        failed: {
          requirement: "department in [Engineering]",
          attribute: "department",
          actual: "Eng",
          file: "eng.yaml",
          line: 4,
          field: "subjects[0].department.in",
        },
      },
    ]);
  });

  it("a missing value does not hold, and an any-group lists every alternative's value", () => {
    expect(resolve([engineers], "aws:role:x", person()).considered[0]!.why).toBe(
      "subjects do not hold: department in [Engineering] (theirs: none)",
    );
    const seniorOrDba = fallback(
      "name: dba\nscope: global\nsubjects:\n  - any:\n      - job_title: { contains: DBA }\n      - job_level: { min: L5 }\naction: deny\nmessage: no\n",
    );
    const d = resolve([seniorOrDba], "postgres:role:x", person({ job_title: "Software Engineer", job_level: "L4" }));
    expect(d.considered[0]!.why).toBe(
      "subjects do not hold: any of: job_title contains DBA; job_level min L5 (theirs: job_title Software Engineer, job_level L4)",
    );
    expect(
      resolve([seniorOrDba], "postgres:role:x", person({ job_title: "Senior DBA", job_level: "L4" })),
    ).toMatchObject({ reason: "fallback", message: "no" });
  });

  it("a fallback whose subjects fail lets the next one decide", () => {
    const d = resolve([engineers, fallback(productionNamespace)], "aws:role:x", person({ department: "Sales" }));
    expect(d).toMatchObject({ action: "deny", reason: "fallback", fallback: { name: "production-aws-fallback" } });
    expect(outcomes(d)).toEqual([
      ["production-aws-fallback", "applied", null],
      ["eng-allow", "skipped", "subjects"],
    ]);
  });
});

describe("deny", () => {
  it("by default, naming the resource, when no fallback applies (invariant 1)", () => {
    expect(resolve([], "google:group:finance-reports@company.com")).toEqual({
      action: "deny",
      fallback: null,
      reason: "default",
      message: "No policy or fallback gives you google:group:finance-reports@company.com: access is denied by default.",
      considered: [],
    });
  });

  it("to anyone who is not Active, whatever an allow or prompt fallback says (invariant 3)", () => {
    const all = [globalAllow, fallback(selfService), awsDeny];
    const d = resolve(all, "slack:channel:x", person({ employment_status: "Terminated" }));
    expect(d).toMatchObject({
      action: "deny",
      fallback: null,
      reason: "inactive",
      message:
        "Your employment status is Terminated, not Active: access to slack:channel:x is denied, whatever a policy or fallback says.",
    });
    expect(outcomes(d)).toEqual([
      ["aws-deny", "skipped", "target"],
      ["global-allow", "skipped", "inactive"],
      ["self-service-request-fallback", "skipped", "inactive"],
    ]);
    expect(d.considered[1]!.why).toBe("dana is not Active (employment_status: Terminated): only deny applies");
    expect(resolve(all, "slack:channel:x", { id: "x", attributes: {} })).toMatchObject({
      action: "deny",
      reason: "inactive",
    });
    expect(resolve(all, "slack:channel:x", person({ employment_status: " active " }))).toMatchObject({
      action: "allow",
    });
  });

  it("with the fallback's own message", () => {
    expect(resolve([fallback(productionNamespace)], "aws:account:prod")).toMatchObject({
      action: "deny",
      reason: "fallback",
      message: "Production access requires explicit policy. Submit a request at https://access.company.com",
    });
  });
});

describe("prompt-for-request", () => {
  it("offers the fallback's request form", () => {
    const d = resolve([fallback(selfService)], "okta:app:jira");
    expect(d.action).toBe("prompt-for-request");
    expect(
      d.action === "prompt-for-request" && [
        d.request.durations,
        d.request.threshold,
        d.request.approvers.length,
        d.message,
      ],
    ).toEqual([[60, 240, 480, 1440], 2, 4, "Ask for it; your manager and the resource owner decide."]);
  });
});

describe("allow", () => {
  const analyst = person({ team: "data-analysts" });
  const replica = fallback(analyticsReplica);
  const at = (iso: string) => resolve([replica], "postgres:role:analytics_ro", analyst, new Date(iso));
  const outside = {
    action: "deny",
    reason: "outside_timeframe",
    message: "analytics-replica-fallback allows this only in business hours (Mon–Fri 09:00–18:00 Europe/Berlin)",
  };

  it("gives the durations, level and tags inside business hours", () => {
    const d = at("2026-11-20T16:59:00Z"); // Friday 17:59 in Berlin
    expect(d).toMatchObject({
      action: "allow",
      durationDefaultMinutes: 120,
      durationMaxMinutes: 240,
      level: "read",
      tags: ["analytics-fallback"],
      message: null,
    });
    expect(d.considered[0]!.why).toBe("it applies: allow (read) for up to 4 hours, in business hours");
  });

  it("denies at 18:00 on Friday, on Saturday and before 09:00 on Monday, in the fallback's time zone", () => {
    expect(at("2026-11-20T17:00:00Z")).toMatchObject({ ...outside, fallback: { name: "analytics-replica-fallback" } }); // Friday 18:00 Berlin
    expect(at("2026-11-21T11:00:00Z")).toMatchObject(outside); // Saturday 12:00 Berlin
    expect(at("2026-11-23T07:59:00Z")).toMatchObject(outside); // Monday 08:59 Berlin
    expect(at("2026-11-23T08:00:00Z")).toMatchObject({ action: "allow" }); // Monday 09:00 Berlin
    expect(at("2026-07-17T15:59:00Z")).toMatchObject({ action: "allow" }); // Friday 17:59 CEST
    expect(at("2026-07-17T16:00:00Z")).toMatchObject(outside); // Friday 18:00 CEST
    expect(at("2026-11-20T17:00:00Z").considered[0]!.why).toBe(`it applies, but ${outside.message}`);
  });

  it("business hours are those of the named time zone, not UTC", () => {
    expect(isBusinessHours(new Date("2026-11-20T17:30:00Z"), "UTC")).toBe(true);
    expect(isBusinessHours(new Date("2026-11-20T17:30:00Z"), "Europe/Berlin")).toBe(false);
    expect(isBusinessHours(new Date("2026-11-23T00:30:00Z"), "Asia/Tokyo")).toBe(true); // Monday 09:30 in Tokyo, Monday 00:30 UTC
    expect(isBusinessHours(new Date("2026-11-23T00:30:00Z"), "UTC")).toBe(false);
    expect(isBusinessHours(new Date("2026-11-20T23:30:00Z"), "Asia/Tokyo")).toBe(false); // Saturday 08:30 in Tokyo
  });

  it("is always on when the timeframe is always", () => {
    expect(resolve([globalAllow], "aws:role:x", person(), new Date("2026-11-22T03:00:00Z"))).toMatchObject({
      action: "allow",
      fallback: { name: "global-allow" },
    });
  });

  it("is skipped for a system that does not have its level", () => {
    const readOnly = fallback(
      "name: read-only\nscope: global\naction: allow\nconstraints:\n  duration: { max: 1h }\n  level: read\n",
    );
    expect(resolve([readOnly], "aws:role:x")).toMatchObject({ action: "allow", level: "read" });
    expect(resolve([readOnly], "slack:channel:x")).toMatchObject({ action: "allow", level: "read" }); // levels unknown: not checked
    const gitlab = resolve([readOnly], "gitlab:group:x");
    expect(gitlab).toMatchObject({ action: "deny", reason: "default" });
    expect(gitlab.considered[0]).toMatchObject({
      reason: "level",
      why: "it gives level read, which gitlab does not have (levels: guest < reporter < developer)",
    });
  });
});
