import { describe, expect, it } from "vitest";
import { templateDefinitionSchema, type TemplateDefinition } from "./template";
import { restrictionsForRequest, restrictionsOnApproval, templateTypeProblems } from "./template-rules";

const HOUR = 60;
const DAY = 24 * HOUR;
const base = templateDefinitionSchema.parse({
  grants: [{ resource: "aws:role:security-audit-readonly", level: null }],
  durations: [30, HOUR, 4 * HOUR, 8 * HOUR],
  maxDurationMinutes: 8 * HOUR,
  startMode: "on_approval",
  stages: [
    {
      name: "Manager",
      approvers: [{ kind: "manager" }],
      threshold: { kind: "any" },
      notify: { policy: "all", count: 1 },
      escalation: null,
    },
  ],
});
const templates: Record<string, TemplateDefinition> = {
  "production-admin-incident": { ...base, exceptionType: "privilege_escalation" },
  "finance-reports": { ...base, durations: [7 * DAY], maxDurationMinutes: 12 * 7 * DAY, exceptionType: "project" },
  "vendor-security-audit": {
    ...base,
    durations: [7 * DAY],
    maxDurationMinutes: 8 * 7 * DAY,
    exceptionType: "vendor",
    restrictions: {
      ipAllowList: [],
      requesterSuppliesIpAllowList: true,
      mfaRequired: true,
      sessionMinutes: 8 * HOUR,
      maxSessions: 2,
    },
  },
};
const seeded = (key: string) => templates[key]!;
const vendor = seeded("vendor-security-audit");
const restrictions = {
  ipAllowList: [],
  requesterSuppliesIpAllowList: true,
  mfaRequired: true,
  sessionMinutes: 8 * HOUR,
  maxSessions: 2,
};

describe("a template against its exception type (checked at save)", () => {
  it("names each duration, and the maximum, that is longer than the type allows", () => {
    const escalation = seeded("production-admin-incident");
    expect(templateTypeProblems(escalation, DAY)).toEqual([]);
    expect(
      templateTypeProblems({ ...escalation, durations: [HOUR, 2 * DAY], maxDurationMinutes: 2 * DAY }, DAY),
    ).toEqual([
      {
        field: "durations.1",
        message: "2 days is longer than privilege escalation exceptions last at most 1 day (Exceptions › Types)",
      },
      {
        field: "maxDurationMinutes",
        message:
          "the maximum of 2 days is longer than privilege escalation exceptions last at most 1 day (Exceptions › Types)",
      },
    ]);
  });

  it("a vendor template needs restrictions: MFA or an IP allow list, and a session duration", () => {
    expect(templateTypeProblems({ ...vendor, restrictions: undefined }, 180 * DAY)).toEqual([
      { field: "restrictions", message: expect.stringMatching(/vendor access carries restrictions/) },
    ]);
    const none = { ...restrictions, requesterSuppliesIpAllowList: false, mfaRequired: false, sessionMinutes: null };
    expect(templateTypeProblems({ ...vendor, restrictions: none }, 180 * DAY).map((p) => p.field)).toEqual([
      "restrictions.mfaRequired",
      "restrictions.sessionMinutes",
    ]);
    // An IP allow list alone (no MFA) is enough, as is MFA alone.
    expect(
      templateTypeProblems(
        { ...vendor, restrictions: { ...none, ipAllowList: ["203.0.113.0/24"], sessionMinutes: 60 } },
        180 * DAY,
      ),
    ).toEqual([]);
    expect(
      templateTypeProblems({ ...vendor, restrictions: { ...none, mfaRequired: true, sessionMinutes: 60 } }, 180 * DAY),
    ).toEqual([]);
  });

  it("only vendor templates carry restrictions", () => {
    const project: TemplateDefinition = { ...seeded("finance-reports"), restrictions };
    expect(templateTypeProblems(project, 365 * DAY)).toEqual([
      { field: "restrictions", message: expect.stringMatching(/only vendor templates/) },
    ]);
  });

  it("the schema refuses a fixed list when the requester names the ranges, and a range too broad", () => {
    const both = templateDefinitionSchema.safeParse({
      ...vendor,
      restrictions: { ...restrictions, ipAllowList: ["203.0.113.0/24"] },
    });
    expect(both.error?.issues[0]).toMatchObject({ path: ["restrictions", "ipAllowList"] });
    const broad = templateDefinitionSchema.safeParse({
      ...vendor,
      restrictions: { ...restrictions, requesterSuppliesIpAllowList: false, ipAllowList: ["0.0.0.0/0"] },
    });
    expect(broad.error?.issues[0]).toMatchObject({
      path: ["restrictions", "ipAllowList", 0],
      message: expect.stringMatching(/too broad/),
    });
  });
});

describe("a request's restrictions", () => {
  const def = { ...vendor, restrictions };
  it("are the template's, with the ranges the requester names", () => {
    expect(restrictionsForRequest(def, [" 203.0.113.0/24 ", "2001:db8::/48"])).toEqual({
      ok: true,
      restrictions: {
        mfaRequired: true,
        sessionMinutes: 480,
        maxSessions: 2,
        ipAllowList: ["203.0.113.0/24", "2001:db8::/48"],
      },
    });
  });

  it("refuses missing, malformed or too broad ranges by entry, and ranges where the form takes none", () => {
    expect(restrictionsForRequest(def, [])).toMatchObject({ ok: false, problems: [{ field: "ipAllowList" }] });
    expect(restrictionsForRequest(def, ["203.0.113.0/24", "0.0.0.0/0"])).toMatchObject({
      ok: false,
      problems: [{ field: "ipAllowList.1", message: expect.stringMatching(/too broad/) }],
    });
    expect(
      restrictionsForRequest({ ...def, restrictions: { ...restrictions, requesterSuppliesIpAllowList: false } }, [
        "203.0.113.0/24",
      ]),
    ).toMatchObject({ ok: false, problems: [{ field: "ipAllowList" }] });
    expect(restrictionsForRequest(seeded("finance-reports"), ["203.0.113.0/24"])).toMatchObject({
      ok: false,
      problems: [{ field: "ipAllowList", message: "this access takes no IP allow list" }],
    });
    expect(restrictionsForRequest(seeded("finance-reports"), undefined)).toEqual({ ok: true, restrictions: null });
  });

  it("at approval: the request's own, or the template's for a request made before requests kept them", () => {
    expect(
      restrictionsOnApproval({ restrictions: { mfaRequired: true, ipAllowList: ["203.0.113.0/24"] } }, def),
    ).toEqual({ mfaRequired: true, ipAllowList: ["203.0.113.0/24"] });
    expect(restrictionsOnApproval({ restrictions: null }, def)).toEqual({
      mfaRequired: true,
      sessionMinutes: 480,
      maxSessions: 2,
    });
    expect(restrictionsOnApproval({ restrictions: null }, seeded("finance-reports"))).toEqual({});
  });
});
