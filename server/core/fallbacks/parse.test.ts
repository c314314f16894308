import { describe, expect, it } from "vitest";
import { parsePolicyFile } from "../policy/parse";
import { parseDuration, shortDuration } from "./duration";
import { analyticsReplica, fallback, globalDeny, productionNamespace, selfService } from "./fixtures";
import { parseFallbackFile } from "./parse";
import { serializeFallback } from "./serialize";

/** A value without its source references (lines move when a file is written again). */
const withoutRefs = (v: unknown) =>
  JSON.parse(JSON.stringify(v, (k, x) => (k === "at" || k === "targetAt" || k === "levelAt" ? undefined : x)));

describe("parsing fallbacks", () => {
  it("reads an allow fallback for one resource, with subjects and constraints", () => {
    const { fallback: f, problems } = parseFallbackFile("analytics.yaml", analyticsReplica);
    expect(problems).toEqual([]);
    expect(withoutRefs(f)).toEqual({
      name: "analytics-replica-fallback",
      description: "Anyone in the analytics teams gets read access to the analytics replica",
      scope: "resource",
      target: "postgres:role:analytics_ro",
      priority: 100,
      subjects: [
        {
          kind: "compare",
          attribute: "team",
          op: "in",
          value: ["data-analysts", "data-scientists", "business-intelligence"],
        },
      ],
      action: "allow",
      message: null,
      constraints: {
        durationMaxMinutes: 240,
        durationDefaultMinutes: 120,
        timeframe: "business-hours",
        timezone: "Europe/Berlin",
        level: "read",
      },
      tags: ["analytics-fallback"],
      file: "analytics.yaml",
    });
    expect(f!.targetAt).toEqual({ file: "analytics.yaml", line: 4, field: "resource" });
    expect(f!.subjects[0]!.at).toEqual({ file: "analytics.yaml", line: 7, field: "subjects[0].team.in" });
    expect(f!.action === "allow" && f!.constraints.levelAt).toEqual({
      file: "analytics.yaml",
      line: 13,
      field: "constraints.level",
    });
  });

  it("reads a prompt-for-request fallback in the request templates' shapes, with their defaults", () => {
    const f = fallback(selfService);
    expect(f.action).toBe("prompt-for-request");
    expect(f.action === "prompt-for-request" && f.request).toEqual({
      durations: [60, 240, 480, 1440],
      fields: [
        { key: "purpose", label: "Business justification", type: "text", required: true, options: [], maxLength: 500 },
        {
          key: "ticket",
          label: "Related Jira ticket",
          type: "dropdown",
          required: false,
          options: ["INC", "CHG"],
          maxLength: 40,
        },
      ],
      approvers: [
        { kind: "manager" },
        { kind: "resource_owner" },
        { kind: "group", group: "security" },
        { kind: "person", email: "ciso@company.com" },
      ],
      threshold: 2,
      justificationMinLength: 50,
    });
    expect([f.scope, f.target, f.priority, f.tags]).toEqual([
      "global",
      null,
      10,
      ["fallback-access", "needs-policy-review"],
    ]);
  });

  it("defaults: priority 0, no subjects, timeframe always in UTC, default duration = max, threshold 1, justification 20", () => {
    const allow = fallback("name: a\nscope: global\naction: allow\nconstraints:\n  duration: { max: 8h }\n");
    expect(withoutRefs(allow)).toMatchObject({
      priority: 0,
      subjects: [],
      constraints: {
        durationMaxMinutes: 480,
        durationDefaultMinutes: 480,
        timeframe: "always",
        timezone: "UTC",
        level: null,
      },
    });
    const prompt = fallback(
      "name: b\nscope: global\naction: prompt-for-request\nrequest:\n  durations: [30m]\n  approvers: [{ kind: manager }]\n",
    );
    expect(prompt.action === "prompt-for-request" && prompt.request).toEqual({
      durations: [30],
      fields: [],
      approvers: [{ kind: "manager" }],
      threshold: 1,
      justificationMinLength: 20,
    });
  });

  it("keeps a multi-line deny message as written", () => {
    expect(fallback(globalDeny).message).toBe(
      "Access denied: no policy matches your request.\nTo request access, visit https://access.company.com\n",
    );
  });

  it("reads subjects exactly as the policy parser reads `when`", () => {
    const conditions = `  - department: { in: [Engineering, Platform] }
  - job_level: { min: L4 }
  - employment_type: FTE
  - any:
      - job_title: { contains: DBA }
      - trainings: { includes: [prod-db-access] }
`;
    const f = fallback(`name: x\nscope: global\nsubjects:\n${conditions}action: deny\nmessage: no\n`);
    const { policies } = parsePolicyFile("p.yaml", `name: x\nwhen:\n${conditions}`);
    expect(f.subjects.length).toBe(4);
    expect(withoutRefs(f.subjects)).toEqual(withoutRefs(policies[0]!.when));
    expect(f.subjects.map((c) => c.at.line)).toEqual(policies[0]!.when.map((c) => c.at.line + 1));
  });

  it.each([
    [
      "name: Prod Fallback\nscope: global\naction: deny\nmessage: no\n",
      1,
      "name",
      'name "Prod Fallback" must be kebab-case',
    ],
    ["scope: global\naction: deny\nmessage: no\n", 1, "name", "name is required"],
    [
      "name: a\nscope: global\naction: deny\nmessage: no\naudit:\n  level: verbose\n",
      5,
      "audit",
      'unknown field "audit"',
    ],
    [
      "name: a\nscope: everywhere\naction: deny\nmessage: no\n",
      2,
      "scope",
      'scope must be resource, namespace, global, not "everywhere"',
    ],
    ["name: a\naction: deny\nmessage: no\n", 1, "scope", "scope is required"],
    ["name: a\nscope: global\naction: deny\n", 1, "message", "a deny fallback needs a message"],
    [
      "name: a\nscope: global\naction: grant\n",
      3,
      "action",
      'action must be allow, deny, prompt-for-request, not "grant"',
    ],
    [
      "name: a\nscope: resource\naction: deny\nmessage: no\n",
      1,
      "resource",
      "scope resource needs resource: system:type:name",
    ],
    [
      "name: a\nscope: resource\nresource: analytics-replica\naction: deny\nmessage: no\n",
      3,
      "resource",
      'resources are written system:type:name, not "analytics-replica"',
    ],
    ["name: a\nscope: namespace\naction: deny\nmessage: no\n", 1, "namespace", "scope namespace needs namespace:"],
    [
      "name: a\nscope: namespace\nnamespace: aws:role:admin\naction: deny\nmessage: no\n",
      3,
      "namespace",
      'a namespace is a system (aws) or system:type (aws:role), not "aws:role:admin"',
    ],
    [
      "name: a\nscope: global\nnamespace: aws\naction: deny\nmessage: no\n",
      3,
      "namespace",
      "a global fallback applies to every resource: remove namespace:",
    ],
    [
      "name: a\nscope: global\npriority: high\naction: deny\nmessage: no\n",
      3,
      "priority",
      "priority must be a whole number",
    ],
    [
      "name: a\nscope: global\nsubjects:\n  - department: { is: Sales }\naction: deny\nmessage: no\n",
      4,
      "subjects[0].department.is",
      'unknown operator "is"',
    ],
    [
      "name: a\nscope: global\nsubjects: { department: Sales }\naction: deny\nmessage: no\n",
      3,
      "subjects",
      "subjects is a list of conditions",
    ],
    [
      "name: a\nscope: global\naction: allow\n",
      1,
      "constraints",
      "an allow fallback needs constraints with a duration",
    ],
    [
      "name: a\nscope: global\naction: deny\nmessage: no\nconstraints:\n  duration: { max: 1h }\n",
      5,
      "constraints",
      "constraints are for action allow, not deny",
    ],
    [
      "name: a\nscope: global\naction: allow\nconstraints:\n  timeframe: always\n",
      4,
      "constraints.duration",
      "constraints need a duration",
    ],
    [
      "name: a\nscope: global\naction: allow\nconstraints:\n  duration: { max: 4 hours }\n",
      5,
      "constraints.duration.max",
      'max must be a duration such as 30m, 4h, 2d or 1w, not "4 hours"',
    ],
    [
      "name: a\nscope: global\naction: allow\nconstraints:\n  duration: { default: 1h }\n",
      5,
      "constraints.duration.max",
      "duration needs a max",
    ],
    [
      "name: a\nscope: global\naction: allow\nconstraints:\n  duration:\n    max: 1h\n    default: 2h\n",
      7,
      "constraints.duration.default",
      "default (2 hours) is longer than max (1 hour)",
    ],
    [
      'name: a\nscope: global\naction: allow\nconstraints:\n  duration: { max: 1h }\n  timeframe: "*"\n',
      6,
      "constraints.timeframe",
      'timeframe must be business-hours or always, not "*"',
    ],
    [
      "name: a\nscope: global\naction: allow\nconstraints:\n  duration: { max: 1h }\n  timezone: Mars/Olympus\n",
      6,
      "constraints.timezone",
      'timezone must be an IANA time zone such as Europe/Berlin, not "Mars/Olympus"',
    ],
    [
      "name: a\nscope: global\naction: allow\nconstraints:\n  duration: { max: 1h }\n  channels: [sql]\n",
      6,
      "constraints.channels",
      'unknown field "channels"',
    ],
    [
      "name: a\nscope: global\naction: prompt-for-request\n",
      1,
      "request",
      "a prompt-for-request fallback needs request:",
    ],
    [
      "name: a\nscope: global\naction: allow\nconstraints:\n  duration: { max: 1h }\nrequest:\n  durations: [1h]\n",
      6,
      "request",
      "request is for action prompt-for-request, not allow",
    ],
    [
      "name: a\nscope: global\naction: prompt-for-request\nrequest:\n  durations: [1h, soon]\n  approvers: [{ kind: manager }]\n",
      5,
      "request.durations[1]",
      'durations are written like 30m, 4h, 2d or 1w, not "soon"',
    ],
    [
      "name: a\nscope: global\naction: prompt-for-request\nrequest:\n  durations: [1h]\n  approvers:\n    - { role: data-owner }\n",
      7,
      "request.approvers[0].kind",
      "an approver is { kind: manager | group | person | resource_owner }",
    ],
    [
      "name: a\nscope: global\naction: prompt-for-request\nrequest:\n  durations: [1h]\n  approvers:\n    - { kind: person, email: not-an-email }\n",
      7,
      "request.approvers[0].email",
      "",
    ],
    [
      "name: a\n" +
        "scope: global\n" +
        "action: prompt-for-request\n" +
        "request:\n" +
        "  durations: [1h]\n" +
        "  approvers: [{ kind: manager }]\n" +
        "  fields:\n" +
        "    - key: purpose\n" +
        "      type: text\n" +
        "      required: true\n",
      8,
      "request.fields[0].label",
      "",
    ],
    [
      "name: a\n" +
        "scope: global\n" +
        "action: prompt-for-request\n" +
        "request:\n" +
        "  durations: [1h]\n" +
        "  approvers: [{ kind: manager }]\n" +
        "  fields:\n" +
        "    - { key: purpose, label: Purpose, type: text, required: true, minLength: 50 }\n",
      8,
      "request.fields[0].minLength",
      'unknown field "minLength"',
    ],
    [
      "name: a\nscope: global\naction: prompt-for-request\nrequest:\n  durations: [1h]\n  approvers: [{ kind: manager }]\n  threshold: 2\n",
      7,
      "request.threshold",
      "threshold 2 needs more approvers than the 1 named",
    ],
    [
      "name: a\nscope: global\naction: deny\nmessage: no\ntags: [Needs Review]\n",
      5,
      "tags[0]",
      'tags are kebab-case, not "Needs Review"',
    ],
    ["name: a\nscope: global\nname: b\naction: deny\nmessage: no\n", 3, "", "YAML: Map keys must be unique"],
    ["name: a\nscope: global\naction: deny\nmessage: no\n---\nname: b\n", 6, "", "one fallback per file"],
  ])("%#: names the line and field of a mistake", (source, line, field, message) => {
    const { fallback: f, problems } = parseFallbackFile("bad.yaml", source);
    expect(f).toBeUndefined();
    const found = problems.find((p) => p.field === field);
    expect(found, JSON.stringify(problems)).toBeDefined();
    expect(found).toMatchObject({ severity: "error", code: "syntax", file: "bad.yaml", line, field });
    expect(found!.message).toContain(message);
  });

  it("reports every mistake in a file, not only the first, with the fallback's name", () => {
    const { problems } = parseFallbackFile(
      "bad.yaml",
      "name: a\nscope: resource\naction: allow\nconstraints:\n  duration: { max: 2x }\nnotify: slack\n",
    );
    expect(problems.map((p) => [p.line, p.field, p.policy])).toEqual([
      [6, "notify", "a"],
      [1, "resource", "a"],
      [5, "constraints.duration.max", "a"],
    ]);
  });
});

describe("writing fallbacks", () => {
  it.each([
    ["analytics replica (allow, resource)", analyticsReplica],
    ["production namespace (deny)", productionNamespace],
    ["self-service (prompt-for-request)", selfService],
    ["global deny (multi-line message)", globalDeny],
    [
      "subjects with groups and numbers",
      "name: g\n" +
        "scope: namespace\n" +
        "namespace: aws:role\n" +
        "priority: -5\n" +
        "subjects:\n" +
        "  - tenure_days: { min: 90 }\n" +
        "  - cost_center: '4711'\n" +
        "  - any:\n" +
        "      - job_level: { min: L5 }\n" +
        "      - all:\n" +
        "          - team: Platform\n" +
        "          - location: { not_in: [Bangalore] }\n" +
        "action: allow\n" +
        "constraints:\n" +
        "  duration: { max: 90m, default: 30m }\n",
    ],
  ])("round trip: %s", (_name, source) => {
    const f = fallback(source, "f.yaml");
    const written = serializeFallback(f);
    const { fallback: again, problems } = parseFallbackFile("f.yaml", written);
    expect(problems).toEqual([]);
    expect(withoutRefs(again)).toEqual(withoutRefs(f));
    expect(serializeFallback(again!)).toBe(written);
  });

  it("writes the format the docs show", () => {
    expect(serializeFallback(fallback(analyticsReplica))).toBe(`name: analytics-replica-fallback
description: Anyone in the analytics teams gets read access to the analytics replica
scope: resource
resource: postgres:role:analytics_ro
priority: 100
subjects:
  - team: { in: [ data-analysts, data-scientists, business-intelligence ] }
action: allow
constraints:
  duration: { max: 4h, default: 2h }
  timeframe: business-hours
  timezone: Europe/Berlin
  level: read
tags: [ analytics-fallback ]
`);
  });
});

describe("durations", () => {
  it.each([
    ["30m", 30],
    ["4h", 240],
    ["2d", 2880],
    ["1w", 10080],
    [" 8h ", 480],
    ["0h", null],
    ["4 hours", null],
    ["1.5h", null],
    ["4", null],
    ["h", null],
    ["", null],
  ])("parseDuration(%j) is %j", (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes);
  });

  it("writes the largest unit that divides, which parseDuration reads back", () => {
    expect([30, 90, 240, 1440, 2880, 10080, 10081].map(shortDuration)).toEqual([
      "30m",
      "90m",
      "4h",
      "1d",
      "2d",
      "1w",
      "10081m",
    ]);
    for (const m of [30, 90, 240, 1440, 10081]) expect(parseDuration(shortDuration(m))).toBe(m);
  });
});
