/**
 * A report as a PDF table (landscape A4, Helvetica), written by hand: PDF 1.4 with the
 * standard fonts needs no library. Text is WinAnsi; characters outside it print as "?".
 */

const PAGE_W = 842;
const PAGE_H = 595;
const MARGIN = 36;
const FONT = 7;
const ROW_H = 11;
const HEADER_H = 44;
const ELLIPSIS = "\x85"; // WinAnsi's "…"
const PAD = 4;

// Helvetica's advance widths (per 1000 em) for ASCII 32–126, from its AFM: text is measured, not guessed.
const HELVETICA = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
  556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
  722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
  556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
  260, 334, 584,
];

/** The width of text in points at a size (bold runs about 6% wider). */
function textWidth(text: string, size: number, bold = false): number {
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    units += c >= 32 && c <= 126 ? HELVETICA[c - 32]! : 600;
  }
  return (units * size * (bold ? 1.06 : 1)) / 1000;
}

export interface PdfTable {
  title: string;
  subtitle: string;
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
}

const winAnsi = (text: string) => text.replace(/[^\x20-\x7e\x85\xa0-\xff]/g, "?");
const escape = (text: string) => winAnsi(text).replace(/[\\()]/g, (c) => `\\${c}`);

function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().replace("T", " ").slice(0, 16);
  return (typeof value === "object" ? JSON.stringify(value) : String(value)).replace(/\s+/g, " ");
}

/**
 * Column widths in points: every header fits; short columns (dates, codes, emails) get what
 * their longest cell needs; long text shares what is left.
 */
function widths(table: PdfTable): number[] {
  const avail = PAGE_W - 2 * MARGIN;
  const min = table.columns.map((c) => textWidth(c.replaceAll("_", " "), FONT, true) + PAD);
  const want = table.columns.map((_, i) =>
    Math.max(
      min[i]!,
      Math.min(240, Math.max(0, ...table.rows.slice(0, 500).map((r) => textWidth(cellText(r[i]), FONT))) + PAD),
    ),
  );
  const base = want.map((w, i) => Math.min(w, Math.max(min[i]!, 150)));
  const sumBase = base.reduce((a, b) => a + b, 0);
  if (sumBase > avail) {
    // Too wide: the columns with room above their header give it up, in proportion; headers stay whole.
    const slack = base.map((b, i) => b - min[i]!);
    const sumSlack = slack.reduce((a, b) => a + b, 0);
    const sumMin = min.reduce((a, b) => a + b, 0);
    if (sumMin >= avail || sumSlack === 0) return min.map((m) => (m * avail) / sumMin);
    return base.map((b, i) => b - slack[i]! * ((sumBase - avail) / sumSlack));
  }
  const extra = want.map((w, i) => w - base[i]!);
  const sumExtra = extra.reduce((a, b) => a + b, 0);
  if (sumExtra === 0) return base.map((b) => (b * avail) / sumBase);
  return base.map((b, i) => b + extra[i]! * Math.min(1, (avail - sumBase) / sumExtra));
}

/** Text cut to a width, with "…" when it does not fit. */
function fit(text: string, width: number, bold = false): string {
  const room = width - PAD;
  if (textWidth(text, FONT, bold) <= room + 0.01) return text;
  let cut = text;
  while (cut.length > 1 && textWidth(`${cut}…`, FONT, bold) > room) cut = cut.slice(0, -1);
  return `${cut}${ELLIPSIS}`;
}

function pageContent(
  table: PdfTable,
  cols: number[],
  rows: readonly (readonly unknown[])[],
  page: number,
  pages: number,
): string {
  const out: string[] = [];
  const text = (x: number, y: number, size: number, font: "F1" | "F2", s: string) =>
    out.push(`BT /${font} ${size} Tf ${x.toFixed(1)} ${y.toFixed(1)} Td (${escape(s)}) Tj ET`);
  text(MARGIN, PAGE_H - MARGIN, 12, "F2", table.title);
  text(MARGIN, PAGE_H - MARGIN - 14, 8, "F1", table.subtitle);
  let y = PAGE_H - MARGIN - HEADER_H + 8;
  let x = MARGIN;
  cols.forEach((w, i) => {
    text(x + 2, y, FONT, "F2", fit(table.columns[i]!.replaceAll("_", " "), w, true));
    x += w;
  });
  out.push(`0.6 G 0.5 w ${MARGIN} ${(y - 3).toFixed(1)} m ${PAGE_W - MARGIN} ${(y - 3).toFixed(1)} l S 0 G`);
  rows.forEach((row, r) => {
    y -= ROW_H;
    if (r % 2 === 1) out.push(`0.95 g ${MARGIN} ${(y - 3).toFixed(1)} ${PAGE_W - 2 * MARGIN} ${ROW_H} re f 0 g`);
    x = MARGIN;
    cols.forEach((w, i) => {
      text(x + 2, y, FONT, "F1", fit(cellText(row[i]), w));
      x += w;
    });
  });
  text(PAGE_W - MARGIN - 60, MARGIN - 14, 7, "F1", `page ${page} of ${pages}`);
  return out.join("\n");
}

/** The PDF file's bytes (latin1 text: every byte below 256). */
export function renderPdfTable(table: PdfTable): Uint8Array {
  const perPage = Math.floor((PAGE_H - 2 * MARGIN - HEADER_H) / ROW_H);
  const chunks: (readonly (readonly unknown[])[])[] = [];
  for (let i = 0; i < table.rows.length; i += perPage) chunks.push(table.rows.slice(i, i + perPage));
  if (chunks.length === 0) chunks.push([]);
  const cols = widths(table);
  // Objects: 1 catalog, 2 pages, 3-4 fonts, then a page and its content per page.
  const objects: string[] = [];
  const kids = chunks.map((_, i) => `${5 + i * 2} 0 R`).join(" ");
  objects.push("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${chunks.length} >>`);
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>");
  chunks.forEach((rows, i) => {
    const content = pageContent(table, cols, rows, i + 1, chunks.length);
    objects.push(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${PAGE_W} ${PAGE_H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${6 + i * 2} 0 R >>`,
    );
    objects.push(`<< /Length ${content.length} >>\nstream\n${content}\nendstream`);
  });
  let body = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Uint8Array.from(body, (c) => c.charCodeAt(0) & 0xff);
}
