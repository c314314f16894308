import { asc, count, eq, max, sql } from "drizzle-orm";
import { actorLabel } from "@/server/core/actor";
import { CsvSyntaxError, parseCsv } from "@/server/core/csv";
import { DomainError } from "@/server/core/errors";
import {
  readSnapshotFile,
  snapshotLimits,
  type SnapshotFile,
  type SnapshotRecord,
} from "@/server/core/migration/snapshot-file";
import type { DbOrTx, Tx } from "@/server/db/client";
import { accessSnapshots, resources, systems } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";

/** How many of each finding a preview lists (the counts are always whole). */
const LISTED = 100;
const BATCH = 20_000;

export interface SnapshotInput {
  systemKey: string;
  csv: string;
}

async function loadSystem(db: DbOrTx, systemKey: string) {
  const [system] = await db
    .select({ key: systems.key, name: systems.name, levels: systems.accessLevels })
    .from(systems)
    .where(eq(systems.key, systemKey));
  if (!system) throw new DomainError("NOT_FOUND", `There is no system "${systemKey}"`, { field: "systemKey" });
  const [catalog, keys] = await Promise.all([
    db.select({ key: resources.key }).from(resources).where(eq(resources.systemKey, systemKey)),
    db.select({ key: systems.key }).from(systems),
  ]);
  return { ...system, resources: catalog.map((r) => r.key), systemKeys: new Set(keys.map((k) => k.key)) };
}

function csvRows(csv: string) {
  const bytes = Buffer.byteLength(csv, "utf8");
  if (bytes > snapshotLimits.bytes) {
    throw new DomainError(
      "INVALID_INPUT",
      `csv: the file is ${(bytes / 1024 / 1024).toFixed(1)} MB; a snapshot takes at most ${snapshotLimits.bytes / 1024 / 1024} MB (split it by system)`,
      { field: "csv" },
    );
  }
  try {
    return parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new DomainError("INVALID_INPUT", `csv: line ${err.line}: ${err.message}`, { field: "csv" });
    throw err;
  }
}

async function readSnapshot(db: DbOrTx, input: SnapshotInput) {
  const system = await loadSystem(db, input.systemKey);
  const file = readSnapshotFile(csvRows(input.csv), system, system.systemKeys);
  if (file.dataRows > snapshotLimits.rows) {
    throw new DomainError(
      "INVALID_INPUT",
      `csv: the file has ${file.dataRows.toLocaleString("en")} rows; a snapshot takes at most ${snapshotLimits.rows.toLocaleString("en")}`,
      { field: "csv" },
    );
  }
  return { system, file };
}

/** Accounts in the file that no identity's username matches (orphaned accounts, or names to map). */
async function unmatchedAccounts(db: DbOrTx, records: readonly SnapshotRecord[]) {
  const rowsOf = new Map<string, number>();
  for (const r of records) rowsOf.set(r.username, (rowsOf.get(r.username) ?? 0) + 1);
  if (rowsOf.size === 0) return [];
  const result = await db.execute<{ username: string }>(sql`
    select u as username from unnest(${sql.param([...rowsOf.keys()])}::text[]) as u
    where not exists (select 1 from identities i where i.username = u)
    order by u`);
  return result.rows.map((r) => ({ username: r.username, rows: rowsOf.get(r.username)! }));
}

async function currentRows(db: DbOrTx, systemKey: string) {
  const [row] = await db
    .select({ rows: count(), importedAt: max(accessSnapshots.importedAt), importedBy: max(accessSnapshots.importedBy) })
    .from(accessSnapshots)
    .where(eq(accessSnapshots.systemKey, systemKey));
  return { rows: row?.rows ?? 0, importedAt: row?.importedAt ?? null, importedBy: row?.importedBy ?? null };
}

function summary(file: SnapshotFile, unmatched: { rows: number }[]) {
  return {
    dataRows: file.dataRows,
    records: file.records.length,
    accounts: new Set(file.records.map((r) => r.username)).size,
    resources: new Set(file.records.map((r) => r.resource)).size,
    unmatchedAccounts: unmatched.length,
    unknownResources: file.unknownResources.length,
    unknownLevels: file.unknownLevels.length,
    duplicates: file.duplicates.length,
    errors: file.problems.length,
  };
}

/**
 * What importing a system's snapshot would store, changing nothing: counts, every error by row
 * and column, and what to look at before importing: accounts no identity has, resources the
 * catalog lacks, levels the system does not have, duplicate rows (merged).
 */
export async function previewSnapshotImport({ ctx, input }: { ctx: ServiceContext; input: SnapshotInput }) {
  const { system, file } = await readSnapshot(ctx.db, input);
  const [unmatched, replaces] = await Promise.all([
    unmatchedAccounts(ctx.db, file.records),
    currentRows(ctx.db, system.key),
  ]);
  return {
    system: { key: system.key, name: system.name, levels: system.levels },
    counts: summary(file, unmatched),
    replaces,
    ignoredColumns: file.ignoredColumns,
    problems: file.problems.slice(0, LISTED),
    unmatchedAccounts: unmatched.slice(0, LISTED),
    unknownResources: file.unknownResources.slice(0, LISTED),
    unknownLevels: file.unknownLevels.slice(0, LISTED),
    duplicates: file.duplicates.slice(0, LISTED),
    sample: file.records.slice(0, 10),
  };
}

async function insertRecords(tx: Tx, systemKey: string, records: readonly SnapshotRecord[], at: Date, by: string) {
  for (let i = 0; i < records.length; i += BATCH) {
    const batch = records.slice(i, i + BATCH);
    await tx.execute(sql`
      insert into access_snapshots (system_key, username, resource_key, level, imported_at, imported_by)
      select ${systemKey}::text, u, r, l, ${at}::timestamptz, ${by}::text
      from unnest(${sql.param(batch.map((b) => b.username))}::text[],
                  ${sql.param(batch.map((b) => b.resource))}::text[],
                  ${sql.param(batch.map((b) => b.level))}::text[]) as t(u, r, l)`);
  }
}

/**
 * Replaces a system's snapshot with the file, in one transaction with its audit event. A file
 * with any error is refused whole, naming the first error's row and column; nothing changes.
 */
export async function importSnapshot({ ctx, input }: { ctx: ServiceContext; input: SnapshotInput }) {
  const { system, file } = await readSnapshot(ctx.db, input);
  const first = file.problems[0];
  if (first) {
    const more =
      file.problems.length > 1
        ? ` (and ${file.problems.length - 1} more error${file.problems.length === 2 ? "" : "s"})`
        : "";
    throw new DomainError(
      "INVALID_INPUT",
      `csv: row ${first.row}${first.column ? `, column ${first.column}` : ""}: ${first.message}${more}; nothing was imported`,
      { field: "csv" },
    );
  }
  const unmatched = await unmatchedAccounts(ctx.db, file.records);
  const counts = summary(file, unmatched);
  const now = ctx.clock();
  return ctx.db.transaction(async (tx) => {
    // Two imports of one system take turns; FOR NO KEY UPDATE leaves other writers' foreign keys alone.
    await tx.select({ key: systems.key }).from(systems).where(eq(systems.key, system.key)).for("no key update");
    const before = await currentRows(tx, system.key);
    await tx.delete(accessSnapshots).where(eq(accessSnapshots.systemKey, system.key));
    await insertRecords(tx, system.key, file.records, now, actorLabel(ctx.actor));
    await recordAuditEvent(tx, ctx, {
      action: "snapshot.imported",
      subjectType: "system",
      subjectId: system.key,
      before: { rows: before.rows, importedAt: before.importedAt, importedBy: before.importedBy },
      after: { rows: counts.records, accounts: counts.accounts, resources: counts.resources },
      reason: "Current access imported for the migration to policy",
      context: {
        unmatchedAccounts: counts.unmatchedAccounts,
        unknownResources: counts.unknownResources,
        unknownLevels: counts.unknownLevels,
        duplicates: counts.duplicates,
      },
    });
    return { systemKey: system.key, systemName: system.name, replaced: before.rows, ...counts };
  });
}

/** Every system with what its snapshot holds (nothing yet for most, at first). */
export async function listSnapshotSystems({ ctx }: { ctx: ServiceContext }) {
  const rows = await ctx.db
    .select({
      key: systems.key,
      name: systems.name,
      levels: systems.accessLevels,
      rows: sql<number>`count(${accessSnapshots.username})::int`,
      accounts: sql<number>`count(distinct ${accessSnapshots.username})::int`,
      importedAt: max(accessSnapshots.importedAt),
      importedBy: max(accessSnapshots.importedBy),
    })
    .from(systems)
    .leftJoin(accessSnapshots, eq(accessSnapshots.systemKey, systems.key))
    .groupBy(systems.key)
    .orderBy(asc(systems.name));
  return rows;
}
