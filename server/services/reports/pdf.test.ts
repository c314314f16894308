import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderPdfTable } from "./pdf";

/** The PDF's text as poppler reads it back, page by page. */
function pdfText(bytes: Uint8Array): string {
  const dir = mkdtempSync(path.join(tmpdir(), "clearance-pdf-"));
  try {
    const file = path.join(dir, "report.pdf");
    writeFileSync(file, bytes);
    return execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("PDF reports", () => {
  it("print names in any script: Latin beyond Latin-1, Chinese, and Arabic shaped right to left", async () => {
    const names = ["Zoë Ødegård", "Łukasz Wróbel", "张伟", "محمد", "محمد عبد الله"];
    const bytes = await renderPdfTable({
      title: "Clearance: Exception log",
      subtitle: "Generated 2024-11-24 14:00 UTC. 5 rows. Filters: person 张伟, from 2024-11-01.",
      columns: ["exception", "user", "status"],
      rows: names.map((name, i) => [`EXC-${i + 1}`, name, "Active"]),
    });
    const text = pdfText(bytes);
    expect(text).toContain("Clearance: Exception log");
    expect(text).toContain("Filters: person 张伟, from 2024-11-01.");
    for (const [i, name] of names.entries())
      expect(text).toMatch(new RegExp(`EXC-${i + 1}\\s+\\S*${name}\\S*\\s+Active`));
    expect(text).not.toContain("?");
    expect(text).toContain("page 1 of 1");
  }, 60_000);

  it("cuts what does not fit with an ellipsis and numbers every page", async () => {
    const bytes = await renderPdfTable({
      title: "Clearance: Audit trail",
      subtitle: "No filters.",
      columns: ["n", "note"],
      rows: Array.from({ length: 100 }, (_, i) => [i + 1, i === 0 ? "word ".repeat(200) : "short"]),
    });
    const text = pdfText(bytes);
    expect(text).toMatch(/1\s+word word .*word…/);
    expect(text).toContain("page 1 of 3");
    expect(text).toContain("page 3 of 3");
  }, 60_000);
});
