import { describe, expect, it } from "vitest";
import { lagWords } from "./lag";

describe("lagWords", () => {
  it("says a delay in the largest units that read well", () => {
    expect([0, 999, 1000, 59_999, 60_000, 184_000, 3_600_000, 7_500_000].map(lagWords)).toEqual([
      "under a second",
      "under a second",
      "1 s",
      "59 s",
      "1 min",
      "3 min 4 s",
      "1 h",
      "2 h 5 min",
    ]);
  });
});
