import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { auditEvents } from "@/server/db/schema";
import { exportStatus, runQueuedExports, startExport } from "@/server/services/reports/background-export";
import { actorFor, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, movableClock } from "@/test/support/requests";
import { exportsArePosted, handleExportDownload, handleReportExport } from "./exports";

let t: TestDatabase;
let dir: string;
const clock = movableClock("2026-06-01T08:00:00Z");
const ORIGIN = "http://clearance.test";

beforeAll(async () => {
  t = await createTestDatabase();
  dir = mkdtempSync(path.join(tmpdir(), "clearance-exports-"));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await t.close();
});

/** The form the Reports page posts, as the browser sends it (same origin unless told otherwise). */
function formPost(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${url}`, {
    method: "POST",
    headers: {
      host: "clearance.test",
      origin: ORIGIN,
      "sec-fetch-site": "same-origin",
      "content-type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(fields).toString(),
  });
}

const depsFor = (email: string) => ({ db: t.db, clock, actor: () => actorFor(t.db, email) });
const downloadsOf = async (exportId: string) =>
  (
    await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "report.downloaded")))
  ).filter((e) => (e.after as { export?: string }).export === exportId);

describe("exports are POSTed from the site itself", () => {
  it("a GET (a link or image on any page) is refused with 405 and a clear message", async () => {
    const response = exportsArePosted();
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect(await response.json()).toMatchObject({
      error: expect.stringMatching(/^Exports are downloaded with POST/),
      field: "method",
    });
  });

  it("a POST from another site is refused before anything is exported or recorded", async () => {
    const before = (await t.db.select().from(auditEvents)).length;
    for (const headers of <Record<string, string>[]>[
      { origin: "https://evil.example" },
      { origin: "", "sec-fetch-site": "cross-site" },
    ]) {
      const request = formPost("/api/reports/exceptions", { format: "csv" }, headers);
      if (!headers.origin) request.headers.delete("origin");
      const response = await handleReportExport(request, "exceptions", depsFor(personaEmails.auditor));
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ field: "origin" });
    }
    const evidence = await handleReportExport(
      formPost(
        "/api/reports/evidence-pack",
        { from: "2026-05-01", to: "2026-05-31" },
        { origin: "https://evil.example" },
      ),
      "evidence-pack",
      depsFor(personaEmails.auditor),
    );
    expect(evidence.status).toBe(403);
    expect((await t.db.select().from(auditEvents)).length).toBe(before);
  });

  it("the Reports page's form post downloads the export with the filters it carries, and it is recorded", async () => {
    const response = await handleReportExport(
      formPost("/api/reports/exceptions", { format: "csv", department: "Sales", person: "" }),
      "exceptions",
      depsFor(personaEmails.auditor),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="clearance-exception-log-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect((await response.text()).split("\r\n")[0]).toMatch(/^exception,user,access/);
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "report.exported"));
    expect(event?.after).toEqual({ format: "csv", filters: { department: "Sales" } });

    const pack = await handleReportExport(
      formPost("/api/reports/evidence-pack", { from: "2026-05-01", to: "2026-05-31" }),
      "evidence-pack",
      depsFor(personaEmails.auditor),
    );
    expect(pack.status).toBe(200);
    expect(pack.headers.get("content-type")).toBe("application/zip");
    const bad = await handleReportExport(
      formPost("/api/reports/evidence-pack", { from: "2026-05-31" }),
      "evidence-pack",
      depsFor(personaEmails.auditor),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: "to" });
  });

  it("an oversized form is refused with 413 naming the body", async () => {
    const response = await handleReportExport(
      formPost("/api/reports/exceptions", { format: "csv", person: "x".repeat(20 * 1024) }),
      "exceptions",
      depsFor(personaEmails.auditor),
    );
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: "The request body is larger than 16 KB", field: "body" });
  });
});

describe("a background export belongs to the person who started it", () => {
  it("only they see its progress and download it; each download is an audit event; to anyone else it does not exist", async () => {
    const auditor = await as(t.db, personaEmails.auditor, clock);
    const started = await startExport({ ctx: auditor, input: { kind: "audit-events", format: "csv", filters: {} } });
    expect(await runQueuedExports({ ctx: { db: t.db, actor: systemActor("reports-export"), clock }, dir })).toBe(1);

    for (const n of [1, 2]) {
      const response = await handleExportDownload(
        formPost(`/api/reports/exports/${started.id}`, {}),
        started.id,
        depsFor(personaEmails.auditor),
      );
      expect(response.status).toBe(200);
      expect((await response.text()).split("\r\n")[0]).toMatch(/^id,seq,occurred_at,actor,action/);
      const downloads = await downloadsOf(started.id);
      expect(downloads).toHaveLength(n);
      expect(downloads.at(-1)).toMatchObject({
        actorLabel: personaEmails.auditor,
        subjectType: "report",
        subjectId: "audit-events",
      });
    }

    // Another reader (an IT admin may read reports too) gets the same answer as for an id that does not exist.
    const other = await handleExportDownload(
      formPost(`/api/reports/exports/${started.id}`, {}),
      started.id,
      depsFor(personaEmails.it_admin),
    );
    const unknownId = "00000000-0000-4000-8000-000000000000";
    const unknown = await handleExportDownload(
      formPost(`/api/reports/exports/${unknownId}`, {}),
      unknownId,
      depsFor(personaEmails.it_admin),
    );
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual(await unknown.json());
    await expect(
      exportStatus({ ctx: await as(t.db, personaEmails.it_admin, clock), input: { id: started.id } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND", field: "id" });
    expect(await exportStatus({ ctx: auditor, input: { id: started.id } })).toMatchObject({ status: "done" });
    expect(await downloadsOf(started.id)).toHaveLength(2);

    // A download from another site is refused like any export.
    const crossSite = await handleExportDownload(
      formPost(`/api/reports/exports/${started.id}`, {}, { origin: "https://evil.example" }),
      started.id,
      depsFor(personaEmails.auditor),
    );
    expect(crossSite.status).toBe(403);
    expect(await downloadsOf(started.id)).toHaveLength(2);
  });
});
