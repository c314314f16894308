import { asc, eq } from "drizzle-orm";
import { AdapterError } from "@/server/adapters/types";
import { CsvSyntaxError, parseCsv } from "@/server/core/csv";
import { DomainError } from "@/server/core/errors";
import {
  compareDiscovery,
  mergeCsvRow,
  readResourceCsv,
  resourceKeyOf,
  type DiscoveredResource,
} from "@/server/core/resources/catalog";
import { resources } from "@/server/db/schema";
import type { ServiceContext } from "../context";
import { adapterOf } from "../provisioning/adapters";
import {
  activeSystem,
  catalogEntry,
  resourceInUse,
  saveResourceIn,
  textsNamingResources,
  type SaveOutcome,
} from "./catalog";

const CSV_LIMIT_BYTES = 1024 * 1024;
const CSV_LIMIT_ROWS = 5_000;
const DISCOVERY_TIMEOUT_MS = 20_000;

function readCsv(csv: string, systemKey: string) {
  if (Buffer.byteLength(csv, "utf8") > CSV_LIMIT_BYTES)
    throw new DomainError("INVALID_INPUT", "csv: a resource file takes at most 1 MB", { field: "csv" });
  let rows;
  try {
    rows = parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvSyntaxError)
      throw new DomainError("INVALID_INPUT", `csv line ${err.line}: ${err.message}`, { field: "csv" });
    throw err;
  }
  if (rows.length > CSV_LIMIT_ROWS + 1)
    throw new DomainError("INVALID_INPUT", `csv: at most ${CSV_LIMIT_ROWS.toLocaleString("en")} resources a file`, {
      field: "csv",
    });
  return readResourceCsv(rows, systemKey);
}

/**
 * A resource CSV for one system: checked whole, then (with `apply`) every row saved in one
 * transaction, which rolls back on the first refusal. Without `apply` nothing is written: the
 * preview says what each row would do (a transaction that is rolled back runs the same checks).
 */
export async function importResourceCsv({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; csv: string; apply: boolean };
}): Promise<{
  problems: { line: number; field: string; message: string }[];
  rows: { key: string; outcome: SaveOutcome }[];
  applied: boolean;
}> {
  await activeSystem(ctx.db, input.systemKey);
  const { inputs, fields, problems } = readCsv(input.csv, input.systemKey);
  if (problems.length) return { problems, rows: [], applied: false };
  const preview = Symbol("preview");
  const rows: { key: string; outcome: SaveOutcome }[] = [];
  try {
    await ctx.db.transaction(async (tx) => {
      for (const { line, ...row } of inputs) {
        try {
          // A resource already in the catalog keeps what the file has no column for.
          const current = await catalogEntry(tx, resourceKeyOf(row));
          const resource = current ? mergeCsvRow(current, row, fields) : row;
          rows.push(await saveResourceIn(tx, ctx, resource, "upsert", "csv import"));
        } catch (err) {
          if (err instanceof DomainError) problems.push({ line, field: err.field ?? "csv", message: err.message });
          else throw err;
        }
      }
      if (problems.length || !input.apply) throw preview;
    });
  } catch (err) {
    if (err !== preview) throw err;
    return { problems, rows: problems.length ? [] : rows, applied: false };
  }
  return { problems: [], rows, applied: true };
}

async function discovered(system: Awaited<ReturnType<typeof activeSystem>>): Promise<DiscoveredResource[]> {
  let adapter;
  try {
    adapter = adapterOf(system);
  } catch (err) {
    if (err instanceof AdapterError) throw new DomainError("INVALID_INPUT", err.message, { field: "systemKey" });
    throw err;
  }
  if (!adapter.listResources)
    throw new DomainError(
      "INVALID_INPUT",
      `The ${system.adapterKind} adapter cannot list what ${system.name} has: add its resources by hand or by CSV`,
      { field: "systemKey" },
    );
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      adapter.listResources(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new AdapterError("no answer within 20 seconds", true)), DISCOVERY_TIMEOUT_MS);
      }),
    ]);
  } catch (err) {
    if (err instanceof AdapterError)
      throw new DomainError("PRECONDITION_FAILED", `${system.name} could not be read: ${err.message}`, {
        field: "systemKey",
      });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks the system's adapter what it has (LDAP groups, PostgreSQL roles) and compares it with the
 * catalog: what is new, and what the catalog has that the system no longer reports (with what
 * keeps each from being removed). Reads only; the adapter is called outside any transaction.
 */
export async function discoverResources({ ctx, input }: { ctx: ServiceContext; input: { systemKey: string } }) {
  const system = await activeSystem(ctx.db, input.systemKey);
  const found = await discovered(system);
  const catalog = await ctx.db
    .select({ key: resources.key })
    .from(resources)
    .where(eq(resources.systemKey, system.key))
    .orderBy(asc(resources.key));
  const diff = compareDiscovery(
    system.key,
    found,
    catalog.map((r) => r.key),
  );
  const disappeared: { key: string; inUse: string[] }[] = [];
  // Policy files and fallbacks are read once for all of them.
  const texts = diff.disappeared.length ? await textsNamingResources(ctx.db) : [];
  for (const key of diff.disappeared) disappeared.push({ key, inUse: await resourceInUse(ctx.db, key, texts) });
  return { added: diff.added, disappeared, unchanged: diff.unchanged };
}

/**
 * Adds the discovered resources IT ticked. Discovery runs again first (outside the transaction),
 * so only what the system really has is added, with the name and description it reports.
 */
export async function addDiscoveredResources({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { systemKey: string; keys: string[] };
}) {
  const system = await activeSystem(ctx.db, input.systemKey);
  const found = new Map((await discovered(system)).map((d) => [`${system.key}:${d.type}:${d.name}`, d]));
  const missing = input.keys.filter((k) => !found.has(k));
  if (missing.length)
    throw new DomainError("CONFLICT", `${system.name} no longer has ${missing.join(", ")}: discover again`, {
      field: "keys",
    });
  return ctx.db.transaction(async (tx) => {
    const added: string[] = [];
    for (const key of [...new Set(input.keys)].sort()) {
      const d = found.get(key)!;
      const saved = await saveResourceIn(
        tx,
        ctx,
        {
          systemKey: system.key,
          type: d.type,
          name: d.name,
          displayName: "",
          description: (d.description ?? "").slice(0, 1000),
          sensitivity: "medium",
          requestable: true,
          defaultTemplateKey: null,
          ownerEmails: [],
        },
        "create",
        "discovery",
      );
      added.push(saved.key);
    }
    return { added };
  });
}
