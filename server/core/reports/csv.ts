/**
 * CSV as RFC 4180 has it, safe to open in a spreadsheet: cells with commas, quotes or line
 * breaks are quoted, and a cell a spreadsheet would run as a formula (=, +, -, @ first) gets a
 * leading apostrophe, so an attacker-written justification cannot become a formula.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let text =
    value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}
