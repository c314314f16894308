import { describe, expect, it } from "vitest";
import { auditActionLabel } from "./action-label";

describe("auditActionLabel", () => {
  it("reads an action code as words", () => {
    expect(auditActionLabel("request.info_requested")).toBe("Request: info requested");
    expect(auditActionLabel("exception.revoke_failed")).toBe("Exception: revoke failed");
    expect(auditActionLabel("auth.signed_in")).toBe("Auth: signed in");
    expect(auditActionLabel("checkpoint")).toBe("Checkpoint");
  });
});
