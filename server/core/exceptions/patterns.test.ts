import { describe, expect, it } from "vitest";
import {
  defaultTypeSettings,
  describeRestrictions,
  effectiveTypeSettings,
  ipRangeProblem,
  nextExtensionApproval,
  typeSettingsProblems,
} from ".";

const renewable = {
  maxDurationMinutes: 48 * 60,
  reminderOffsetsMinutes: [36 * 60, 60],
  extensible: true,
  escalatedApproverGroup: "security",
};

describe("seed 000's fixed pattern rules", () => {
  it("never extends a privilege escalation or a role transition, whatever the settings say", () => {
    expect(() => nextExtensionApproval({ type: "privilege_escalation", extensionsUsed: 0 }, renewable)).toThrow(
      /never renewed/,
    );
    expect(() => nextExtensionApproval({ type: "role_transition", extensionsUsed: 0 }, renewable)).toThrow(
      /hard expiry/,
    );
    expect(nextExtensionApproval({ type: "project", extensionsUsed: 0 }, renewable)).toEqual({ escalated: false });
  });

  it("defaults privilege escalation to a day, not extensible", () => {
    expect(defaultTypeSettings.privilege_escalation).toMatchObject({ maxDurationMinutes: 24 * 60, extensible: false });
  });

  it("refuses settings that switch extension on for those types, or stretch escalation past 24 hours, by field", () => {
    expect(typeSettingsProblems("privilege_escalation", renewable).map((p) => p.field)).toEqual([
      "extensible",
      "maxDurationMinutes",
    ]);
    expect(typeSettingsProblems("role_transition", renewable).map((p) => p.field)).toEqual(["extensible"]);
    expect(
      typeSettingsProblems("privilege_escalation", { ...renewable, extensible: false, maxDurationMinutes: 24 * 60 }),
    ).toEqual([]);
    expect(typeSettingsProblems("project", renewable)).toEqual([]);
  });

  it("lays the rules over a stored row that breaks them: not extensible, at most a day, reminders within it", () => {
    expect(effectiveTypeSettings("privilege_escalation", renewable)).toEqual({
      maxDurationMinutes: 24 * 60,
      reminderOffsetsMinutes: [60],
      extensible: false,
      escalatedApproverGroup: "security",
    });
    expect(effectiveTypeSettings("role_transition", renewable)).toMatchObject({
      maxDurationMinutes: 48 * 60,
      extensible: false,
    });
    expect(effectiveTypeSettings("vendor", renewable)).toBe(renewable);
  });
});

describe("vendor restrictions", () => {
  it("takes IPv4 and IPv6 addresses and ranges no broader than /16 (/32 for IPv6)", () => {
    for (const ok of ["203.0.113.7", "203.0.113.0/24", "10.20.0.0/16", "2001:db8::1", "2001:db8::/32"])
      expect(ipRangeProblem(ok)).toBeNull();
    expect(ipRangeProblem("0.0.0.0/0")).toMatch(/too broad/);
    expect(ipRangeProblem("10.0.0.0/8")).toMatch(/too broad/);
    expect(ipRangeProblem("::/0")).toMatch(/too broad/);
    expect(ipRangeProblem("999.1.1.1")).toMatch(/not an IP address/);
    expect(ipRangeProblem("203.0.113.0/33")).toMatch(/not an IP address/);
    expect(ipRangeProblem("acme.example.com")).toMatch(/not an IP address/);
  });

  it("reads as approvers see it", () => {
    expect(
      describeRestrictions({ ipAllowList: ["203.0.113.0/24"], mfaRequired: true, sessionMinutes: 480, maxSessions: 2 }),
    ).toEqual(["MFA required", "only from 203.0.113.0/24", "sessions end after 8 hours", "at most 2 sessions at once"]);
    expect(describeRestrictions({})).toEqual([]);
  });
});
