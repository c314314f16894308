import { isBlankRow, type CsvRow } from "../csv";
import { hrAttributes, isListAttribute, type AttributeValue, type HrAttribute } from "./attributes";
import { validateAttributes } from "./validate";

/**
 * Reading an identity import file (its format is explained on app/(portal)/identities/import): a header row naming the columns,
 * then one person per row. Columns are `external_id` (the key), `email` (the key when there
 * is no external_id column), `display_name`, and HR attributes by name. Header names ignore
 * case, and spaces or dashes stand for underscores ("Job Title" is job_title).
 */
export const importLimits = { rows: 10_000, bytes: 5 * 1024 * 1024 } as const;

const descriptiveColumns = ["external_id", "email", "display_name"] as const;
type DescriptiveColumn = (typeof descriptiveColumns)[number];
type Column = DescriptiveColumn | HrAttribute;
const knownColumns: readonly string[] = [...descriptiveColumns, ...hrAttributes];

export type ImportKeyColumn = "external_id" | "email";

/** Something wrong with the file: the row as a spreadsheet numbers it (header = 1) and the column. */
export interface ImportProblem {
  row: number;
  column: string | null;
  message: string;
}

export interface ImportRecord {
  row: number;
  /** how the file names the person: the external id, or the email in lowercase */
  key: string;
  externalId: string | null;
  email: string | null;
  displayName: string | null;
  /** validated values of the attribute columns (an empty cell is "no value") */
  values: Partial<Record<HrAttribute, AttributeValue>>;
}

export interface ImportTable {
  keyColumn: ImportKeyColumn | null;
  attributes: HrAttribute[];
  records: ImportRecord[];
  problems: ImportProblem[];
  /** rows with a person on them, blank rows aside */
  dataRows: number;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const normalizeColumnName = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** `trainings` cells list names separated by `;` or `|` (a comma would split the cell). */
export const splitTrainings = (value: string) =>
  value
    .split(/[;|]/)
    .map((t) => t.trim())
    .filter(Boolean);

function unknownColumnMessage(written: string, name: string): string {
  const near = knownColumns.find((k) => k.split("_").includes(name) || name.split("_").includes(k));
  return (
    `"${written}" is not a column${near ? ` (did you mean ${near}?)` : ""}: use ` +
    `external_id, email, display_name or an HR attribute (${hrAttributes.join(", ")})`
  );
}

interface Header {
  keyColumn: ImportKeyColumn | null;
  /** position → column; null for an unnamed column, which must stay empty */
  columns: (Column | null)[];
  problems: ImportProblem[];
}

function readHeader(cells: string[], row: number): Header {
  const problems: ImportProblem[] = [];
  const seen = new Set<string>();
  const columns = cells.map((written): Column | null => {
    const name = normalizeColumnName(written);
    if (name === "") return null;
    if (!knownColumns.includes(name)) {
      problems.push({ row, column: written.trim(), message: unknownColumnMessage(written.trim(), name) });
      return null;
    }
    if (seen.has(name))
      problems.push({ row, column: written.trim(), message: `The column ${name} appears twice in the header` });
    seen.add(name);
    return name as Column;
  });
  const keyColumn = seen.has("external_id") ? "external_id" : seen.has("email") ? "email" : null;
  if (!keyColumn)
    problems.push({
      row,
      column: null,
      message: "The header needs an external_id column (or email, to match people by their email)",
    });
  return { keyColumn, columns, problems };
}

/** Reads and checks every row; the problems name the row and column, and a row with one is left out. */
export function readImportTable(rows: readonly CsvRow[]): ImportTable {
  const numbered = rows.map((r, i) => ({ row: i + 1, cells: r.cells })).filter((r) => !isBlankRow(r));
  const [first, ...data] = numbered;
  if (!first)
    return {
      keyColumn: null,
      attributes: [],
      records: [],
      problems: [{ row: 1, column: null, message: "The file is empty: it needs a header row and a row per person" }],
      dataRows: 0,
    };
  const header = readHeader(first.cells, first.row);
  const attributes = header.columns.filter(
    (c): c is HrAttribute => c !== null && (hrAttributes as readonly string[]).includes(c),
  );
  const problems = [...header.problems];
  const records: ImportRecord[] = [];
  if (header.problems.length > 0)
    return { keyColumn: header.keyColumn, attributes, records, problems, dataRows: data.length };
  if (data.length === 0)
    problems.push({ row: first.row, column: null, message: "The file has a header but no people" });

  const firstRowOf = new Map<string, number>();
  for (const { row, cells } of data) {
    const rowProblems: ImportProblem[] = [];
    const extra = cells.slice(header.columns.length).some((c) => c.trim() !== "");
    if (cells.length < header.columns.length || extra) {
      problems.push({
        row,
        column: null,
        message: `This row has ${cells.length} cells, but the header has ${header.columns.length} columns`,
      });
      continue;
    }
    const raw: Record<string, unknown> = {};
    const described: Partial<Record<DescriptiveColumn, string | null>> = {};
    header.columns.forEach((column, i) => {
      const cell = cells[i]!.trim();
      if (column === null) {
        if (cell !== "")
          rowProblems.push({
            row,
            column: `column ${i + 1}`,
            message: `Column ${i + 1} has no name in the header, but this row has "${cell}" in it`,
          });
      } else if ((descriptiveColumns as readonly string[]).includes(column))
        described[column as DescriptiveColumn] = cell || null;
      else raw[column] = isListAttribute(column) ? splitTrainings(cell) : cell || null;
    });

    const email = described.email?.toLowerCase() ?? null;
    if (email && !EMAIL.test(email))
      rowProblems.push({ row, column: "email", message: `email must be an email address, not "${described.email}"` });
    const key = header.keyColumn === "email" ? email : (described.external_id ?? null);
    if (!key)
      rowProblems.push({
        row,
        column: header.keyColumn,
        message: `Every row needs ${header.keyColumn === "email" ? "an email" : "an external_id"}: it says who the row is about`,
      });
    else if (firstRowOf.has(key))
      rowProblems.push({
        row,
        column: header.keyColumn,
        message: `${key} is already on row ${firstRowOf.get(key)}: one row per person`,
      });
    else firstRowOf.set(key, row);

    const checked = validateAttributes(raw);
    if (!checked.ok) rowProblems.push(...checked.problems.map((p) => ({ row, column: p.field, message: p.message })));
    if (rowProblems.length > 0 || !checked.ok || !key) {
      problems.push(...rowProblems);
      continue;
    }
    records.push({
      row,
      key,
      externalId: described.external_id ?? null,
      email,
      displayName: described.display_name ?? null,
      values: checked.values,
    });
  }
  return { keyColumn: header.keyColumn, attributes, records, problems, dataRows: data.length };
}
