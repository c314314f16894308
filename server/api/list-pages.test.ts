import { TRPCError } from "@trpc/server";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { actorFor, fixedClock, personaEmails } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { recordAuditEvent } from "@/server/services/audit";
import { createCaller } from "./root";
import type { TRPCContext } from "./trpc";

/** Issue 14: lists read a page at a time with keyset cursors, every row once, pages bounded. */
let t: TestDatabase;
const contexts = {} as Record<"cfo" | "it_admin" | "auditor", TRPCContext>;
const now = new Date("2026-11-22T12:00:00Z");

beforeAll(async () => {
  t = await createTestDatabase();
  const base = { db: t.db, clock: fixedClock(), request: { ip: null, userAgent: null } };
  contexts.cfo = { ...base, actor: await actorFor(t.db, "cfo@company.com") };
  contexts.it_admin = { ...base, actor: await actorFor(t.db, personaEmails.it_admin) };
  contexts.auditor = { ...base, actor: await actorFor(t.db, personaEmails.auditor) };
});
afterAll(() => t.close());

/** `n` pending requests waiting for the CFO, asked `minutesAgo` (and a second apart) before now; some at the same instant. */
async function requestsForTheCfo(n: number, from: number, minutesAgo: number) {
  await t.db.execute(sql`
    with made as (
      insert into access_requests (template_id, requester_id, status, justification, duration_minutes, assessment,
        stage_started_at, created_at)
      select (select id from request_templates order by key limit 1),
        (select id from identities where email <> 'cfo@company.com' and employment_status = 'Active' order by email offset g limit 1),
        'pending', 'Asked ' || g, 60, '{"overall":"outside","grants":[]}'::jsonb, ${now},
        ${now}::timestamptz - make_interval(mins => ${minutesAgo}::int) + make_interval(secs => (g / 3)::double precision)
      from generate_series(${from}::int, ${from + n - 1}::int) g
      returning id)
    insert into request_approvers (request_id, stage, identity_id, via)
    select id, 0, (select id from identities where email = 'cfo@company.com'), 'manager' from made`);
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => ({ code: "allowed", field: undefined as string | undefined }),
    (err: unknown) => {
      if (!(err instanceof TRPCError)) throw err;
      if (err.cause instanceof ZodError) return { code: err.code, field: err.cause.issues[0]?.path.join(".") };
      return { code: err.code, field: (err.cause as { field?: string } | undefined)?.field };
    },
  );

describe("the inbox, a page at a time", () => {
  it("returns every waiting request exactly once across pages, oldest first, while new ones arrive", async () => {
    await requestsForTheCfo(40, 0, 600);
    const inbox = createCaller(contexts.cfo).inbox;
    const before = await createCaller(contexts.cfo).inbox.count();
    const seen: string[] = [];
    let cursor: string | null | undefined;
    let pages = 0;
    do {
      // as the browser's infinite query sends it: with a direction
      const page = await inbox.list({ limit: 7, cursor, direction: "forward" });
      expect(page.rows.length).toBeLessThanOrEqual(7);
      seen.push(...page.rows.map((r) => r.id));
      cursor = page.nextCursor;
      // Between pages: one newer request (it comes at the end) and one older (before the cursor: not shown).
      if (pages++ < 3) {
        await requestsForTheCfo(1, 40 + pages, 1);
        await requestsForTheCfo(1, 50 + pages, 24 * 60);
      }
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(before + 3);
    const { rows } = await t.db.execute<{ id: string }>(sql`
      select r.id from access_requests r join request_approvers a on a.request_id = r.id
      where a.identity_id = (select id from identities where email = 'cfo@company.com') and r.status = 'pending'
        and r.created_at > ${now}::timestamptz - interval '12 hours'
      order by r.created_at, r.id`);
    expect(seen.filter((id) => rows.some((r) => r.id === id))).toEqual(rows.map((r) => r.id));
  });

  it("carries what the list shows, not the assessment", async () => {
    const { rows } = await createCaller(contexts.cfo).inbox.list({ limit: 1 });
    expect(rows[0]).toMatchObject({ outsidePolicy: true });
    expect(rows[0]).not.toHaveProperty("assessment");
  });

  it("filters by the requester's name or email, the request's number, the form and the status; a row names its requester and form", async () => {
    const inbox = createCaller(contexts.cfo).inbox;
    const all: Awaited<ReturnType<typeof inbox.list>>["rows"] = [];
    let cursor: string | null | undefined;
    do {
      const page = await inbox.list({ limit: 50, cursor });
      all.push(...page.rows);
      cursor = page.nextCursor;
    } while (cursor);
    const { rows: truth } = await t.db.execute<{
      id: string;
      name: string;
      email: string;
      form: string;
      key: string;
    }>(sql`
      select r.id, p.display_name as name, p.email, t.name as form, t.key from access_requests r
      join identities p on p.id = r.requester_id join request_templates t on t.id = r.template_id
      where r.id in (${sql.join(
        all.map((r) => sql`${r.id}::uuid`),
        sql`, `,
      )})`);
    const byId = new Map(truth.map((r) => [r.id, r]));
    for (const row of all)
      expect([row.requesterName, row.templateName, row.templateKey]).toEqual([
        byId.get(row.id)!.name,
        byId.get(row.id)!.form,
        byId.get(row.id)!.key,
      ]);

    const someone = all[3]!;
    const email = byId.get(someone.id)!.email;
    const ids = async (input: Parameters<typeof inbox.list>[0]) =>
      (await inbox.list({ limit: 50, ...input })).rows.map((r) => r.id);
    const named = all.filter((r) => r.requesterName === someone.requesterName).map((r) => r.id);
    expect(await ids({ search: someone.requesterName.toUpperCase() })).toEqual(named);
    expect(await ids({ search: email.split("@")[0] })).toEqual(
      all.filter((r) => byId.get(r.id)!.email.includes(email.split("@")[0]!)).map((r) => r.id),
    );
    expect(await ids({ search: `req-${someone.number}` })).toContain(someone.id);
    expect(await ids({ search: "nobody-by-this-name" })).toEqual([]);
    expect(await ids({ templateKey: someone.templateKey })).toEqual(
      all
        .filter((r) => r.templateKey === someone.templateKey)
        .map((r) => r.id)
        .slice(0, 50),
    );
    expect(await ids({ templateKey: "no-such-form" })).toEqual([]);
    expect(await ids({ status: "needs_info" })).toEqual(all.filter((r) => r.status === "needs_info").map((r) => r.id));
  });

  it("refuses a page of 10,000 and a cursor it did not make, naming the field", async () => {
    const inbox = createCaller(contexts.cfo).inbox;
    expect(await refusal(inbox.list({ limit: 10_000 }))).toEqual({ code: "BAD_REQUEST", field: "limit" });
    expect(await refusal(inbox.list({ cursor: "not a cursor" }))).toEqual({ code: "BAD_REQUEST", field: "cursor" });
    expect(await refusal(inbox.list({ cursor: JSON.stringify(["yesterday", "x"]) }))).toEqual({
      code: "BAD_REQUEST",
      field: "cursor",
    });
  });
});

async function auditEvents(n: number, action: string) {
  for (let i = 0; i < n; i++)
    await t.db.transaction((tx) =>
      recordAuditEvent(tx, contexts.it_admin as never, { action, subjectType: "test", subjectId: `s-${i}` }),
    );
}

describe("the audit log, a page at a time", () => {
  it("returns every event exactly once across pages, newest first, while new ones are recorded", async () => {
    await auditEvents(30, "test.paged");
    const log = createCaller(contexts.auditor).auditLog;
    const first = await log.list({ action: "test.paged", limit: 7 });
    expect(first.actions).toContain("test.paged");
    const seen = first.rows.map((e) => e.id);
    let cursor = first.nextCursor;
    while (cursor) {
      await auditEvents(1, "test.paged"); // newer than the first page: not on a later one
      const page = await log.list({ action: "test.paged", limit: 7, cursor });
      expect(page.rows.length).toBeLessThanOrEqual(7);
      seen.push(...page.rows.map((e) => e.id));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
  });

  it("refuses a page of 10,000 and a cursor it did not make, naming the field", async () => {
    const log = createCaller(contexts.auditor).auditLog;
    expect(await refusal(log.list({ limit: 10_000 }))).toEqual({ code: "BAD_REQUEST", field: "limit" });
    expect(await refusal(log.list({ cursor: "1; drop" }))).toEqual({ code: "BAD_REQUEST", field: "cursor" });
  });
});

/** `n` open exceptions expiring `days` (and a minute apart, three at a time at the same instant) after now. */
async function exceptions(n: number, days: number) {
  await t.db.execute(sql`
    insert into access_exceptions (identity_id, resource_key, source, type, justification, approver_id, approved_at,
      created_by, created_at, starts_at, expires_at, status)
    select (select id from identities order by email offset g % 40 limit 1), (select key from resources order by key limit 1),
      'admin', 'project', 'Quarter-end close ' || g, (select id from identities where email = 'cfo@company.com'),
      ${now}, 'test', ${now}, ${now}, ${now}::timestamptz + make_interval(days => ${days}::int, mins => (g / 3)::int), 'active'
    from generate_series(1, ${n}::int) g`);
}

describe("the exceptions dashboard, a page at a time", () => {
  it("returns every open exception exactly once across pages, soonest expiry first, while new ones are approved", async () => {
    await exceptions(30, 10);
    const list = createCaller(contexts.it_admin).exceptions;
    const first = await list.list({ limit: 7 });
    expect(first.total).toBe(first.counts.open);
    const seen = first.rows.map((e) => e.number);
    let cursor = first.nextCursor;
    let inserted = 0;
    while (cursor) {
      // one expiring later (comes on a later page) and one sooner (before the cursor: not shown)
      if (inserted++ < 2) {
        await exceptions(1, 100);
        await exceptions(1, 1);
      }
      const page = await list.list({ limit: 7, cursor });
      expect(page.rows.length).toBeLessThanOrEqual(7);
      seen.push(...page.rows.map((e) => e.number));
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    const { rows } = await t.db.execute<{ number: number }>(sql`
      select number from access_exceptions where ended_at is null and expires_at >= ${now}::timestamptz + interval '10 days'
      order by expires_at, number`);
    expect(rows).toHaveLength(32);
    expect(seen.filter((n) => rows.some((r) => r.number === n))).toEqual(rows.map((r) => r.number));
  });

  it("filters by expiry, type, system, department, a search and the status, as the database says", async () => {
    await exceptions(12, 3);
    const list = createCaller(contexts.it_admin).exceptions;
    const numbers = async (input: Parameters<typeof list.list>[0]) => {
      const seen: number[] = [];
      let cursor: string | null | undefined;
      do {
        const page = await list.list({ ...input, limit: 50, cursor });
        seen.push(...page.rows.map((e) => e.number));
        cursor = page.nextCursor;
      } while (cursor);
      return seen.sort((a, b) => a - b);
    };
    const clock = contexts.it_admin.clock();
    const truth = async (where: ReturnType<typeof sql>) =>
      (
        await t.db.execute<{ number: number }>(sql`
          select e.number from access_exceptions e join identities h on h.id = e.identity_id
          where ${where} order by e.number`)
      ).rows.map((r) => r.number);
    const [sample] = (
      await t.db.execute<{ name: string; department: string; system: string }>(sql`
        select h.display_name as name, h.department, split_part(e.resource_key, ':', 1) as system
        from access_exceptions e join identities h on h.id = e.identity_id
        where e.ended_at is null and h.department is not null order by e.number limit 1`)
    ).rows;
    const open = sql`e.ended_at is null`;
    const cases: [Parameters<typeof list.list>[0], ReturnType<typeof sql>][] = [
      [{ expiringWithinDays: 7 }, sql`${open} and e.expires_at <= ${clock}::timestamptz + interval '7 days'`],
      [{ type: "project" }, sql`${open} and e.type = 'project'`],
      [{ type: "vendor" }, sql`${open} and e.type = 'vendor'`],
      [{ system: sample!.system }, sql`${open} and e.resource_key ilike ${`${sample!.system}:%`}`],
      [{ department: sample!.department }, sql`${open} and h.department = ${sample!.department}`],
      [
        { search: sample!.name.slice(1, -1).toLowerCase() },
        sql`${open} and h.display_name ilike ${`%${sample!.name.slice(1, -1)}%`}`,
      ],
      [{ status: "all", search: "Quarter-end" }, sql`false`],
      [{ status: "all" }, sql`true`],
      [{ status: "ended" }, sql`e.ended_at is not null`],
      [{ status: "revoke_failed" }, sql`e.status = 'revoke_failed'`],
    ];
    for (const [input, where] of cases) expect([input, await numbers(input)]).toEqual([input, await truth(where)]);
    expect((await numbers({ status: "all" })).length).toBeGreaterThan(
      (await numbers({ expiringWithinDays: 7 })).length,
    );
  });

  it("refuses a page of 10,000 and a cursor it did not make, naming the field", async () => {
    const list = createCaller(contexts.it_admin).exceptions;
    expect(await refusal(list.list({ limit: 10_000 }))).toEqual({ code: "BAD_REQUEST", field: "limit" });
    expect(await refusal(list.list({ cursor: JSON.stringify(["2026-01-01T00:00:00Z", "x"]) }))).toEqual({
      code: "BAD_REQUEST",
      field: "cursor",
    });
  });
});
