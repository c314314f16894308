import { describe, expect, it } from "vitest";
import { csvLine } from "./csv";

describe("csv", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvLine(["plain", 'say "hi"', "a,b", "two\nlines", null, 3, new Date("2025-01-06T00:00:00Z")])).toBe(
      'plain,"say ""hi""","a,b","two\nlines",,3,2025-01-06T00:00:00.000Z\r\n',
    );
    expect(csvLine(['=HYPERLINK("x")', "+1", "-2", "@sum"])).toBe(`"'=HYPERLINK(""x"")",'+1,'-2,'@sum\r\n`);
  });
});
