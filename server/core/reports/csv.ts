import Papa from "papaparse";

/**
 * CSV as RFC 4180 has it (Papa Parse's unparse), safe to open in a spreadsheet: cells with
 * commas, quotes, line breaks (CR or LF) or a leading or trailing space are quoted, and a text
 * cell a spreadsheet would run as a formula (=, +, -, @, tab or CR first, or their full-width
 * forms) gets a leading apostrophe, so an attacker-written justification cannot become a
 * formula. Numbers stay numbers (-2 is not escaped). Dates are ISO 8601, objects JSON,
 * booleans true/false, and rows end in CRLF.
 *
 * Papa Parse rather than csv-stringify: csv-stringify allocates several objects and a copy of
 * the cell per cell (its cast context, result tuples, the cell joined to CRLF to look for it),
 * which made a 1,000,000-row export spend a fifth of its time collecting garbage; unparse
 * writes the same text with a few string tests per cell, 3-4 times less CPU (docs/benchmarks.md).
 */
const config: Papa.UnparseConfig = {
  newline: "\r\n",
  header: false,
  // Anchored at the start only: the default pattern (/^[=+\-@\t\r].*$/) misses a formula followed by a line break.
  escapeFormulae: /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/,
};

/** Objects as JSON and dates as ISO 8601; everything else (text, numbers, booleans, null) Papa writes as it is. */
const cellOf = (c: unknown): unknown =>
  c instanceof Date ? c.toISOString() : c !== null && typeof c === "object" ? JSON.stringify(c) : c;

const plain = (row: readonly unknown[]) => {
  for (const c of row) if (c !== null && typeof c === "object") return false;
  return true;
};

/** Rows (arrays of cells) as CSV text, each ending in CRLF. */
export function csvRows(rows: readonly (readonly unknown[])[]): string {
  if (rows.length === 0) return "";
  // Most report rows hold only text, numbers and nulls: those go to Papa as they are, without a copy.
  const data = rows.map((r) => (plain(r) ? r : r.map(cellOf))) as unknown[][];
  return `${Papa.unparse(data, config)}\r\n`;
}
