import { Text } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import { toDiagnostics } from "./diagnostics";

const doc = Text.of(["name: a", "when:", "  - departmnet: Sales  # typo", "grants:", "  - slack:channel:#nope"]);
const underlined = (d: { from: number; to: number }) => doc.sliceString(d.from, d.to);

describe("lint findings as editor diagnostics", () => {
  it("underlines the field's key and value on the problem's line, not a comment after them", () => {
    const [d] = toDiagnostics(doc, [
      {
        severity: "error",
        code: "unknown-attribute",
        message: "departmnet is not an attribute",
        line: 3,
        field: "when[0].departmnet",
      },
    ]);
    expect(underlined(d!)).toBe("departmnet: Sales");
    expect(d).toMatchObject({
      severity: "error",
      source: "unknown-attribute",
      message: "departmnet is not an attribute",
    });
  });

  it("underlines the line's text after indentation when the field is not written there", () => {
    const [d] = toDiagnostics(doc, [
      { severity: "warning", code: "unknown-resource", message: "no such", line: 5, field: "grants[0]" },
    ]);
    expect(underlined(d!)).toBe("slack:channel:#nope");
  });

  it("keeps a line past the end (the text changed since lint ran) inside the document", () => {
    const [d] = toDiagnostics(doc, [{ severity: "error", code: "syntax", message: "YAML", line: 99 }]);
    expect(underlined(d!)).toBe("slack:channel:#nope");
  });
});
