import { actorLabel } from "@/server/core/actor";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { finished } from "node:stream/promises";
import { and, asc, eq, sql } from "drizzle-orm";
import { DomainError } from "@/server/core/errors";
import type { ReportFilters, ReportKind } from "@/server/core/reports/filters";
import { reportExports } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import type { ServiceContext } from "../context";
import { reportChunks } from "./export";
import { reportSource } from "./sources";

const PROGRESS_EVERY_MS = 500;

/** Where background exports are written (CLEARANCE_EXPORT_DIR, or exports/ beside the project's data). */
export const exportDirectory = () =>
  process.env.CLEARANCE_EXPORT_DIR ?? path.join(process.env.CLEARANCE_DATA_DIR ?? ".data", "exports");

/** Queues an export the worker writes to a file, with progress; recorded like any export. */
export async function startExport({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { kind: ReportKind; format: "csv" | "json"; filters: ReportFilters };
}) {
  return ctx.db.transaction(async (tx) => {
    const requestedById = ctx.actor.type === "identity" ? ctx.actor.identityId : null;
    const [row] = await tx
      .insert(reportExports)
      .values({
        kind: input.kind,
        format: input.format,
        filters: input.filters,
        requestedBy: actorLabel(ctx.actor),
        requestedById,
        requestedAt: ctx.clock(),
      })
      .returning();
    await recordAuditEvent(tx, ctx, {
      action: "report.exported",
      subjectType: "report",
      subjectId: input.kind,
      after: { format: input.format, filters: input.filters, background: row!.id },
    });
    return row!;
  });
}

/**
 * The export, if the caller started it. An export holds a whole report as its requester filtered it:
 * nobody else sees its progress or downloads it, and to them it does not exist (404, like an unknown id).
 */
async function ownExport(ctx: ServiceContext, id: string) {
  const owner = ctx.actor.type === "identity" ? ctx.actor.identityId : null;
  const [row] = owner
    ? await ctx.db
        .select()
        .from(reportExports)
        .where(and(eq(reportExports.id, id), eq(reportExports.requestedById, owner)))
    : [];
  if (!row) throw new DomainError("NOT_FOUND", "There is no such export", { field: "id" });
  return row;
}

/** An export's progress: rows written of how many, and whether the file is ready. Only for the person who started it. */
export async function exportStatus({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await ownExport(ctx, input.id);
  const { filePath: _path, ...rest } = row;
  return {
    ...rest,
    percent:
      row.status === "done" ? 100 : row.totalRows ? Math.min(99, Math.floor((row.rows / row.totalRows) * 100)) : null,
  };
}

/** A finished export's file, for download by the person who started it; every download is an audit event. */
export async function exportFile({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await ownExport(ctx, input.id);
  if (row.status !== "done" || !row.filePath)
    throw new DomainError("CONFLICT", `This export is ${row.status}${row.error ? `: ${row.error}` : ""}`, {
      field: "id",
    });
  await ctx.db.transaction((tx) =>
    recordAuditEvent(tx, ctx, {
      action: "report.downloaded",
      subjectType: "report",
      subjectId: row.kind,
      after: { export: row.id, format: row.format, filters: row.filters, rows: row.rows, bytes: row.bytes },
    }),
  );
  return {
    path: row.filePath,
    filename: `clearance-${row.kind}-${row.requestedAt.toISOString().slice(0, 10)}.${row.format}`,
    format: row.format as "csv" | "json",
  };
}

/**
 * The worker's side: claims queued exports one at a time (SKIP LOCKED, so instances share them),
 * streams each into a file while recording progress, and marks it done or failed.
 */
export async function runQueuedExports({
  ctx,
  dir = exportDirectory(),
}: {
  ctx: ServiceContext;
  dir?: string;
}): Promise<number> {
  let ran = 0;
  for (;;) {
    const claimed = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .select()
        .from(reportExports)
        .where(eq(reportExports.status, "queued"))
        .orderBy(asc(reportExports.requestedAt))
        .limit(1)
        .for("update", { skipLocked: true });
      if (!row) return null;
      await tx
        .update(reportExports)
        .set({ status: "running", startedAt: ctx.clock() })
        .where(eq(reportExports.id, row.id));
      return row;
    });
    if (!claimed) return ran;
    ran++;
    const file = path.join(dir, `${claimed.id}.${claimed.format}`);
    try {
      mkdirSync(dir, { recursive: true });
      const source = reportSource(ctx.db, claimed.kind as ReportKind, claimed.filters as ReportFilters);
      if (source.count)
        await ctx.db
          .update(reportExports)
          .set({ totalRows: await source.count() })
          .where(eq(reportExports.id, claimed.id));
      let rows = 0;
      let last = Date.now();
      const counted = {
        ...source,
        async *rows() {
          for await (const batch of source.rows()) {
            rows += batch.length;
            yield batch;
          }
        },
      };
      const out = createWriteStream(file);
      let bytes = 0;
      for await (const chunk of reportChunks(counted, claimed.format as "csv" | "json")) {
        bytes += Buffer.byteLength(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
        if (Date.now() - last >= PROGRESS_EVERY_MS) {
          last = Date.now();
          await ctx.db.update(reportExports).set({ rows, bytes }).where(eq(reportExports.id, claimed.id));
        }
      }
      out.end();
      await finished(out);
      await ctx.db
        .update(reportExports)
        .set({
          status: "done",
          rows,
          bytes,
          totalRows: sql`coalesce(${reportExports.totalRows}, ${rows})`,
          filePath: file,
          finishedAt: ctx.clock(),
        })
        .where(eq(reportExports.id, claimed.id));
    } catch (err) {
      await ctx.db
        .update(reportExports)
        .set({ status: "failed", error: (err as Error).message.slice(0, 500), finishedAt: ctx.clock() })
        .where(eq(reportExports.id, claimed.id));
    }
  }
}
