import { describe, expect, it } from "vitest";
import { landingPage } from "./landing";

describe("where a person lands", () => {
  it("an approver with requests waiting lands on the inbox; with none, on My access", () => {
    expect(landingPage(3)).toBe("/inbox");
    expect(landingPage(1)).toBe("/inbox");
    expect(landingPage(0)).toBe("/access");
    expect(landingPage(0, ["employee", "auditor"])).toBe("/access");
    // IT's home is the work queue, unless requests wait for their own decision.
    expect(landingPage(0, ["employee", "it_admin"])).toBe("/work");
    expect(landingPage(2, ["employee", "it_admin"])).toBe("/inbox");
  });
});
