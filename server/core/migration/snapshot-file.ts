import { isBlankRow, type CsvRow } from "../csv";
import { RESOURCE_PATTERN } from "../policy/parse";

/**
 * Reading one system's export of current access (seed 001, phase 1): a header row, then one
 * row per account and resource. Columns are `username` or `email` (who holds it), `resource`
 * (`system:type:name`, `type:name`, or a bare name the system's catalog knows) and an optional
 * `level`. Other columns (display names, last login, ...) are ignored and listed.
 */
export const snapshotLimits = { rows: 200_000, bytes: 10 * 1024 * 1024 } as const;

/** Something wrong with the file: the row as a spreadsheet numbers it (header = 1) and the column. */
export interface SnapshotProblem {
  row: number;
  column: string | null;
  message: string;
}

export interface SnapshotRecord {
  row: number;
  /** the account name on the system, as identities' `username` is: an email's local part, lowercase */
  username: string;
  resource: string;
  level: string | null;
}

export interface SnapshotDuplicate {
  rows: number[];
  username: string;
  resource: string;
  /** the level kept: the highest the system orders, else the first written */
  keptLevel: string | null;
}

/** A value the file uses that the catalog does not know, how often, and where first. */
export interface SnapshotUnknown {
  value: string;
  rows: number;
  firstRow: number;
}

export interface SnapshotFile {
  /** one per account and resource, duplicates merged; rows with a problem are left out */
  records: SnapshotRecord[];
  problems: SnapshotProblem[];
  ignoredColumns: string[];
  /** rows with content, header and blank rows aside */
  dataRows: number;
  duplicates: SnapshotDuplicate[];
  unknownResources: SnapshotUnknown[];
  unknownLevels: SnapshotUnknown[];
}

export interface SnapshotSystem {
  key: string;
  /** ordered lowest first */
  levels: readonly string[];
  /** every resource key of this system in the catalog */
  resources: readonly string[];
}

type Column = "username" | "email" | "resource" | "level";
const COLUMNS: readonly Column[] = ["username", "email", "resource", "level"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const normalizeColumn = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");

/** An account written as an email counts as its local part, the way identities derive `username`. */
export const accountName = (written: string) => written.trim().toLowerCase().split("@")[0]!;

interface Header {
  positions: Partial<Record<Column, number>>;
  ignored: string[];
  problems: SnapshotProblem[];
}

function readHeader(cells: readonly string[], row: number): Header {
  const positions: Partial<Record<Column, number>> = {};
  const ignored: string[] = [];
  const problems: SnapshotProblem[] = [];
  cells.forEach((written, i) => {
    const name = normalizeColumn(written);
    if (!(COLUMNS as readonly string[]).includes(name)) {
      if (name) ignored.push(written.trim());
      return;
    }
    if (positions[name as Column] !== undefined)
      problems.push({ row, column: written.trim(), message: `The column ${name} appears twice in the header` });
    else positions[name as Column] = i;
  });
  if (positions.username === undefined && positions.email === undefined) {
    problems.push({
      row,
      column: null,
      message: "The header needs a username column (or email) saying whose access each row is",
    });
  }
  if (positions.resource === undefined)
    problems.push({
      row,
      column: null,
      message: "The header needs a resource column (system:type:name, or type:name)",
    });
  return { positions, ignored, problems };
}

/** The catalog key a resource cell stands for, or why it cannot be one. */
function resolveResource(
  cell: string,
  system: SnapshotSystem,
  systemKeys: ReadonlySet<string>,
): { key: string } | { problem: string } {
  const first = cell.slice(0, cell.indexOf(":"));
  if (cell.includes(":") && first === system.key && RESOURCE_PATTERN.test(cell)) return { key: cell };
  if (cell.includes(":") && first !== system.key && systemKeys.has(first) && RESOURCE_PATTERN.test(cell)) {
    return {
      problem: `"${cell}" is a ${first} resource, but this snapshot is of ${system.key}: import it with ${first}`,
    };
  }
  if (cell.includes(":")) {
    const key = `${system.key}:${cell}`;
    return RESOURCE_PATTERN.test(key)
      ? { key }
      : { problem: `"${cell}" is not a resource: write system:type:name or type:name` };
  }
  const named = system.resources.filter((r) => r.slice(r.indexOf(":", system.key.length + 1) + 1) === cell);
  if (named.length === 1) return { key: named[0]! };
  if (named.length > 1)
    return {
      problem: `"${cell}" names ${named.length} ${system.key} resources (${named.join(", ")}): write type:name`,
    };
  return {
    problem: `No ${system.key} resource in the catalog is named "${cell}": write it as type:name (e.g. group:${cell})`,
  };
}

/** The system's own spelling of a level written in any case; null when it has no such level. */
function knownLevel(level: string, system: SnapshotSystem): string | null {
  return system.levels.find((l) => l.toLowerCase() === level.toLowerCase()) ?? null;
}

function countUnknown(into: Map<string, SnapshotUnknown>, value: string, row: number) {
  const seen = into.get(value);
  if (seen) seen.rows++;
  else into.set(value, { value, rows: 1, firstRow: row });
}

/**
 * Reads and checks every row of a system's snapshot. Problems (which refuse the import) name
 * the row and column; resources the catalog does not know, levels the system does not have and
 * duplicate rows are kept and reported, since they describe the system as it is.
 */
export function readSnapshotFile(
  rows: readonly CsvRow[],
  system: SnapshotSystem,
  systemKeys: ReadonlySet<string>,
): SnapshotFile {
  const numbered = rows.map((r, i) => ({ row: i + 1, cells: r.cells })).filter((r) => !isBlankRow(r));
  const empty: SnapshotFile = {
    records: [],
    problems: [],
    ignoredColumns: [],
    dataRows: 0,
    duplicates: [],
    unknownResources: [],
    unknownLevels: [],
  };
  const [first, ...data] = numbered;
  if (!first)
    return {
      ...empty,
      problems: [
        {
          row: 1,
          column: null,
          message: "The file is empty: it needs a header row and a row per account and resource",
        },
      ],
    };
  const header = readHeader(first.cells, first.row);
  if (header.problems.length > 0)
    return { ...empty, problems: header.problems, ignoredColumns: header.ignored, dataRows: data.length };
  if (data.length === 0)
    return {
      ...empty,
      problems: [{ row: first.row, column: null, message: "The file has a header but no access rows" }],
      ignoredColumns: header.ignored,
    };

  const catalog = new Set(system.resources);
  const problems: SnapshotProblem[] = [];
  const byKey = new Map<string, SnapshotRecord & { rows: number[] }>();
  const unknownResources = new Map<string, SnapshotUnknown>();
  const unknownLevels = new Map<string, SnapshotUnknown>();
  const cell = (cells: readonly string[], column: Column) => {
    const at = header.positions[column];
    return at === undefined ? "" : (cells[at] ?? "").trim();
  };

  for (const { row, cells } of data) {
    const usernameCell = cell(cells, "username");
    const emailCell = cell(cells, "email");
    const resourceCell = cell(cells, "resource");
    const levelCell = cell(cells, "level");
    const before = problems.length;
    if (!usernameCell && !emailCell) {
      problems.push({
        row,
        column: header.positions.username !== undefined ? "username" : "email",
        message: "Whose access is this? The row has no username or email",
      });
    } else if (!usernameCell && !EMAIL.test(emailCell)) {
      problems.push({ row, column: "email", message: `email must be an email address, not "${emailCell}"` });
    } else if (/\s/.test(usernameCell)) {
      problems.push({ row, column: "username", message: `username "${usernameCell}" has a space in it` });
    } else if (usernameCell && !accountName(usernameCell)) {
      problems.push({ row, column: "username", message: `username "${usernameCell}" has nothing before the @` });
    }
    let resource: string | null = null;
    if (!resourceCell) problems.push({ row, column: "resource", message: "The row has no resource" });
    else {
      const resolved = resolveResource(resourceCell, system, systemKeys);
      if ("problem" in resolved) problems.push({ row, column: "resource", message: resolved.problem });
      else resource = resolved.key;
    }
    if (problems.length > before || resource === null) continue;

    const username = accountName(usernameCell || emailCell);
    const level = levelCell ? (knownLevel(levelCell, system) ?? levelCell) : null;
    if (!catalog.has(resource)) countUnknown(unknownResources, resource, row);
    if (level !== null && !knownLevel(level, system)) countUnknown(unknownLevels, level, row);
    const key = `${username}\u0000${resource}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { row, username, resource, level, rows: [row] });
    else {
      seen.rows.push(row);
      if (
        level !== null &&
        system.levels.indexOf(level) > (seen.level === null ? -1 : system.levels.indexOf(seen.level))
      )
        seen.level = level;
    }
  }

  const merged = [...byKey.values()];
  return {
    records: merged.map(({ rows: _, ...r }) => r),
    problems,
    ignoredColumns: header.ignored,
    dataRows: data.length,
    duplicates: merged
      .filter((r) => r.rows.length > 1)
      .map((r) => ({ rows: r.rows, username: r.username, resource: r.resource, keptLevel: r.level })),
    unknownResources: [...unknownResources.values()],
    unknownLevels: [...unknownLevels.values()],
  };
}
