import { describe, expect, it } from "vitest";
import { plural } from "./plural";

describe("plural", () => {
  it("says 1 day, 0 days, 2 days, and takes an irregular plural", () => {
    expect(plural(1, "day")).toBe("1 day");
    expect(plural(0, "day")).toBe("0 days");
    expect(plural(2, "day")).toBe("2 days");
    expect(plural(1, "person", "people")).toBe("1 person");
    expect(plural(1204, "person", "people")).toBe("1,204 people");
  });
});
