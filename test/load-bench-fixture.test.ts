import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { recordAuditEvent } from "@/server/services/audit";
import { verifyAuditChain } from "@/server/services/audit-log";
import { fixedClock } from "@/test/support/actors";
import { createTestDatabase, type TestDatabase } from "@/test/support/db";
import { copyRows } from "@/bench/load/copy";
import { copyAuditEvents } from "@/bench/load/fixture-audit";
import { managerIndex, LEAD_SPAN, LEADS, MANAGERS, BULK_PEOPLE } from "@/bench/load/fixture-people";
import { batchPath, queryPath } from "@/bench/load/trpc";
import superjson from "superjson";

/** The load benchmark's fixture writers (bench/load): what they COPY reads back as written, and the audit chain verifies. */
describe("the load benchmark's fixture", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("seeded");
  });
  afterAll(() => t.close());

  it("COPYs values with quotes, commas, newlines, arrays and JSON back as they were", async () => {
    const client = await t.pool.connect();
    try {
      await client.query("create temp table copy_check (s text, a text[], j jsonb, d timestamptz, n int, z text)");
      const tricky = 'He said "no", then\nleft; back\\slash';
      const at = new Date("2026-03-04T05:06:07.089Z");
      await copyRows(
        client,
        "copy_check",
        ["s", "a", "j", "d", "n", "z"],
        [
          [
            tricky,
            ["plain", 'with "quote"', "comma,inside", "back\\slash"],
            { k: tricky, list: [1, null] },
            at,
            42,
            null,
          ],
        ],
      );
      const { rows } = await client.query("select * from copy_check");
      expect(rows).toEqual([
        {
          s: tricky,
          a: ["plain", 'with "quote"', "comma,inside", "back\\slash"],
          j: { k: tricky, list: [1, null] },
          d: at,
          n: 42,
          z: null,
        },
      ]);
    } finally {
      client.release();
    }
  });

  it("links COPYed audit events so the chain verifies, and the app's next event continues it", async () => {
    const client = await t.pool.connect();
    let chained: boolean;
    try {
      const { rows: people } = await client.query<{ id: string; email: string; name: string }>(
        "select id, email, display_name as name from identities limit 20",
      );
      ({ chained } = await copyAuditEvents(client, people, new Date("2026-06-01T00:00:00Z"), 300));
    } finally {
      client.release();
    }
    await t.db.transaction((tx) =>
      recordAuditEvent(
        tx,
        { actor: systemActor("test"), clock: fixedClock() },
        { action: "test.after", subjectType: "test" },
      ),
    );
    const { rows } = await t.pool.query<{ n: number }>("select count(*)::int as n from audit_events");
    if (chained) {
      expect(await verifyAuditChain({ ctx: { db: t.db } })).toMatchObject({ ok: true, checked: rows[0]!.n });
    } else {
      // The app chains appended events itself: the fixture left them unlinked for its sequencer.
      const unlinked = await t.pool.query<{ n: number }>(
        "select count(*)::int as n from audit_events where hash is null",
      );
      expect(unlinked.rows[0]!.n).toBeGreaterThanOrEqual(300);
    }
  });
});

describe("the load benchmark's shape", () => {
  it("gives each of the 16 leads 200 reports and everyone else a manager among the first 400", () => {
    const reports = new Map<number, number>();
    for (let i = 0; i < BULK_PEOPLE; i++) {
      const m = managerIndex(i);
      if (i < LEADS + MANAGERS) expect(m).toBeNull();
      else {
        expect(m).toBeLessThan(LEADS + MANAGERS);
        reports.set(m!, (reports.get(m!) ?? 0) + 1);
      }
    }
    for (let lead = 0; lead < LEADS; lead++) expect(reports.get(lead)).toBe(LEAD_SPAN / LEADS);
  });

  it("speaks tRPC's wire format: superjson input in ?input=, a batch keyed by position", () => {
    const at = new Date("2026-01-02T03:04:05Z");
    const single = new URL(`http://x${queryPath("auditLog.list", { page: 1, since: at })}`);
    expect(single.pathname).toBe("/api/trpc/auditLog.list");
    expect(superjson.deserialize(JSON.parse(single.searchParams.get("input")!))).toEqual({ page: 1, since: at });
    const batch = new URL(
      `http://x${batchPath([{ path: "me.profile" }, { path: "inbox.list", input: { search: "a" } }])}`,
    );
    expect(batch.pathname).toBe("/api/trpc/me.profile,inbox.list");
    expect(batch.searchParams.get("batch")).toBe("1");
    const inputs = JSON.parse(batch.searchParams.get("input")!) as Record<string, unknown>;
    expect(superjson.deserialize(inputs["1"] as Parameters<typeof superjson.deserialize>[0])).toEqual({ search: "a" });
  });
});
