import { csvLine } from "@/server/core/reports/csv";
import type { ReportFilters, ReportKind } from "@/server/core/reports/filters";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import type { ReportSource } from "./report-source";
import { reportSource } from "./sources";

/** The report as text chunks, one per batch of rows: CSV with a header, or a JSON array of objects. */
export async function* reportChunks(source: ReportSource, format: "csv" | "json"): AsyncGenerator<string> {
  if (format === "csv") {
    yield csvLine(source.columns);
    for await (const batch of source.rows()) yield batch.map(csvLine).join("");
    return;
  }
  yield "[";
  let first = true;
  // Each object written by hand from its cells: names encoded once, JSON-text cells embedded as they are.
  const names = source.columns.map((c) => JSON.stringify(c));
  const raw = source.columns.map((c) => source.jsonColumns?.includes(c) ?? false);
  const objectOf = (cells: unknown[]) => `{${names.map((n, i) => `${n}:${cells[i] === null || cells[i] === undefined ? "null" : raw[i] ? (cells[i] as string) : JSON.stringify(cells[i])}`).join(",")}}`;
  for await (const batch of source.rows()) {
    const parts = batch.map(objectOf);
    if (parts.length === 0) continue;
    yield `${first ? "\n" : ",\n"}${parts.join(",\n")}`;
    first = false;
  }
  yield "\n]\n";
}

/**
 * Starts an export for an auditor or IT admin: the export itself is recorded (who took which
 * evidence, with which filters), then the rows stream.
 */
export async function exportReport({ ctx, input }: { ctx: ServiceContext; input: { kind: ReportKind; format: "csv" | "json"; filters: ReportFilters } }) {
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, { action: "report.exported", subjectType: "report", subjectId: input.kind, after: { format: input.format, filters: input.filters } }),
  );
  const source = reportSource(ctx.db, input.kind, input.filters);
  const stamp = ctx.clock().toISOString().slice(0, 10);
  return { filename: `clearance-${source.name}-${stamp}.${input.format}`, chunks: reportChunks(source, input.format) };
}
