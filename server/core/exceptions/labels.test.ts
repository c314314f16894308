import { describe, expect, it } from "vitest";
import { endReasonText } from "./end-reason";
import { exceptionStatusLabels, referencesText } from "./types";

describe("how exception values read", () => {
  it("references read as labelled fields, not JSON, and nothing when empty", () => {
    expect(referencesText({ project: "Apollo", ticket: "OPS-12" })).toBe("Project: Apollo · Ticket: OPS-12");
    expect(referencesText({})).toBeNull();
    expect(referencesText({ project: " " })).toBeNull();
    expect(referencesText(null)).toBeNull();
  });

  it("statuses and end reasons have words, not codes", () => {
    expect(exceptionStatusLabels.revoke_failed).toBe("Revoke failed");
    expect(endReasonText({ endReason: "given_back", endNote: "done", endedBy: "Sarah Chen" })).toBe(
      "given back: done by Sarah Chen",
    );
    expect(endReasonText({ endReason: "revoked", endNote: null, endedBy: null })).toBe("revoked");
  });
});
