import { describe, expect, it } from "vitest";
import { CsvSyntaxError, parseCsv } from "./csv";

describe("parseCsv", () => {
  it("numbers each row by the line it starts on, whatever the line breaks", () => {
    expect(parseCsv('id,note\r\n"a","one\r\ntwo"\r\n\r\nb,x\nc,y\rd')).toEqual([
      { line: 1, cells: ["id", "note"] },
      { line: 2, cells: ["a", "one\ntwo"] },
      { line: 4, cells: [""] },
      { line: 5, cells: ["b", "x"] },
      { line: 6, cells: ["c", "y"] },
      { line: 7, cells: ["d"] },
    ]);
  });

  it("keeps rows of any length, a quote inside an unquoted cell, and quotes after spaces", () => {
    expect(parseCsv('\uFEFFa, "b, c" ,d"e\nf\n').map((r) => r.cells)).toEqual([["a", "b, c", 'd"e'], ["f"]]);
  });

  it("names the line where a malformed row starts", () => {
    expect(() => parseCsv('a\nb\n"c\nd')).toThrow(
      expect.objectContaining({ name: "CsvSyntaxError", line: 3, message: "a quoted cell is never closed" }),
    );
    expect(() => parseCsv('a\n"b"c\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a\n"b"c\n')).toThrow(
      expect.objectContaining({ line: 2, message: expect.stringMatching(/closing quote/) }),
    );
  });
});
