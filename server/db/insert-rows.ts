import { getTableColumns, getTableName, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { DbOrTx } from "./client";

// The client's casing (client.ts: snake_case), as drizzle applies it to a column named by its key.
const snakeCase = (key: string) =>
  (key.replace(/['\u2019]/g, "").match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? [])
    .map((word) => word.toLowerCase())
    .join("_");

const ROWS_PER_STATEMENT = 5_000;

/**
 * Inserts many rows with one parameter per statement: the rows as a JSON array, read back into the
 * table's own column types by json_populate_recordset. The bulk paths (a directory pull's hires, a
 * group change's plans) write thousands of rows; a multi-row VALUES binds and checks every value
 * one by one in drizzle, which cost more Node CPU than the rest of the work (issue 16's measures).
 * Columns are those of the first row: give every row the same keys (null where none); the
 * columns no row names take their defaults. Values are what JSON.stringify makes of them (a Date
 * becomes its ISO time, an array a JSON array that PostgreSQL reads as an array column).
 */
export async function insertRows<T extends PgTable, K extends keyof T["$inferSelect"] & string = never>(
  db: DbOrTx,
  table: T,
  rows: T["$inferInsert"][],
  /** columns to give back, for each row in order */
  returning: K[] = [],
): Promise<Pick<T["$inferSelect"], K>[]> {
  const back: Pick<T["$inferSelect"], K>[] = [];
  if (rows.length === 0) return back;
  const columns = getTableColumns(table) as Record<string, { name: string; keyAsName?: boolean }>;
  const nameOf = (key: string) => {
    const column = columns[key];
    if (!column) throw new Error(`insertRows: ${getTableName(table)} has no column ${key}`);
    return column.keyAsName === false ? column.name : snakeCase(column.name);
  };
  const keys = Object.keys(rows[0]!);
  const names = keys.map(nameOf);
  const returned = returning.length
    ? sql.raw(` returning ${returning.map((key) => `"${nameOf(key)}" as "${key}"`).join(", ")}`)
    : sql.raw("");
  const list = sql.raw(names.map((n) => `"${n}"`).join(", "));
  const tableName = sql.raw(`"${getTableName(table)}"`);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const json = JSON.stringify(
      rows
        .slice(i, i + ROWS_PER_STATEMENT)
        .map((row) =>
          Object.fromEntries(keys.map((key, k) => [names[k], (row as Record<string, unknown>)[key] ?? null])),
        ),
    );
    const result = await db.execute(
      sql`insert into ${tableName} (${list}) select ${list} from json_populate_recordset(null::${tableName}, ${json}::json)${returned}`,
    );
    back.push(...(result.rows as Pick<T["$inferSelect"], K>[]));
  }
  return back;
}
