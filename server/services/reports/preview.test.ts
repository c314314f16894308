import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { actorFor, serviceContext } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { recordingDb } from "@/test/support/query-recorder";
import { recordAuditEvent } from "../audit";
import { previewReport } from "./export";
import { reportSource } from "./sources";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
  // 40 exceptions, enough that a batch-sized read would return far more than a page.
  await t.db.execute(sql`
    insert into access_exceptions (identity_id, resource_key, source, type, justification, approver_id, approved_at,
      created_by, created_at, starts_at, expires_at, status)
    select (select id from identities order by email offset g % 20 limit 1), (select key from resources order by key limit 1),
      'admin', 'project', 'Quarter-end close ' || g, (select id from identities where email = 'cfo@company.com'),
      now(), 'test', now(), now(), now() + interval '30 days', 'active'
    from generate_series(1, 40) g`);
});
afterAll(() => t.close());

describe("the exception log's preview", () => {
  it("reads just the rows it shows and one more to know there is more", async () => {
    const { db, queries } = recordingDb(t.pool);
    const ctx = serviceContext(db, await actorFor(t.db, "auditor@company.com"));
    const preview = await previewReport({ ctx, input: { kind: "exceptions", filters: {}, limit: 10 } });
    expect(preview.rows).toHaveLength(10);
    expect(preview.more).toBe(true);
    expect(preview.rows.map((r) => r[0])).toEqual(Array.from({ length: 10 }, (_, i) => `EXC-${i + 1}`));
    const read = queries.filter((q) => /access_exceptions/.test(q.text));
    expect(read.length).toBeGreaterThan(0);
    expect(read.reduce((n, q) => n + q.rows, 0)).toBeLessThanOrEqual(11);
  });

  it("says there is no more when the page holds everything, and counts it without asking the database", async () => {
    const { db, queries } = recordingDb(t.pool);
    const ctx = serviceContext(db, await actorFor(t.db, "auditor@company.com"));
    const preview = await previewReport({ ctx, input: { kind: "exceptions", filters: {}, limit: 40 } });
    expect(preview.rows).toHaveLength(40);
    expect(preview).toMatchObject({ more: false, total: 40, background: false });
    expect(queries.filter((q) => /count\(/.test(q.text))).toEqual([]);
  });

  it("shows an ended exception as the log says it: day ended, status, reason and who ended it", async () => {
    await t.db.execute(sql`
      update access_exceptions set ended_at = timestamptz '2026-03-04 23:30:00+00', end_reason = 'revoked',
        end_note = 'Project closed', ended_by = 'priya.raman@company.com', status = 'removed',
        delivered_at = timestamptz '2026-01-02 00:15:00+00', extensions_used = 2,
        "references" = '{"project": "Quarter-end", "ticket": ""}'::jsonb
      where number = 3`);
    const ctx = serviceContext(t.db, await actorFor(t.db, "auditor@company.com"));
    const preview = await previewReport({ ctx, input: { kind: "exceptions", filters: {}, limit: 3 } });
    const cell = (row: (string | number | null)[], name: string) => row[preview.columns.indexOf(name)];
    const [active, , ended] = preview.rows as (string | number | null)[][];
    expect(cell(ended!, "exception")).toBe("EXC-3");
    expect(cell(ended!, "granted")).toBe("2026-01-02");
    expect(cell(ended!, "ended")).toBe("2026-03-04");
    expect(cell(ended!, "status")).toBe("Revoked");
    expect(cell(ended!, "end_reason")).toBe("revoked: Project closed by priya.raman@company.com");
    expect(cell(ended!, "extensions")).toBe(2);
    expect(cell(ended!, "references")).toBe("Project: Quarter-end");
    expect(cell(ended!, "approved_by")).toBe("cfo@company.com");
    // Admin-made exceptions from before proposals name whoever recorded them.
    expect(cell(ended!, "proposed_by")).toBe("test");
    expect(cell(active!, "status")).toBe("Active");
    expect(cell(active!, "ended")).toBeNull();
    expect(cell(active!, "end_reason")).toBeNull();
    expect(cell(active!, "references")).toBeNull();
  });
});

describe("the exception log's people", () => {
  it("names the IT admin who proposed an exception, and the approver, each looked up by the row's own ids", async () => {
    await t.db.execute(sql`
      with proposal as (
        insert into access_requests (template_id, requester_id, status, justification, duration_minutes, assessment,
          stage_started_at, created_at, proposed_by, proposal)
        select (select id from request_templates order by key limit 1), e.identity_id, 'approved', 'Proposed by IT', 60,
          '{"overall":"outside","grants":[]}'::jsonb, now(), now(),
          (select id from identities where email = 'priya.raman@company.com'), '{}'::jsonb
        from access_exceptions e where e.number = 4
        returning id)
      update access_exceptions set request_id = (select id from proposal), source = 'request',
        approver_id = (select id from identities where email = 'john.doe@company.com')
      where number = 4`);
    const ctx = serviceContext(t.db, await actorFor(t.db, "auditor@company.com"));
    const preview = await previewReport({ ctx, input: { kind: "exceptions", filters: {}, limit: 5 } });
    const cell = (row: (string | number | null)[], name: string) => row[preview.columns.indexOf(name)];
    const [, , , proposed, plain] = preview.rows as (string | number | null)[][];
    expect([cell(proposed!, "exception"), cell(proposed!, "proposed_by"), cell(proposed!, "approved_by")]).toEqual([
      "EXC-4",
      "priya.raman@company.com",
      "john.doe@company.com",
    ]);
    expect([cell(plain!, "proposed_by"), cell(plain!, "approved_by")]).toEqual(["test", "cfo@company.com"]);
  });
});

describe("the audit trail's preview", () => {
  it("counts the events only up to the background bound", async () => {
    const auditor = serviceContext(t.db, await actorFor(t.db, "auditor@company.com"));
    for (let i = 0; i < 5; i++)
      await t.db.transaction((tx) =>
        recordAuditEvent(tx, auditor, { action: "report.exported", subjectType: "report", subjectId: `r${i}` }),
      );
    const source = reportSource(t.db, "audit-events", {});
    const all = await source.count!();
    expect(all).toBeGreaterThan(3);
    expect(await source.count!(3)).toBe(3);
    expect(await source.count!(all + 10)).toBe(all);

    const { db, queries } = recordingDb(t.pool);
    const ctx = serviceContext(db, await actorFor(t.db, "auditor@company.com"));
    const preview = await previewReport({ ctx, input: { kind: "audit-events", filters: {}, limit: 2 } });
    expect(preview).toMatchObject({ more: true, total: all, background: false, backgroundAbove: 200_000 });
    const counts = queries.filter((q) => /count\(/.test(q.text));
    expect(counts).toHaveLength(1);
    expect(counts[0]!.text).toMatch(/limit \$\d+/);
    expect(counts[0]!.values).toContain(200_001);
  });
});
