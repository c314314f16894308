import { describe, expect, it } from "vitest";
import { effectiveRoles, hasAnyRole, sectionsFor } from "./roles";

const everyone = ["my-access", "request-access", "my-requests", "notifications", "inbox", "out-of-office"] as const;

describe("portal roles", () => {
  it("makes everyone an employee and keeps granted roles in a stable order", () => {
    expect(effectiveRoles([])).toEqual(["employee"]);
    expect(effectiveRoles(["auditor", "approver"])).toEqual(["employee", "approver", "auditor"]);
  });

  it.each([
    [["employee"], [...everyone]],
    [["employee", "approver"], [...everyone]],
    [
      ["employee", "it_admin"],
      [
        ...everyone,
        "work",
        "setup",
        "policies",
        "templates",
        "identities",
        "exceptions",
        "fallbacks",
        "systems",
        "drift",
        "portal-roles",
        "outbox",
        "metrics",
        "reports",
        "audit-log",
      ],
    ],
    [
      ["employee", "auditor"],
      [...everyone, "metrics", "reports", "audit-log"],
    ],
  ] as const)("shows %j only the sections %j", (roles, keys) => {
    expect(sectionsFor(roles).map((s) => s.key)).toEqual(keys);
  });

  it("denies when no held role is allowed", () => {
    expect(hasAnyRole(["employee"], ["it_admin"])).toBe(false);
    expect(hasAnyRole(["employee", "auditor"], ["it_admin", "auditor"])).toBe(true);
    expect(hasAnyRole([], ["employee"])).toBe(false);
  });
});
