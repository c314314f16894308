import { CsvError, parse } from "csv-parse/sync";

/** A row of a CSV text: its cells as written, and the line it starts on (a quoted cell may span lines). */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** Text that is not CSV; `line` is where the problem starts. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

const closingQuote = 'text follows the closing quote of a cell (a quote inside a quoted cell is written "")';
const syntaxMessages: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted cell is never closed",
  CSV_INVALID_CLOSING_QUOTE: closingQuote,
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: closingQuote,
};

/**
 * RFC 4180 CSV (csv-parse): quoted cells may hold commas, quotes ("") and line breaks; rows may
 * differ in length (readers name the row), blank lines stay rows (readers skip them), a quote
 * inside an unquoted cell is kept as written, spaces around a cell are dropped (readers trim
 * cells anyway; this lets `a, "b"` quote b), and a leading byte-order mark is skipped.
 * Line breaks (CRLF, CR, LF, mixed as pasted text mixes them) become LF first, so that every row
 * knows the line it starts on (csv-parse counts a CRLF inside a quoted cell as two lines).
 */
export function parseCsv(input: string): CsvRow[] {
  const starts: number[] = [];
  let lastLine = 0;
  try {
    const records = parse(input.replace(/\r\n?/g, "\n"), {
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      trim: true,
      on_record: (cells, { lines }) => {
        starts.push(lastLine + 1);
        lastLine = lines;
        return cells;
      },
    });
    return records.map((cells, i) => ({ line: starts[i]!, cells }));
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw new CsvSyntaxError(syntaxMessages[err.code] ?? err.message.replace(/ at line \d+/, ""), lastLine + 1);
  }
}

/** A row with no content at all (an empty line), which readers skip. */
export const isBlankRow = (row: Pick<CsvRow, "cells">) => row.cells.every((c) => c.trim() === "");
