import { describe, expect, it } from "vitest";
import { mentions, tokenize } from "./text";

describe("thread text", () => {
  it("turns safe formatting, links and mentions into tokens and leaves markup as text", () => {
    expect(tokenize("Hi @sarah.chen, see *INC-1234* at https://status.example.com/x <b>now</b>\n`SELECT 1`")).toEqual([
      { kind: "text", text: "Hi " },
      { kind: "mention", handle: "sarah.chen" },
      { kind: "text", text: ", see " },
      { kind: "bold", text: "INC-1234" },
      { kind: "text", text: " at " },
      { kind: "link", href: "https://status.example.com/x" },
      { kind: "text", text: " <b>now</b>" },
      { kind: "newline" },
      { kind: "code", text: "SELECT 1" },
    ]);
  });

  it("does not take javascript: or email addresses for links and mentions", () => {
    expect(tokenize("javascript:alert(1)")).toEqual([{ kind: "text", text: "javascript:alert(1)" }]);
    expect(mentions("write to cfo@company.com, thanks @CFO")).toEqual(["cfo"]);
  });
});
