/**
 * The layout of a report as a PDF table (landscape A4): where the title, the header row, the rows
 * and the page number go, how wide each column is, and how a cell is cut to fit. Pure: text is
 * measured by a function the renderer passes in (it knows the fonts).
 */

export const PAGE_W = 842;
export const PAGE_H = 595;
export const MARGIN = 36;
export const FONT = 7;
export const ROW_H = 11;
export const HEADER_H = 44;
export const PAD = 4;
export const ELLIPSIS = "…";

/** Rows on one page below the title and the header row. */
export const ROWS_PER_PAGE = Math.floor((PAGE_H - 2 * MARGIN - HEADER_H) / ROW_H);

export interface PdfTable {
  title: string;
  subtitle: string;
  columns: readonly string[];
  rows: readonly (readonly unknown[])[];
}

/** The width of text in points at the table's font size. */
export type Measure = (text: string, bold: boolean) => number;

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().replace("T", " ").slice(0, 16);
  return (typeof value === "object" ? JSON.stringify(value) : String(value)).replace(/\s+/g, " ");
}

export const headerText = (column: string) => column.replaceAll("_", " ");

/** The rows in pages; an empty report still has its one page with the header. */
export function pagesOf<T>(rows: readonly T[]): (readonly T[])[] {
  const pages: (readonly T[])[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_PAGE) pages.push(rows.slice(i, i + ROWS_PER_PAGE));
  return pages.length ? pages : [[]];
}

/**
 * Column widths in points: every header fits; short columns (dates, codes, emails) get what
 * their longest cell needs (among the first 500 rows); long text shares what is left.
 */
export function columnWidths(table: PdfTable, measure: Measure): number[] {
  const avail = PAGE_W - 2 * MARGIN;
  const min = table.columns.map((c) => measure(headerText(c), true) + PAD);
  const sample = table.rows.slice(0, 500);
  const want = table.columns.map((_, i) =>
    Math.max(min[i]!, Math.min(240, Math.max(0, ...sample.map((r) => measure(cellText(r[i]), false))) + PAD)),
  );
  const sumWant = want.reduce((a, b) => a + b, 0);
  if (sumWant <= avail) {
    // Everything fits: short columns only share out the page; with long text, each column keeps what it needs.
    return want.every((w) => w <= 150) ? want.map((w) => (w * avail) / sumWant) : want;
  }
  // Too wide: long text (a justification) gives way first, down to 100 pt; then the widest columns
  // give up room, down to a common width, so that short ones (dates, codes, emails) stay whole.
  const sumMin = min.reduce((a, b) => a + b, 0);
  if (sumMin >= avail) return min.map((m) => (m * avail) / sumMin);
  const long = want.map((w) => w >= 240);
  const firstLong = capped(
    want,
    want.map((_, i) => (long[i] ? Math.max(min[i]!, 100) : want[i]!)),
    avail,
  );
  return capped(firstLong, min, avail);
}

/** Widths above a common cap cut to it (not below their floor), the cap as high as fits in `avail`. */
function capped(widths: number[], floor: number[], avail: number): number[] {
  const at = (cap: number) => widths.map((w, i) => Math.min(w, Math.max(floor[i]!, cap)));
  const sum = (ws: number[]) => ws.reduce((a, b) => a + b, 0);
  if (sum(widths) <= avail) return widths;
  let lo = 0;
  let hi = Math.max(...widths);
  for (let step = 0; step < 40; step++) {
    const cap = (lo + hi) / 2;
    if (sum(at(cap)) > avail) hi = cap;
    else lo = cap;
  }
  return at(lo);
}

/** Text cut to a column's width, ending in "…" when it does not fit (cut between characters, never inside one). */
export function fitText(text: string, width: number, measure: Measure, bold = false): string {
  const room = width - PAD;
  if (measure(text, bold) <= room + 0.01) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length - 1;
  // The longest prefix that fits with the ellipsis: a binary search, so a long cell costs a few measurements.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(`${chars.slice(0, mid).join("")}${ELLIPSIS}`, bold) <= room) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, Math.max(1, lo)).join("").trimEnd()}${ELLIPSIS}`;
}
