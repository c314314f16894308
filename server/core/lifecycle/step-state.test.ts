import { describe, expect, it } from "vitest";
import { stepState } from "./step-state";

describe("a plan step's state", () => {
  it("is cancelled, with the reason, when a later removal replaced its operation (never 'queued' for ever)", () => {
    const at = new Date("2026-11-16T09:00:00Z");
    expect(
      stepState(
        { status: "queued" },
        {
          status: "cancelled",
          completedAt: at,
          lastError: null,
          cancelReason: "a removal of this access was queued after it",
        },
        null,
      ),
    ).toEqual({
      state: "cancelled",
      at,
      detail: "a removal of this access was queued after it",
    });
  });
});
