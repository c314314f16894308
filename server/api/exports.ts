import "server-only";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { z } from "zod";
import { reportFiltersSchema, reportFormats, reportKinds } from "@/server/core/reports/filters";
import { isDomainError } from "@/server/core/errors";
import { saneIsoDate } from "@/server/core/input/dates";
import { hasAnyRole } from "@/server/core/roles";
import { getCurrentActor } from "@/server/auth/actor";
import { requestInfo } from "@/server/auth/request-info";
import { getDb } from "@/server/db/client";
import { recordRefusedAccess } from "@/server/services/access";
import { httpStatusOf } from "./errors";
import { exportFile } from "@/server/services/reports/background-export";
import { evidencePack } from "@/server/services/reports/evidence-pack";
import { exportReport } from "@/server/services/reports/export";

const READERS = ["auditor", "it_admin"] as const;
const paramsSchema = reportFiltersSchema.extend({ format: z.enum(reportFormats).default("csv") });

const problem = (status: number, message: string, field?: string) => Response.json({ error: message, ...(field ? { field } : {}) }, { status });

/** The signed-in auditor or IT admin's service context, or the 401/403 answer (a refusal is recorded). */
async function readerContext(request: Request, what: string) {
  const actor = await getCurrentActor();
  if (!actor) return problem(401, "Sign in to continue");
  const ctx = { db: getDb(), clock: () => new Date(), actor, request: requestInfo(request.headers) };
  if (!hasAnyRole(actor.roles, READERS)) {
    await recordRefusedAccess({ ctx, input: { subjectType: "procedure", subjectId: what, allowedRoles: READERS } });
    return problem(403, "Your portal roles do not include reports");
  }
  return ctx;
}

/**
 * GET /api/reports/<kind>?format=csv|json&from=&to=&system=&department=&person= — an export
 * for auditors and IT admins, streamed batch by batch (a million audit events never sit in
 * memory), with its own audit event.
 */
export async function handleReportExport(request: Request, kind: string): Promise<Response> {
  const ctx = await readerContext(request, `reports.${kind}`);
  if (ctx instanceof Response) return ctx;
  if (kind === "evidence-pack") return evidencePackResponse(request, ctx);
  const which = z.enum(reportKinds).safeParse(kind);
  if (!which.success) return problem(404, `There is no report "${kind}" (reports: ${reportKinds.join(", ")})`, "kind");
  const parsed = paramsSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return problem(400, `${issue.path.join(".") || "query"}: ${issue.message}`, String(issue.path[0] ?? "query"));
  }
  const { format, ...filters } = parsed.data;
  let result;
  try {
    result = await exportReport({ ctx, input: { kind: which.data, format, filters } });
  } catch (err) {
    if (isDomainError(err)) return problem(httpStatusOf(err), err.message, err.field);
    throw err;
  }
  const { filename } = result;
  if ("bytes" in result) {
    return new Response(result.bytes as BodyInit, { headers: { "content-type": "application/pdf", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" } });
  }
  const { chunks } = result;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="${filename}"`,
      "cache-control": "no-store",
    },
  });
}

const periodSchema = z.strictObject({ from: saneIsoDate("from: a date (YYYY-MM-DD)"), to: saneIsoDate("to: a date (YYYY-MM-DD)") });

/** GET /api/reports/evidence-pack?from=YYYY-MM-DD&to=YYYY-MM-DD: the period's evidence as one ZIP. */
async function evidencePackResponse(request: Request, ctx: Parameters<typeof evidencePack>[0]["ctx"]): Promise<Response> {
  const parsed = periodSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return problem(400, issue.message.includes(":") ? issue.message : `${issue.path.join(".")}: ${issue.message}`, String(issue.path[0] ?? "query"));
  }
  try {
    const { filename, bytes } = await evidencePack({ ctx, input: parsed.data });
    return new Response(bytes as BodyInit, { headers: { "content-type": "application/zip", "content-disposition": `attachment; filename="${filename}"`, "cache-control": "no-store" } });
  } catch (err) {
    if (isDomainError(err)) return problem(httpStatusOf(err), err.message, err.field);
    throw err;
  }
}

/** GET /api/reports/exports/<id>: a background export's file, once it is written. */
export async function handleExportDownload(request: Request, id: string): Promise<Response> {
  const ctx = await readerContext(request, "reports.exports");
  if (ctx instanceof Response) return ctx;
  if (!z.uuid().safeParse(id).success) return problem(404, "There is no such export", "id");
  try {
    const file = await exportFile({ ctx, input: { id } });
    const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: { "content-type": file.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8", "content-disposition": `attachment; filename="${file.filename}"`, "cache-control": "no-store" },
    });
  } catch (err) {
    if (isDomainError(err)) return problem(httpStatusOf(err), err.message, err.field);
    throw err;
  }
}
