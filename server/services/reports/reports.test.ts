import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { accessExceptions, auditEvents, manualTasks } from "@/server/db/schema";
import { recordAuditEvent } from "../audit";
import { chainAuditEvents } from "../audit-sequencer";
import { changeIdentityAttributes } from "../identities";
import { completeManualTask, runDueOperations } from "../provisioning/operations";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { as, financeReportsAsk, movableClock, submit } from "@/test/support/requests";
import { decideRequest } from "../requests/decide";
import { exportFile, exportStatus, runQueuedExports, startExport } from "./background-export";
import { evidencePack } from "./evidence-pack";
import { exportReport, previewReport, reportChunks } from "./export";
import { reportSource } from "./sources";

let t: TestDatabase;
const clock = movableClock("2024-11-24T14:00:00Z");

async function text(kind: Parameters<typeof reportSource>[1], format: "csv" | "json", filters = {}) {
  let out = "";
  for await (const chunk of reportChunks(reportSource(t.db, kind, filters), format)) out += chunk;
  return out;
}

beforeAll(async () => {
  t = await createTestDatabase();
  const sarah = await as(t.db, "sarah.chen@company.com", clock);
  const r = await submit(sarah, { ...financeReportsAsk, fields: { project: "Commission Transparency Initiative" } });
  clock.set("2024-11-24T14:30:00Z");
  await decideRequest({
    ctx: await as(t.db, "cfo@company.com", clock),
    input: { requestId: r.id, decision: "approve", note: "Approved for commission analysis." },
  });
});
afterAll(() => t.close());

describe("auditors' reports", () => {
  it("the exception log reads as seed 000's, and its filters narrow it", async () => {
    const csv = (await text("exceptions", "csv")).split("\r\n");
    expect(csv[0]).toBe(
      "exception,user,access,level,type,granted,justification,proposed_by,approved_by,approval_note,expires,status,extensions,ended,end_reason,references,source",
    );
    expect(csv[1]).toBe(
      "EXC-1,sarah.chen@company.com,google:group:finance-reports@company.com,,Project,2024-11-24,Q4 sales commission analysis project. Working with Finance team to validate commission calculations against sales data.,sarah.chen@company.com,cfo@company.com,Approved for commission analysis.,2025-01-06,Active,0,,,Project: Commission Transparency Initiative,request",
    );
    expect(csv).toHaveLength(3);
    expect((await text("exceptions", "csv", { department: "Engineering" })).split("\r\n")).toHaveLength(2);
    expect((await text("exceptions", "csv", { person: "sarah" })).split("\r\n")).toHaveLength(3);
    expect((await text("exceptions", "csv", { system: "aws" })).split("\r\n")).toHaveLength(2);
    expect((await text("exceptions", "csv", { to: "2024-11-23" })).split("\r\n")).toHaveLength(2);
  });

  it("approvals name the approver, the time to decide and the separation-of-duties check", async () => {
    const rows = JSON.parse(await text("approvals", "json")) as Record<string, unknown>[];
    expect(rows).toEqual([
      {
        request: "REQ-1",
        template: "finance-reports",
        requester: "sarah.chen@company.com",
        proposed_by: "sarah.chen@company.com",
        approver: "cfo@company.com",
        on_behalf_of: null,
        decision: "approve",
        stage: 1,
        decided_at: "2024-11-24T14:30:00.000Z",
        hours_to_decide: 0.5,
        request_status: "approved",
        separation_of_duties: "passed",
      },
    ]);
  });

  it("the audit trail exports in chain order with hashes, JSON cells embedded as JSON", async () => {
    // Linked up to some point, as the sequencer leaves it; the events after it follow unlinked.
    await chainAuditEvents({ db: t.db });
    await t.db.transaction((tx) =>
      recordAuditEvent(tx, { actor: systemActor("test"), clock }, { action: "test.unlinked", subjectType: "test" }),
    );
    type Exported = { id: string; seq: string | null; hash: string | null; prev_hash: string | null; after: unknown };
    const events = JSON.parse(await text("audit-events", "json")) as Exported[];
    const all = await t.db
      .select({ id: auditEvents.id, seq: auditEvents.seq })
      .from(auditEvents)
      .orderBy(sql`${auditEvents.seq} nulls last`, auditEvents.id);
    expect(events).toHaveLength(all.length);
    expect(events.map((e) => [Number(e.id), e.seq === null ? null : Number(e.seq)])).toEqual(
      all.map((a) => [a.id, a.seq]),
    );
    const linked = events.filter((e) => e.seq !== null);
    expect(linked.length).toBe(events.length - 1);
    expect(linked[0]!.prev_hash).toBe("0".repeat(64));
    for (let i = 1; i < linked.length; i++) expect(linked[i]!.prev_hash).toBe(linked[i - 1]!.hash);
    expect(events.at(-1)).toMatchObject({ seq: null, prev_hash: null, hash: null });
    expect(events.find((e) => (e.after as { request?: string } | null)?.request === "REQ-1")).toBeDefined();
    const auditor = await as(t.db, "auditor@company.com", clock);
    const preview = await previewReport({ ctx: auditor, input: { kind: "audit-events", filters: {}, limit: 5 } });
    expect(preview).toMatchObject({ total: events.length, background: false, more: true });
    expect(preview.rows).toHaveLength(5);
  });

  it("records who exported what, with which filters", async () => {
    const auditor = await as(t.db, "auditor@company.com", clock);
    const { filename } = await exportReport({
      ctx: auditor,
      input: { kind: "exceptions", format: "csv", filters: { department: "Sales" } },
    });
    expect(filename).toBe("clearance-exception-log-2024-11-24.csv");
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "report.exported"), eq(auditEvents.actorLabel, "auditor@company.com")));
    expect(event).toMatchObject({
      subjectId: "exceptions",
      after: { format: "csv", filters: { department: "Sales" } },
    });
  });

  it("a PDF export opens and shows its table (rendered by poppler, read back as text and as pixels)", async () => {
    const auditor = await as(t.db, "auditor@company.com", clock);
    const result = await exportReport({ ctx: auditor, input: { kind: "exceptions", format: "pdf", filters: {} } });
    if (!("bytes" in result)) throw new Error("expected a PDF");
    const dir = mkdtempSync(path.join(tmpdir(), "clearance-pdf-"));
    try {
      const file = path.join(dir, "log.pdf");
      writeFileSync(file, result.bytes!);
      const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
      expect(text).toContain("Clearance: Exception log");
      expect(text).toMatch(
        /exception\s+user\s+access\s+type\s+granted\s+justification\s+proposed by\s+approved by\s+expires\s+status\s+extensions/,
      );
      expect(text).toMatch(
        /EXC-1\s+sarah\.chen@company\.com\s+google:group:finance-reports@company\.com\s+Project\s+2024-11-24\s+Q4 sales commission/,
      );
      expect(text).toMatch(/sarah\.chen@company\.com\s+cfo@company\.com\s+2025-01-06\s+Active\s+0/);
      expect(text).toContain("page 1 of 1");
      // Rendered: the page with its one row has clearly more ink than the same report with no rows.
      const inked = (pdf: Uint8Array, name: string) => {
        const f = path.join(dir, `${name}.pdf`);
        writeFileSync(f, pdf);
        execFileSync("pdftoppm", ["-gray", "-r", "72", "-f", "1", "-l", "1", f, path.join(dir, name)]);
        const pgm = readFileSync(
          path.join(
            dir,
            readdirSync(dir).find((x) => x.startsWith(`${name}-`) && x.endsWith(".pgm"))!,
          ),
        );
        const [, width, height] = /^P5\s+(\d+)\s+(\d+)\s+255\s/
          .exec(pgm.subarray(0, 32).toString("latin1"))!
          .map(Number);
        expect([width, height]).toEqual([842, 595]); // A4 landscape
        return pgm.subarray(pgm.length - width! * height!).filter((v) => v < 128).length;
      };
      const empty = await exportReport({
        ctx: auditor,
        input: { kind: "exceptions", format: "pdf", filters: { department: "Nobody" } },
      });
      const withRow = inked(result.bytes!, "one");
      const without = inked((empty as { bytes: Uint8Array }).bytes, "none");
      expect(without).toBeGreaterThan(500); // title and header
      expect(withRow - without).toBeGreaterThan(400); // the row of EXC-1
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses a PDF of a report too long to read, naming the format, and records nothing", async () => {
    const { PDF_MAX_ROWS } = await import("./export");
    expect(PDF_MAX_ROWS).toBe(10_000);
    const before = (await t.db.select().from(auditEvents).where(eq(auditEvents.action, "report.exported"))).length;
    const many = {
      name: "many",
      columns: ["n"],
      async *rows() {
        yield Array.from({ length: PDF_MAX_ROWS + 1 }, (_, i) => [i]);
      },
    };
    const { reportPdf } = await import("./export");
    expect(await reportPdf(many, "audit-events", {}, clock())).toBeNull();
    expect((await t.db.select().from(auditEvents).where(eq(auditEvents.action, "report.exported"))).length).toBe(
      before,
    );
  });

  it("the evidence pack holds every report for the period, the chain verification and the control mapping, as a ZIP any tool opens", async () => {
    const auditor = await as(t.db, "auditor@company.com", clock);
    const { filename, stream } = await evidencePack({ ctx: auditor, input: { from: "2024-11-01", to: "2024-11-30" } });
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    expect(filename).toBe("clearance-evidence-2024-11-01-to-2024-11-30.zip");
    const dir = mkdtempSync(path.join(tmpdir(), "clearance-pack-"));
    try {
      const file = path.join(dir, "pack.zip");
      writeFileSync(file, bytes);
      // Two readers other than the writer (fflate): Info-ZIP and Python's zipfile.
      expect(execFileSync("unzip", ["-t", file], { encoding: "utf8" })).toMatch(/No errors detected/);
      expect(execFileSync("python3", ["-m", "zipfile", "-t", file], { encoding: "utf8" })).toMatch(/Done testing/);
      const names = execFileSync("zipinfo", ["-1", file], { encoding: "utf8" }).trim().split("\n");
      expect(names).toEqual([
        "CONTROLS.md",
        "audit-chain.txt",
        "access-as-of-start.csv",
        "access-as-of-end.csv",
        "exception-log.csv",
        "exception-log.pdf",
        "approvals.csv",
        "requests.csv",
        "leavers.csv",
        "policy-changes.csv",
        "audit-events.csv",
      ]);
      const read = (name: string) => execFileSync("unzip", ["-p", file, name], { encoding: "utf8" });
      const controls = read("CONTROLS.md");
      for (const control of [
        "SOC 2 CC6.1",
        "SOC 2 CC6.2",
        "SOC 2 CC6.3",
        "A.9.2.1 (2022: 5.16)",
        "A.9.2.5 (2022: 5.18)",
        "A.9.2.6 (2022: 5.18)",
        "SOX ITGC",
      ])
        expect(controls).toContain(control);
      expect(controls).toMatch(/Audit chain verification: verified: \d+ events, every link holds/);
      expect(read("exception-log.csv")).toContain(
        "EXC-1,sarah.chen@company.com,google:group:finance-reports@company.com",
      );
      // (Access as of 2024 is empty here: the seeded organization only exists in Clearance from when the tests started; access-as-of.test.ts checks its content.)
      for (const f of ["access-as-of-start.csv", "access-as-of-end.csv"])
        expect(read(f).split("\r\n")[0]).toBe("person,department,resource,level,source,why,policy_version,as_of");
      expect(read("approvals.csv").split("\r\n")[1]).toMatch(
        /^REQ-1,finance-reports,sarah.chen@company.com,sarah.chen@company.com,cfo@company.com,,approve,/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(evidencePack({ ctx: auditor, input: { from: "2024-12-01", to: "2024-11-01" } })).rejects.toMatchObject(
      { code: "INVALID_INPUT", field: "to" },
    );
    const [event] = await t.db.select().from(auditEvents).where(eq(auditEvents.action, "evidence_pack.exported"));
    expect(event).toMatchObject({
      actorLabel: "auditor@company.com",
      after: { period: { from: "2024-11-01", to: "2024-11-30" }, chain: "verified" },
    });
  });

  it("a large export runs in the background: queued, written to a file with progress, then downloadable", async () => {
    const auditor = await as(t.db, "auditor@company.com", clock);
    const started = await startExport({ ctx: auditor, input: { kind: "audit-events", format: "csv", filters: {} } });
    expect(await exportStatus({ ctx: auditor, input: { id: started.id } })).toMatchObject({
      status: "queued",
      rows: 0,
      percent: null,
    });
    await expect(exportFile({ ctx: auditor, input: { id: started.id } })).rejects.toMatchObject({ code: "CONFLICT" });
    const dir = mkdtempSync(path.join(tmpdir(), "clearance-exports-"));
    try {
      expect(await runQueuedExports({ ctx: { db: t.db, actor: systemActor("reports-export"), clock }, dir })).toBe(1);
      expect(await runQueuedExports({ ctx: { db: t.db, actor: systemActor("reports-export"), clock }, dir })).toBe(0);
      const events = (await t.db.select({ id: auditEvents.id }).from(auditEvents)).length;
      const status = await exportStatus({ ctx: auditor, input: { id: started.id } });
      expect(status).toMatchObject({ status: "done", rows: events, totalRows: events, percent: 100 });
      // The trail as it was when the file was written (the download adds its own event).
      const written = await text("audit-events", "csv");
      const file = await exportFile({ ctx: auditor, input: { id: started.id } });
      expect(readFileSync(file.path, "utf8")).toBe(written);
      expect(status.bytes).toBe(Buffer.byteLength(readFileSync(file.path)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("policy changes list every version with its author and message", async () => {
    const csv = (await text("policy-changes", "csv")).split("\r\n");
    expect(csv[0]).toBe("version,status,author,message,created_at,activated_at,decided_by,decision_note,files,impact");
    expect(csv[1]).toMatch(/^1,active,system:seed,The demo organization's policies,/);
  });

  // Last: it terminates Sarah.
  it("leavers: the temporary access held at termination, and how long until all of it was removed", async () => {
    const sarah = await as(t.db, "sarah.chen@company.com", clock);
    clock.set("2024-12-02T09:00:00Z");
    await changeIdentityAttributes({
      ctx: { db: t.db, actor: systemActor("hr"), clock },
      input: {
        identityId: sarah.actor.identityId,
        attributes: { employment_status: "Terminated" },
        source: "hr_event",
        effectiveAt: clock(),
        reason: "Termination",
      },
    });
    const before = JSON.parse(await text("leavers", "json", { person: "sarah" })) as Record<string, unknown>[];
    // The termination itself ended the exception and queued its revoke; nothing is removed yet.
    expect(before).toEqual([
      expect.objectContaining({
        person: "sarah.chen@company.com",
        exceptions_held: 1,
        removed: 0,
        still_open: 1,
        all_removed_at: null,
      }),
    ]);
    const [e] = await t.db
      .select()
      .from(accessExceptions)
      .where(eq(accessExceptions.identityId, sarah.actor.identityId));
    expect(e).toMatchObject({ endReason: "revoked", status: "removing" });

    const priya = await as(t.db, "priya.raman@company.com", clock);
    clock.set("2024-12-02T11:30:00Z");
    await runDueOperations({ ctx: { db: t.db, actor: systemActor("provisioning"), clock } });
    // Google is on the manual adapter here: IT does the grant and then the removal by hand.
    for (const task of await t.db
      .select()
      .from(manualTasks)
      .where(eq(manualTasks.status, "open"))
      .orderBy(manualTasks.createdAt)) {
      await completeManualTask({ ctx: priya, input: { taskId: task.id } });
    }
    const after = JSON.parse(await text("leavers", "json", { person: "sarah" })) as Record<string, unknown>[];
    expect(after).toEqual([
      expect.objectContaining({
        exceptions_held: 1,
        removed: 1,
        still_open: 0,
        all_removed_at: "2024-12-02T11:30:00.000Z",
        hours_to_remove_all: 2.5,
      }),
    ]);
    expect(JSON.parse(await text("leavers", "json", { person: "sarah", to: "2024-12-01" }))).toEqual([]);
    // The seeded organization's own leaver is in the unfiltered report too.
    expect((JSON.parse(await text("leavers", "json")) as { person: string }[]).map((r) => r.person)).toContain(
      "tom.becker@company.com",
    );
  });
});
