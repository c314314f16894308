import { diffAttributes, hasValue, type AttributeChange, type AttributeValue, type HrAttribute } from "./attributes";
import type { ImportProblem, ImportRecord, ImportTable } from "./import-table";
import type { IgnoredWrite } from "./ownership";

/** A person the file names who already exists. */
export interface ExistingPerson {
  id: string;
  externalId: string;
  email: string;
  displayName: string;
  attributes: Record<HrAttribute, AttributeValue>;
}

export interface PersonRef {
  id: string | null;
  externalId: string;
  email: string;
  displayName: string;
}

export type ImportOutcome =
  | {
      kind: "new";
      row: number;
      person: PersonRef;
      changes: AttributeChange[];
      values: Partial<Record<HrAttribute, AttributeValue>>;
      /** values the file gives for attributes a CSV import does not own (import-ownership.ts) */
      ignored?: IgnoredWrite[];
    }
  | {
      kind: "changed";
      row: number;
      person: PersonRef & { id: string };
      changes: AttributeChange[];
      ignored?: IgnoredWrite[];
    }
  | { kind: "unchanged"; row: number; person: PersonRef & { id: string }; ignored?: IgnoredWrite[] };

export interface ImportPlan {
  /** new people first, each after the manager the file also creates; then changes, by row */
  outcomes: ImportOutcome[];
  /** the file's own problems and those the directory reveals, by row */
  problems: ImportProblem[];
}

export interface Directory {
  /** people the file names, by the file's key (external id, or lowercase email) */
  byKey: ReadonlyMap<string, ExistingPerson>;
  /** lowercase email → external id, for every email the file mentions that someone already has */
  emailOwners: ReadonlyMap<string, string>;
  /** the person importing: nobody changes their own HR record (their access follows from it) */
  importerId?: string | null;
}

const nameFrom = (externalId: string) =>
  externalId
    .split(/[._-]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join(" ");

/**
 * What importing the file would do to each person: create them, change attributes (old → new),
 * or nothing. Problems that only the directory reveals are added: an unknown manager, an email
 * someone else has, a new person the file cannot create. The caller applies the outcomes in order.
 */
export function planImport(table: ImportTable, directory: Directory): ImportPlan {
  const problems: ImportProblem[] = [...table.problems];
  const created: Extract<ImportOutcome, { kind: "new" }>[] = [];
  const updates: ImportOutcome[] = [];
  const newEmails = new Map<string, number>();

  for (const record of table.records) {
    const existing = directory.byKey.get(record.key);
    const rowProblems = existing ? checkExisting(record, existing) : checkNew(record, table, directory, newEmails);
    if (rowProblems.length) {
      problems.push(...rowProblems);
      continue;
    }
    if (existing) {
      const person = {
        id: existing.id,
        externalId: existing.externalId,
        email: existing.email,
        displayName: existing.displayName,
      };
      const changes = diffAttributes(existing.attributes, record.values);
      if (changes.length && existing.id === directory.importerId) {
        problems.push({
          row: record.row,
          column: null,
          message: "This is your own HR record: your access follows from it, so HR or another IT admin changes it",
        });
        continue;
      }
      updates.push(
        changes.length
          ? { kind: "changed", row: record.row, person, changes }
          : { kind: "unchanged", row: record.row, person },
      );
    } else {
      const externalId = record.externalId!;
      const values = { employment_status: "Active", ...record.values };
      const changes = diffAttributes({}, values).filter((c) => hasValue(c.newValue));
      created.push({
        kind: "new",
        row: record.row,
        person: { id: null, externalId, email: record.email!, displayName: record.displayName ?? nameFrom(externalId) },
        changes,
        values,
      });
    }
  }
  problems.push(...managerProblems(table.records, directory, newEmails));
  const failedRows = new Set(problems.map((p) => p.row));
  const ordered = managersFirst(
    created.filter((c) => !failedRows.has(c.row)),
    problems,
  );
  return {
    outcomes: [...ordered, ...updates.filter((u) => !failedRows.has(u.row))],
    problems: problems.sort((a, b) => a.row - b.row),
  };
}

function checkExisting(record: ImportRecord, existing: ExistingPerson): ImportProblem[] {
  if (record.email && record.externalId && record.email !== existing.email.toLowerCase()) {
    return [
      {
        row: record.row,
        column: "email",
        message: `${existing.externalId}'s email is ${existing.email}, not ${record.email}: the import does not change emails`,
      },
    ];
  }
  return [];
}

function checkNew(
  record: ImportRecord,
  table: ImportTable,
  directory: Directory,
  newEmails: Map<string, number>,
): ImportProblem[] {
  const row = record.row;
  if (table.keyColumn === "email")
    return [
      {
        row,
        column: "email",
        message: `No one has the email ${record.key}: to add a new person, add an external_id column`,
      },
    ];
  if (!record.email) return [{ row, column: "email", message: `${record.key} is a new person and needs an email` }];
  const owner = directory.emailOwners.get(record.email);
  if (owner) return [{ row, column: "email", message: `${record.email} already belongs to ${owner}` }];
  const earlier = newEmails.get(record.email);
  if (earlier)
    return [{ row, column: "email", message: `${record.email} is already on row ${earlier}: one row per person` }];
  newEmails.set(record.email, row);
  return [];
}

/** A manager must be someone who exists or whom the file adds, and not the person themself. */
function managerProblems(
  records: readonly ImportRecord[],
  directory: Directory,
  newEmails: ReadonlyMap<string, number>,
): ImportProblem[] {
  const problems: ImportProblem[] = [];
  for (const r of records) {
    const manager = r.values.manager;
    if (typeof manager !== "string") continue;
    const own = (directory.byKey.get(r.key)?.email ?? r.email)?.toLowerCase();
    if (manager === own)
      problems.push({ row: r.row, column: "manager", message: "A person cannot be their own manager" });
    else if (!directory.emailOwners.has(manager) && !newEmails.has(manager)) {
      problems.push({
        row: r.row,
        column: "manager",
        message: `No one has the manager email ${manager}, and the file does not add them`,
      });
    }
  }
  return problems;
}

/** New people ordered so that a manager the file adds is created before those reporting to them. */
function managersFirst(created: Extract<ImportOutcome, { kind: "new" }>[], problems: ImportProblem[]) {
  const byEmail = new Map(created.map((c) => [c.person.email, c]));
  const ordered: typeof created = [];
  const state = new Map<number, "visiting" | "ok" | "failed">();
  const visit = (c: (typeof created)[number]): boolean => {
    const s = state.get(c.row);
    if (s === "ok" || s === "failed") return s === "ok";
    if (s === "visiting") return false;
    state.set(c.row, "visiting");
    const manager = typeof c.values.manager === "string" ? byEmail.get(c.values.manager) : undefined;
    const ok = manager ? visit(manager) : true;
    state.set(c.row, ok ? "ok" : "failed");
    if (ok) ordered.push(c);
    else
      problems.push({
        row: c.row,
        column: "manager",
        message: `${c.person.externalId}'s managers in this file report to each other in a loop`,
      });
    return ok;
  };
  created.forEach(visit);
  return ordered;
}
