import { getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "./client";

// The client's casing (client.ts: snake_case), as drizzle applies it to a column named by its key.
const snakeCase = (key: string) =>
  (key.replace(/['\u2019]/g, "").match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? [])
    .map((word) => word.toLowerCase())
    .join("_");

// A serial column is an integer column with a default.
const serials: Record<string, string> = { smallserial: "smallint", serial: "integer", bigserial: "bigint" };

const ROWS_PER_STATEMENT = 5_000;

/**
 * Inserts many rows with one parameter per statement: the rows as they are, as a JSON array, read
 * back into the table's column types by json_to_recordset. The bulk paths (a directory pull's
 * hires, a group change's plans, a transaction's audit events) write thousands of rows; a
 * multi-row VALUES binds and checks every value one by one in drizzle, which cost more Node CPU
 * than the rest of the work (issue 16's measures). Rows go in the order given. A column a row
 * leaves out (or gives as undefined) takes its default, as in drizzle's insert; give every row
 * the same columns to keep to one statement. Values are what JSON.stringify makes of them: a Date
 * its ISO time, an array a JSON array that PostgreSQL reads into an array column, an object a
 * jsonb value.
 */
export async function insertRows<T extends PgTable, K extends keyof T["$inferSelect"] & string = never>(
  db: DbOrTx,
  table: T,
  rows: readonly T["$inferInsert"][],
  /** columns to give back for every row, in no particular order (as node-postgres reads them) */
  returning: K[] = [],
): Promise<Pick<T["$inferSelect"], K>[]> {
  if (rows.length === 0) return [];
  const columns = getTableColumns(table) as Record<string, PgColumn & { keyAsName?: boolean }>;
  const columnOf = (key: string) => {
    const column = columns[key];
    if (!column) throw new Error(`insertRows: ${getTableName(table)} has no column ${key}`);
    return { name: column.keyAsName === false ? column.name : snakeCase(column.name), column };
  };
  const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const statement = (keys: string[], json: string) => {
    const target = keys.map((key) => quoted(columnOf(key).name)).join(", ");
    const record = keys
      .map((key) => {
        const type = columnOf(key).column.getSQLType();
        return `${quoted(key)} ${serials[type] ?? type}`;
      })
      .join(", ");
    const returned = returning.length
      ? ` returning ${returning.map((key) => `${quoted(columnOf(key).name)} as ${quoted(key)}`).join(", ")}`
      : "";
    return sql`insert into ${sql.raw(quoted(getTableName(table)))} (${sql.raw(target)})
        select ${sql.raw(keys.map(quoted).join(", "))}
        from json_to_recordset(${json}::json) as r(${sql.raw(record)})${sql.raw(returned)}`;
  };
  // Neighbouring rows that give the same columns go together, so that a column a row leaves out
  // takes its default and the rows still go in the order given (an operation's queue order, a
  // manager before the report that names them).
  const runs: { keys: string[]; rows: (typeof rows)[number][] }[] = [];
  for (const row of rows) {
    const keys = Object.keys(row).filter((key) => (row as Record<string, unknown>)[key] !== undefined);
    const last = runs.at(-1);
    if (last && last.keys.join(",") === keys.join(",") && last.rows.length < ROWS_PER_STATEMENT) last.rows.push(row);
    else runs.push({ keys, rows: [row] });
  }
  const back: Pick<T["$inferSelect"], K>[] = [];
  for (const run of runs) {
    const result = await db.execute(statement(run.keys, JSON.stringify(run.rows)));
    back.push(...(result.rows as Pick<T["$inferSelect"], K>[]));
  }
  return back;
}
