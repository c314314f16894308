import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/**
 * COPY … FROM STDIN (CSV) for the bulk of the fixture: rows are produced lazily (a generator),
 * so a million audit events never sit in memory at once.
 */

export type Cell = string | number | boolean | Date | null | undefined | string[] | Record<string, unknown>;

const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** A PostgreSQL array literal of text, e.g. {"a","b"}. */
const textArray = (xs: string[]) =>
  `{${xs.map((x) => `"${x.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`).join(",")}}`;

export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return quote(textArray(value));
  if (typeof value === "object") return quote(JSON.stringify(value));
  if (typeof value === "string") return quote(value);
  return String(value);
}

export async function copyRows(
  client: pg.ClientBase,
  table: string,
  columns: string[],
  rows: Iterable<Cell[]>,
): Promise<number> {
  let n = 0;
  function* lines() {
    let chunk: string[] = [];
    for (const row of rows) {
      n++;
      chunk.push(`${row.map(csvCell).join(",")}\n`);
      if (chunk.length >= 2000) {
        yield chunk.join("");
        chunk = [];
      }
    }
    if (chunk.length) yield chunk.join("");
  }
  const sink = client.query(copyFrom(`copy ${table} (${columns.join(", ")}) from stdin with (format csv)`));
  await pipeline(Readable.from(lines()), sink);
  return n;
}
