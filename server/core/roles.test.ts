import { describe, expect, it } from "vitest";
import { effectiveRoles, hasAnyRole, sectionsFor } from "./roles";

describe("portal roles", () => {
  it("makes everyone an employee and keeps granted roles in a stable order", () => {
    expect(effectiveRoles([])).toEqual(["employee"]);
    expect(effectiveRoles(["auditor", "approver"])).toEqual(["employee", "approver", "auditor"]);
  });

  it.each([
    [["employee"], ["my-access"]],
    [["employee", "approver"], ["my-access"]],
    [["employee", "it_admin"], ["my-access", "policies", "identities", "audit-log"]],
    [["employee", "auditor"], ["my-access", "audit-log"]],
  ] as const)("shows %j only the sections %j", (roles, keys) => {
    expect(sectionsFor(roles).map((s) => s.key)).toEqual(keys);
  });

  it("denies when no held role is allowed", () => {
    expect(hasAnyRole(["employee"], ["it_admin"])).toBe(false);
    expect(hasAnyRole(["employee", "auditor"], ["it_admin", "auditor"])).toBe(true);
    expect(hasAnyRole([], ["employee"])).toBe(false);
  });
});
