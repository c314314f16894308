import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvRows } from "./csv";

describe("csv", () => {
  it("quotes what needs quoting and defuses formulas", () => {
    expect(csvRows([["plain", 'say "hi"', "a,b", "two\nlines", null, 3, new Date("2025-01-06T00:00:00Z")]])).toBe(
      'plain,"say ""hi""","a,b","two\nlines",,3,2025-01-06T00:00:00.000Z\r\n',
    );
    // A defused cell is also quoted; numbers are left alone.
    expect(csvRows([['=HYPERLINK("x")', "+1", "-2", "@sum", "\tx", -2]])).toBe(
      `"'=HYPERLINK(""x"")","'+1","'-2","'@sum","'\tx",-2\r\n`,
    );
  });

  it("quotes a lone CR or LF and edge spaces, and defuses a formula with a line break or in full-width form", () => {
    expect(csvRows([["a\rb", "c\nd", " lead", "trail ", "mid dle"]])).toBe(
      `"a\rb","c\nd"," lead","trail ",mid dle\r\n`,
    );
    expect(csvRows([["=1+1\nx", "\uFF1DSUM(A1)", "\rx"]])).toBe(`"'=1+1\nx","'\uFF1DSUM(A1)","'\rx"\r\n`);
  });

  it("writes objects as JSON, booleans as words, and one CRLF-ended line per row", () => {
    expect(csvRows([[{ a: 1 }, true, false, undefined], ["x"]])).toBe(`"{""a"":1}",true,false,\r\nx\r\n`);
    expect(csvRows([])).toBe("");
  });

  it("reads back as the same cells (csv-parse), the defused ones with their apostrophe", () => {
    const rows = [
      ["id", "note", "json"],
      ["1", 'quote " and, comma', '{"status": "active", "ip": "10.0.0.1"}'],
      ["2", "line\r\nbreak", null],
      ["3", "-rm", "=cmd"],
    ];
    expect(parse(csvRows(rows), { record_delimiter: "\r\n" })).toEqual([
      ["id", "note", "json"],
      ["1", 'quote " and, comma', '{"status": "active", "ip": "10.0.0.1"}'],
      ["2", "line\r\nbreak", ""],
      ["3", "'-rm", "'=cmd"],
    ]);
  });
});
