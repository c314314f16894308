import { describe, expect, it } from "vitest";
import { describeCsvRows } from "./csv-rows";

describe("describeCsvRows", () => {
  it("counts a quoted cell with line breaks as one row, and no blank rows or header", () => {
    expect(
      describeCsvRows('username,resource,note\r\nsarah.chen,sales,"first line\r\nsecond line"\r\n\r\n,,\r\n'),
    ).toBe("1 row");
    expect(describeCsvRows("username,resource\na,x\nb,y\n")).toBe("2 rows");
    expect(describeCsvRows("username,resource\n")).toBe("0 rows");
  });

  it("says when the text is not CSV", () => {
    expect(describeCsvRows('username,resource\nsarah.chen,"sales\n')).toMatch(
      /^not readable as CSV: .*Quote Not Closed/,
    );
  });
});
