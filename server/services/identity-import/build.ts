import { createHash } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { CsvSyntaxError, parseCsv } from "@/server/core/csv";
import { DomainError } from "@/server/core/errors";
import { planImport, type ExistingPerson, type ImportPlan } from "@/server/core/identity/import-plan";
import { withOwnership, type ImportOwnership } from "@/server/core/identity/import-ownership";
import {
  importLimits,
  readImportTable,
  type ImportKeyColumn,
  type ImportTable,
} from "@/server/core/identity/import-table";
import type { DbOrTx } from "@/server/db/client";
import { attributesOf } from "@/server/db/identity-columns";
import { hrSources, identities, organizationSettings } from "@/server/db/schema";

export interface BuiltImport {
  table: ImportTable;
  plan: ImportPlan;
  /** the file and the state of everyone it touches: apply refuses when either differs */
  fingerprint: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const manager = alias(identities, "manager");

function readTable(csv: string): ImportTable {
  const bytes = Buffer.byteLength(csv, "utf8");
  if (bytes > importLimits.bytes)
    throw new DomainError(
      "INVALID_INPUT",
      `csv: the file is ${(bytes / 1024 / 1024).toFixed(1)} MB; an import takes at most 5 MB`,
      { field: "csv" },
    );
  const table = readImportTable(csvRows(csv));
  if (table.dataRows > importLimits.rows) {
    throw new DomainError(
      "INVALID_INPUT",
      `csv: the file has ${table.dataRows.toLocaleString("en")} people; an import takes at most ${importLimits.rows.toLocaleString("en")} (split it)`,
      { field: "csv" },
    );
  }
  return table;
}

function csvRows(csv: string) {
  try {
    return parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new DomainError("INVALID_INPUT", `csv: line ${err.line}: ${err.message}`, { field: "csv" });
    throw err;
  }
}

/** The people the file names, by its key; locked when the import is about to be applied. */
async function loadPeople(db: DbOrTx, keyColumn: ImportKeyColumn | null, keys: string[], lock: boolean) {
  if (!keyColumn || keys.length === 0) return [];
  const where =
    keyColumn === "external_id" ? inArray(identities.externalId, keys) : inArray(sql`lower(${identities.email})`, keys);
  const query = db
    .select({ identity: identities, managerEmail: manager.email })
    .from(identities)
    .leftJoin(manager, eq(manager.id, identities.managerId))
    .where(where)
    .orderBy(identities.id);
  return lock ? query.for("update", { of: identities }) : query;
}

/** Who already has each email the file mentions (as a person's own email or as a manager). */
async function loadEmailOwners(db: DbOrTx, emails: string[]) {
  if (emails.length === 0) return new Map<string, string>();
  const rows = await db
    .select({ email: identities.email, externalId: identities.externalId })
    .from(identities)
    .where(inArray(sql`lower(${identities.email})`, emails));
  return new Map(rows.map((r) => [r.email.toLowerCase(), r.externalId]));
}

/**
 * Reads the file and compares it with the directory. Pure reading: nothing is written. With
 * `lock`, the people it touches are locked until the caller's transaction ends.
 */
export async function buildImport(
  db: DbOrTx,
  csv: string,
  opts: { lock: boolean; importerId: string | null },
): Promise<BuiltImport> {
  const table = readTable(csv);
  const rows = await loadPeople(
    db,
    table.keyColumn,
    table.records.map((r) => r.key),
    opts.lock,
  );
  const byKey = new Map<string, ExistingPerson & { updatedAt: Date }>();
  for (const { identity: i, managerEmail } of rows) {
    const key = table.keyColumn === "email" ? i.email.toLowerCase() : i.externalId;
    byKey.set(key, {
      id: i.id,
      externalId: i.externalId,
      email: i.email,
      displayName: i.displayName,
      attributes: attributesOf(i, managerEmail?.toLowerCase() ?? null),
      updatedAt: i.updatedAt,
    });
  }
  const mentioned = new Set<string>();
  for (const r of table.records) {
    if (r.email) mentioned.add(r.email);
    if (typeof r.values.manager === "string") mentioned.add(r.values.manager);
  }
  const emailOwners = await loadEmailOwners(db, [...mentioned]);
  const ownership = await importOwnership(
    db,
    rows.map((r) => ({ id: r.identity.id, managedBy: r.identity.managedBy })),
  );
  const plan = withOwnership(planImport(table, { byKey, emailOwners, importerId: opts.importerId }), ownership);
  const state = [...byKey]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, p]) => [key, p.id, p.updatedAt.toISOString(), p.attributes]);
  const owners = [...emailOwners].sort(([a], [b]) => a.localeCompare(b));
  // what is owned is part of what the preview showed: apply refuses when it changed since
  const owned = [ownership.csv, ...rows.map((r) => [r.identity.id, ownership.authorityOf(r.identity.id)])];
  return { table, plan, fingerprint: sha256(JSON.stringify({ csv: sha256(csv), state, owners, owned })) };
}

/** What a CSV import owns, and what the sources managing the people it names own. */
async function importOwnership(
  db: DbOrTx,
  people: { id: string; managedBy: string | null }[],
): Promise<ImportOwnership> {
  const [settings] = await db
    .select({ owned: organizationSettings.csvOwnedAttributes })
    .from(organizationSettings)
    .limit(1);
  const keys = [...new Set(people.flatMap((p) => (p.managedBy ? [p.managedBy] : [])))];
  const sources = keys.length
    ? await db
        .select({ key: hrSources.key, owned: hrSources.ownedAttributes })
        .from(hrSources)
        .where(inArray(hrSources.key, keys))
    : [];
  const ownedBy = new Map(sources.map((s) => [s.key, s.owned ?? null]));
  const managedBy = new Map(people.map((p) => [p.id, p.managedBy]));
  return {
    csv: settings?.owned ?? null,
    authorityOf: (id) => {
      const key = managedBy.get(id);
      return key ? { sourceKey: key, owned: ownedBy.get(key) ?? null } : null;
    },
  };
}

export function importCounts(plan: ImportPlan) {
  const count = (kind: string) => plan.outcomes.filter((o) => o.kind === kind).length;
  return { new: count("new"), changed: count("changed"), unchanged: count("unchanged"), errors: plan.problems.length };
}
