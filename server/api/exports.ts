import "server-only";
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { z } from "zod";
import { reportFiltersSchema, reportFormats, reportKinds } from "@/server/core/reports/filters";
import { isDomainError } from "@/server/core/errors";
import { saneIsoDate } from "@/server/core/input/dates";
import { hasAnyRole } from "@/server/core/roles";
import { requestInfo } from "@/server/auth/request-info";
import type { Actor, Clock } from "@/server/core/actor";
import { getDb, type Db } from "@/server/db/client";
import { recordRefusedAccess } from "@/server/services/access";
import { readBodyText } from "@/server/http/body";
import { bodyLimits, rateLimitRule, rateLimitSettings } from "@/server/http/limits";
import { crossSiteRefusal } from "@/server/http/origin";
import { enforceRateLimit } from "@/server/services/rate-limits";
import { httpProblem, httpStatusOf } from "./errors";
import { exportFile } from "@/server/services/reports/background-export";
import { evidencePack } from "@/server/services/reports/evidence-pack";
import { exportReport } from "@/server/services/reports/export";

const READERS = ["auditor", "it_admin"] as const;
type PersonActor = Extract<Actor, { type: "identity" }>;
const paramsSchema = reportFiltersSchema.extend({ format: z.enum(reportFormats).default("csv") });

const problem = (status: number, message: string, field?: string) =>
  Response.json({ error: message, ...(field ? { field } : {}) }, { status });

/**
 * GET on an export answers 405: exports and downloads are POSTed by the Reports page's buttons,
 * so an <img> or link on another site cannot make a signed-in auditor's browser produce one.
 */
export function exportsArePosted(): Response {
  return Response.json(
    {
      error: "Exports are downloaded with POST, from the buttons on the Reports page (a plain link cannot start one)",
      field: "method",
    },
    { status: 405, headers: { allow: "POST" } },
  );
}

/** What the routes take from the request's surroundings; tests bring their own. */
export interface ExportDeps {
  db?: Db;
  clock?: Clock;
  actor?: () => Promise<PersonActor | null>;
}

/**
 * The signed-in auditor or IT admin's service context, or the answer that refuses the request: from
 * another site (403), signed out (401), without the role (403, recorded), or over the person's rate limit (429).
 */
async function readerContext(request: Request, what: string, deps: ExportDeps) {
  const crossSite = crossSiteRefusal(request);
  if (crossSite) return httpProblem(crossSite);
  // The session is read on first use (Auth.js), so tests that bring their own actor never load it.
  const actor = await (deps.actor ?? (await import("@/server/auth/actor")).getCurrentActor)();
  if (!actor) return problem(401, "Sign in to continue");
  const ctx = {
    db: deps.db ?? getDb(),
    clock: deps.clock ?? (() => new Date()),
    actor,
    request: requestInfo(request.headers),
  };
  if (!hasAnyRole(actor.roles, READERS)) {
    await recordRefusedAccess({ ctx, input: { subjectType: "procedure", subjectId: what, allowedRoles: READERS } });
    return problem(403, "Your portal roles do not include reports");
  }
  try {
    await enforceRateLimit(ctx, {
      bucket: `calls:person:${actor.identityId}`,
      rule: rateLimitRule("calls"),
      what: rateLimitSettings.calls.what,
    });
  } catch (err) {
    if (isDomainError(err)) return httpProblem(err);
    throw err;
  }
  return ctx;
}

/** The form's fields (application/x-www-form-urlencoded, within a small limit); empty ones are left out. */
async function formFields(request: Request): Promise<Record<string, string> | Response> {
  try {
    const text = await readBodyText(request, bodyLimits.exportForm);
    return Object.fromEntries([...new URLSearchParams(text)].filter(([, value]) => value !== ""));
  } catch (err) {
    if (isDomainError(err)) return httpProblem(err);
    throw err;
  }
}

/**
 * POST /api/reports/<kind> with the form fields format=csv|json|pdf, from, to, system, department,
 * person, at: an export for auditors and IT admins, streamed batch by batch (a million audit events
 * never sit in memory), with its own audit event.
 */
export async function handleReportExport(request: Request, kind: string, deps: ExportDeps = {}): Promise<Response> {
  const ctx = await readerContext(request, `reports.${kind}`, deps);
  if (ctx instanceof Response) return ctx;
  const fields = await formFields(request);
  if (fields instanceof Response) return fields;
  if (kind === "evidence-pack") return evidencePackResponse(fields, ctx);
  const which = z.enum(reportKinds).safeParse(kind);
  if (!which.success) return problem(404, `There is no report "${kind}" (reports: ${reportKinds.join(", ")})`, "kind");
  const parsed = paramsSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return problem(400, `${issue.path.join(".") || "body"}: ${issue.message}`, String(issue.path[0] ?? "body"));
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
    return new Response(result.bytes as BodyInit, {
      headers: {
        "content-type": "application/pdf",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
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

const periodSchema = z.strictObject({
  from: saneIsoDate("from: a date (YYYY-MM-DD)"),
  to: saneIsoDate("to: a date (YYYY-MM-DD)"),
});

/** POST /api/reports/evidence-pack with from=YYYY-MM-DD and to=YYYY-MM-DD: the period's evidence as one ZIP. */
async function evidencePackResponse(
  fields: Record<string, string>,
  ctx: Parameters<typeof evidencePack>[0]["ctx"],
): Promise<Response> {
  const parsed = periodSchema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return problem(
      400,
      issue.message.includes(":") ? issue.message : `${issue.path.join(".")}: ${issue.message}`,
      String(issue.path[0] ?? "body"),
    );
  }
  try {
    const { filename, stream } = await evidencePack({ ctx, input: parsed.data });
    return new Response(stream, {
      headers: {
        "content-type": "application/zip",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (isDomainError(err)) return problem(httpStatusOf(err), err.message, err.field);
    throw err;
  }
}

/** POST /api/reports/exports/<id>: a background export's file, once it is written, for the person who started it (audited). */
export async function handleExportDownload(request: Request, id: string, deps: ExportDeps = {}): Promise<Response> {
  const ctx = await readerContext(request, "reports.exports", deps);
  if (ctx instanceof Response) return ctx;
  if (!z.uuid().safeParse(id).success) return problem(404, "There is no such export", "id");
  try {
    const file = await exportFile({ ctx, input: { id } });
    const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        "content-type": file.format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
        "content-disposition": `attachment; filename="${file.filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (isDomainError(err)) return problem(httpStatusOf(err), err.message, err.field);
    throw err;
  }
}
