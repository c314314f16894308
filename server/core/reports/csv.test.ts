import { describe, expect, it } from "vitest";
import { csvRows } from "./csv";

describe("csv", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvRows([["plain", 'say "hi"', "a,b", "two\nlines", null, 3, new Date("2025-01-06T00:00:00Z")]])).toBe(
      'plain,"say ""hi""","a,b","two\nlines",,3,2025-01-06T00:00:00.000Z\r\n',
    );
    expect(csvRows([['=HYPERLINK("x")', "+1", "-2", "@sum", "\tx", -2]])).toBe(
      `"'=HYPERLINK(""x"")",'+1,'-2,'@sum,'\tx,-2\r\n`,
    );
  });

  it("writes objects as JSON, booleans as words, and one CRLF-ended line per row", () => {
    expect(csvRows([[{ a: 1 }, true, false, undefined], ["x"]])).toBe(`"{""a"":1}",true,false,\r\nx\r\n`);
    expect(csvRows([])).toBe("");
  });
});
