import { csvRows } from "@/server/core/reports/csv";
import { plural } from "@/server/core/text/plural";
import type { ReportFilters, ReportFormat, ReportKind } from "@/server/core/reports/filters";
import { DomainError } from "@/server/core/errors";
import { recordAuditEvent } from "../audit";
import { listCatalog } from "../catalog";
import { listIdentityFacets } from "../identities";
import type { ServiceContext } from "../context";
import type { ReportSource } from "./report-source";
import { reportSource } from "./sources";

/**
 * Rows per chunk of text: ~50-70 KB of CSV or JSON for an audit event's ~500-600 bytes. A chunk that
 * stays under V8's large-object size (128 KB) is collected young; a batch's whole text (~0.5 MB) went
 * to the large-object space, which only a full collection empties, and grew the process by ~80 MB.
 */
const CHUNK_ROWS = 100;

/** The report as text chunks of up to CHUNK_ROWS rows: CSV with a header, or a JSON array of objects. */
export async function* reportChunks(source: ReportSource, format: "csv" | "json"): AsyncGenerator<string> {
  if (format === "csv") {
    yield csvRows([source.columns]);
    for await (const batch of source.rows())
      for (let i = 0; i < batch.length; i += CHUNK_ROWS) yield csvRows(batch.slice(i, i + CHUNK_ROWS));
    return;
  }
  yield "[";
  let first = true;
  // Each object written by hand from its cells: names encoded once, JSON-text cells embedded as they are.
  // One string per row, joined per chunk: a single string appended to across many rows is a tree of
  // thousands of pieces that outlives young-generation collections (it grew the old space to ~115 MB).
  const names = source.columns.map((c, i) => `${i === 0 ? "{" : ","}${JSON.stringify(c)}:`);
  const raw = source.columns.map((c) => source.jsonColumns?.includes(c) ?? false);
  const objectOf = (cells: unknown[]) => {
    let text = "";
    for (let i = 0; i < names.length; i++) {
      const cell = cells[i];
      text +=
        names[i]! + (cell === null || cell === undefined ? "null" : raw[i] ? (cell as string) : JSON.stringify(cell));
    }
    return `${text}}`;
  };
  for await (const batch of source.rows()) {
    for (let i = 0; i < batch.length; i += CHUNK_ROWS) {
      const end = Math.min(batch.length, i + CHUNK_ROWS);
      const parts = new Array<string>(end - i);
      for (let r = i; r < end; r++) parts[r - i] = objectOf(batch[r]!);
      yield `${first ? "\n" : ",\n"}${parts.join(",\n")}`;
      first = false;
    }
  }
  yield "\n]\n";
}

/** A PDF is a document to read, not a data dump: above this many rows, export CSV or narrow the filters. */
export const PDF_MAX_ROWS = 10_000;

const titles: Record<ReportKind, string> = {
  "access-as-of": "Access as of",
  exceptions: "Exception log",
  approvals: "Approvals",
  leavers: "Leavers",
  "policy-changes": "Policy changes",
  requests: "Request history",
  "audit-events": "Audit trail",
};

/** A report as a PDF table, or null when it has more rows than a PDF should hold. */
export async function reportPdf(
  source: ReportSource,
  kind: ReportKind,
  filters: ReportFilters,
  now: Date,
): Promise<Uint8Array | null> {
  const rows: unknown[][] = [];
  for await (const batch of source.rows()) {
    rows.push(...batch);
    if (rows.length > PDF_MAX_ROWS) return null;
  }
  const narrowed = Object.entries(filters)
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  const shown = (source.pdfColumns ?? source.columns).map((c) => source.columns.indexOf(c));
  const subtitle = `Generated ${now.toISOString().replace("T", " ").slice(0, 16)} UTC. ${plural(rows.length, "row")}. ${narrowed ? `Filters: ${narrowed}.` : "No filters."}${shown.length < source.columns.length ? " The CSV and JSON exports hold every column." : ""}`;
  // Loaded only for a PDF: its fonts and layout engine cost memory that CSV and JSON exports don't need.
  const { renderPdfTable } = await import("./pdf");
  return renderPdfTable({
    title: `Clearance: ${titles[kind]}`,
    subtitle,
    columns: shown.map((i) => source.columns[i]!),
    rows: rows.map((r) => shown.map((i) => r[i])),
  });
}

/**
 * Starts an export for an auditor or IT admin: the export itself is recorded (who took which
 * evidence, with which filters), then the rows stream (CSV, JSON) or the document is built (PDF).
 */
export async function exportReport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { kind: ReportKind; format: ReportFormat; filters: ReportFilters };
}) {
  const source = reportSource(ctx.db, input.kind, input.filters);
  const stamp = ctx.clock().toISOString().slice(0, 10);
  const filename = `clearance-${source.name}-${stamp}.${input.format}`;
  if (input.format === "pdf") {
    const bytes = await reportPdf(source, input.kind, input.filters, ctx.clock());
    if (!bytes)
      throw new DomainError(
        "INVALID_INPUT",
        `More than ${PDF_MAX_ROWS.toLocaleString("en-US")} rows: export CSV, or narrow the filters for a PDF`,
        { field: "format" },
      );
    await recordExport(ctx, input);
    return { filename, bytes };
  }
  await recordExport(ctx, input);
  return { filename, chunks: reportChunks(source, input.format) };
}

async function recordExport(
  ctx: ServiceContext,
  input: { kind: ReportKind; format: ReportFormat; filters: ReportFilters },
) {
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "report.exported",
      subjectType: "report",
      subjectId: input.kind,
      after: { format: input.format, filters: input.filters },
    }),
  );
}

export const BACKGROUND_ABOVE_ROWS = 200_000;

/** The first rows of a report, for reading it on screen before exporting it all. */
export async function previewReport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { kind: ReportKind; filters: ReportFilters; limit: number };
}) {
  const source = reportSource(ctx.db, input.kind, input.filters);
  const rows: unknown[][] = [];
  const cell = (c: unknown) =>
    c instanceof Date ? c.toISOString() : c !== null && typeof c === "object" ? JSON.stringify(c) : c;
  // One row past the limit says there is more; the reader asks for just that many and stops there.
  for await (const batch of source.rows(input.limit + 1)) {
    for (const row of batch) if (rows.length <= input.limit) rows.push(row.map(cell));
    if (rows.length > input.limit) break;
  }
  const more = rows.length > input.limit;
  rows.length = Math.min(rows.length, input.limit);
  // Exports over BACKGROUND_ABOVE_ROWS rows are prepared in the background (at ~65,000 rows/s, a few
  // seconds). A page that holds everything is its own count; otherwise the source counts, but no
  // further than that bound (a million audit events are not counted on every preview).
  const counted = more ? (source.count ? await source.count(BACKGROUND_ABOVE_ROWS + 1) : null) : rows.length;
  const background = counted !== null && counted > BACKGROUND_ABOVE_ROWS;
  return {
    /** the exact number of rows, when known: null when the source cannot count cheaply or there are more than backgroundAbove */
    total: background ? null : counted,
    background,
    backgroundAbove: BACKGROUND_ABOVE_ROWS,
    columns: source.columns,
    rows: rows as (string | number | null)[][],
    more,
  };
}

/** Systems and departments to filter by: the catalog's systems and the directory's departments. */
export async function reportFacets({ ctx }: { ctx: ServiceContext }) {
  const [catalog, facets] = await Promise.all([listCatalog({ ctx }), listIdentityFacets({ ctx })]);
  return { systems: catalog.systems.map((s) => s.key), departments: facets.departments };
}
