import type { Options } from "csv-stringify";
import { stringify } from "csv-stringify/sync";

/**
 * CSV as RFC 4180 has it (csv-stringify), safe to open in a spreadsheet: cells with commas,
 * quotes or line breaks are quoted, and a cell a spreadsheet would run as a formula (=, +, -, @,
 * tab or CR first) gets a leading apostrophe, so an attacker-written justification cannot become
 * a formula. Dates are ISO 8601, objects JSON, booleans true/false, and rows end in CRLF.
 */
export const csvOptions: Options = {
  record_delimiter: "windows",
  // csv-stringify quotes only the record delimiter (CRLF); a lone LF or CR must be quoted too.
  quoted_match: /[\r\n]/,
  escape_formulas: true,
  cast: { date: (d) => d.toISOString(), boolean: (b) => String(b) },
};

/** Rows (arrays of cells) as CSV text, each ending in CRLF. */
export const csvRows = (rows: readonly (readonly unknown[])[]): string => stringify(rows as unknown[][], csvOptions);
