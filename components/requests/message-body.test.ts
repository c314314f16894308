import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MessageBody } from "./message-body";

describe("MessageBody (thread messages and the notifications that quote them)", () => {
  it("renders *bold* as bold, not asterisks, and never inserts the text as HTML", () => {
    const html = renderToStaticMarkup(
      createElement(MessageBody, { body: "I work with *Maria* <b>from</b> FP&A.", className: "text-slate-600" }),
    );
    expect(html).toContain("<strong>Maria</strong>");
    expect(html).not.toContain("*Maria*");
    expect(html).toContain("&lt;b&gt;from&lt;/b&gt;");
    expect(html).toContain("text-slate-600");
  });
});
