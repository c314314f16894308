import { CsvError, parse } from "csv-parse/browser/esm/sync";

/**
 * What a chosen CSV file holds, read as the server reads it: "12 rows" of data below the header
 * (a quoted cell with line breaks is one row; blank rows do not count), or why it is not CSV.
 */
export function describeCsvRows(text: string): string {
  try {
    const records: string[][] = parse(text, { bom: true, relax_column_count: true, relax_quotes: true, trim: true });
    const filled = records.filter((cells) => cells.some((c) => c !== "")).length;
    const rows = Math.max(filled - 1, 0);
    return `${rows.toLocaleString("en-US")} ${rows === 1 ? "row" : "rows"}`;
  } catch (err) {
    if (err instanceof CsvError) return `not readable as CSV: ${err.message}`;
    throw err;
  }
}
