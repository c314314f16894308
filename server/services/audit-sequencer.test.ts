import { asc, eq, isNull, sql } from "drizzle-orm";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { createDrizzle, type Db } from "@/server/db/client";
import { auditEvents } from "@/server/db/schema";
import { startAuditSequencer } from "@/server/jobs/audit-sequencer";
import { fixedClock } from "@/test/support/actors";
import { asSchemaOwner, createTestDatabase, type TestDatabase } from "@/test/support/db";
import { recordAuditEvent } from "./audit";
import { parseAuditKeys } from "./audit-keys";
import { verifyAuditChain } from "./audit-log";
import { AUDIT_SEQUENCER_LOCK, chainAuditEvents } from "./audit-sequencer";

const ctx = { actor: systemActor("test"), clock: fixedClock() };
const WRITERS = 16;
// Generous: CI is a slow, busy machine. A writer that waits on a lock never finishes at all.
const PATIENCE_MS = 30_000;

/** One connection per writer, as separate app instances would have. */
function connections(t: TestDatabase, n: number) {
  const pools = Array.from({ length: n }, () => new pg.Pool({ connectionString: t.url, max: 1 }));
  return { dbs: pools.map((p) => createDrizzle(p)), end: () => Promise.all(pools.map((p) => p.end())) };
}

const write = (db: Db, subjectId: string) =>
  db.transaction((tx) => recordAuditEvent(tx, ctx, { action: "test.sequenced", subjectType: "test", subjectId }));

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: still waiting after ${PATIENCE_MS} ms`)), PATIENCE_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const linked = (db: Db) =>
  db
    .select({ id: auditEvents.id, seq: auditEvents.seq, subjectId: auditEvents.subjectId })
    .from(auditEvents)
    .orderBy(asc(auditEvents.seq));

describe("the audit sequencer", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase("empty");
  });
  afterEach(() => t.close());

  it("links the events of 16 concurrent writers once each, in commit order, while sequencers run beside them", async () => {
    const writers = connections(t, WRITERS);
    const sequencers = connections(t, 2);
    // Commit order as the writers saw it: an event committed before another began must come first.
    let tick = 0;
    const seen = new Map<string, { began: number; committed: number }>();
    let writing = true;
    const rounds = { busy: 0, chained: 0 };
    const sequencing = sequencers.dbs.map(async (db) => {
      while (writing) {
        const round = await chainAuditEvents({ db, batchSize: 7 });
        rounds.chained += round.chained;
        if (round.busy) rounds.busy++;
        await new Promise((r) => setTimeout(r, 5));
      }
    });
    try {
      await within(
        Promise.all(
          writers.dbs.map(async (db, w) => {
            for (let i = 0; i < 20; i++) {
              const key = `${w}:${i}`;
              const began = ++tick;
              await write(db, key);
              seen.set(key, { began, committed: ++tick });
            }
          }),
        ),
        "16 writers",
      );
    } finally {
      writing = false;
      await Promise.all(sequencing);
      await Promise.all([writers.end(), sequencers.end()]);
    }
    await chainAuditEvents({ db: t.db });

    const rows = await linked(t.db);
    expect(rows).toHaveLength(WRITERS * 20);
    expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
    const seqOf = new Map(rows.map((r) => [r.subjectId!, r.seq!]));
    let pairs = 0;
    for (const [a, ta] of seen)
      for (const [b, tb] of seen)
        if (ta.committed < tb.began) {
          pairs++;
          if (seqOf.get(a)! >= seqOf.get(b)!) expect.fail(`${a} committed before ${b} began, but is linked after it`);
        }
    expect(pairs).toBeGreaterThan(WRITERS * 20);
    // The sequencers ran during the writes (the test exercises interleaving, not one final batch).
    expect(rounds.chained).toBeGreaterThan(0);
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
      ok: true,
      checked: WRITERS * 20,
      unchained: { count: 0 },
    });
  });

  it("never makes a writer wait: writes commit while another connection holds the sequencer's lock", async () => {
    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    const writers = connections(t, WRITERS);
    try {
      await holder.query("begin");
      await holder.query("select pg_advisory_xact_lock($1)", [AUDIT_SEQUENCER_LOCK]);
      // And a writer's transaction held open, mid-way, with its event written: nobody waits for it either.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let wrote!: () => void;
      const written = new Promise<void>((r) => (wrote = r));
      const open = t.db.transaction(async (tx) => {
        // In a savepoint: its row (and so a lower id than the writers' below) is written now, not at commit.
        await tx.transaction((sp) =>
          recordAuditEvent(sp, ctx, { action: "test.sequenced", subjectType: "test", subjectId: "open" }),
        );
        wrote();
        await held;
      });
      await written;

      await within(
        Promise.all(writers.dbs.map((db, w) => write(db, `w${w}`))),
        "writes while the sequencer's lock is held",
      );
      const { rows } = await holder.query<{ waiting: number }>(
        "select count(*)::int as waiting from pg_locks where not granted and database = (select oid from pg_database where datname = current_database())",
      );
      expect(rows[0]!.waiting).toBe(0);
      // A second sequencer does not wait either: it skips its turn.
      expect(await within(chainAuditEvents({ db: t.db }), "a sequencer")).toEqual({ chained: 0, busy: true });
      await holder.query("rollback");

      // The committed events are linked; the open transaction's (a lower id) is not visible yet.
      expect(await chainAuditEvents({ db: t.db })).toEqual({ chained: WRITERS, busy: false });
      release();
      await open;
      expect(await chainAuditEvents({ db: t.db })).toEqual({ chained: 1, busy: false });
      const rows2 = await linked(t.db);
      const last = rows2.at(-1)!;
      expect(last.subjectId).toBe("open");
      expect(last.id).toBeLessThan(Math.max(...rows2.map((r) => r.id)));
      expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
        ok: true,
        checked: WRITERS + 1,
      });
    } finally {
      await holder.end();
      await writers.end();
    }
  });

  it("leaves nothing half-linked when it fails mid-way: the batch rolls back and the next round links it", async () => {
    for (let i = 0; i < 3; i++) await write(t.db, `before ${i}`);
    await chainAuditEvents({ db: t.db });
    for (let i = 0; i < 6; i++) await write(t.db, `crash ${i}`);
    // The fourth link of the batch fails, as a crash or a lost connection would.
    await asSchemaOwner(t.db, (tx) =>
      tx.execute(
        sql.raw(`create function crash_at_seven() returns trigger language plpgsql as $$
        begin raise exception 'sequencer crashed'; end $$;
        create trigger crash_at_seven before update on audit_events for each row when (new.seq = 7) execute function crash_at_seven();`),
      ),
    );
    await expect(chainAuditEvents({ db: t.db })).rejects.toMatchObject({
      cause: expect.objectContaining({ message: "sequencer crashed" }),
    });
    const after = await t.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
    expect(after.map((r) => r.seq)).toEqual([1, 2, 3, null, null, null, null, null, null]);
    expect(after.slice(3).every((r) => r.prevHash === null && r.hash === null && r.keyId === null)).toBe(true);
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
      ok: true,
      checked: 3,
      unchained: { count: 6 },
    });

    await asSchemaOwner(t.db, (tx) =>
      tx.execute(sql.raw("drop trigger crash_at_seven on audit_events; drop function crash_at_seven();")),
    );
    expect(await chainAuditEvents({ db: t.db })).toEqual({ chained: 6, busy: false });
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({ ok: true, checked: 9 });
  });

  it("links under whichever key each instance signs with; the chain verifies across rotations", async () => {
    const k1 = `k1:${Buffer.alloc(32, 1).toString("base64")}`;
    const k2 = `k2:${Buffer.alloc(32, 2).toString("base64")}`;
    const old = parseAuditKeys(k1, "old instance");
    const rotated = parseAuditKeys(`${k2},${k1}`, "new instance");
    // A rolling deploy: old and new instances link in turn.
    for (const keyring of [old, rotated, old, rotated]) {
      for (let i = 0; i < 3; i++) await write(t.db, `${keyring.current.id}`);
      await chainAuditEvents({ db: t.db, keyring });
    }
    const keys = (await t.db.select({ keyId: auditEvents.keyId }).from(auditEvents).orderBy(asc(auditEvents.seq))).map(
      (r) => r.keyId,
    );
    expect(keys).toEqual([..."111222111222"].map((k) => `k${k}`));
    expect(await verifyAuditChain({ ctx: { db: t.db }, keyring: rotated, stores: [] })).toMatchObject({
      ok: true,
      checked: 12,
    });
    expect(await verifyAuditChain({ ctx: { db: t.db }, keyring: old, stores: [] })).toMatchObject({
      ok: false,
      checked: 3,
      problem: 'it is signed by audit key "k2", which is not in the keyring',
    });
  });

  it("allows the app only the one fill of an empty link: no other change, not even of a link", async () => {
    await write(t.db, "linked");
    await chainAuditEvents({ db: t.db });
    await write(t.db, "unlinked");
    const [first, second] = await t.db.select().from(auditEvents).orderBy(asc(auditEvents.id));
    const refusedBy = (message: RegExp) => ({
      cause: expect.objectContaining({ code: "42501", message: expect.stringMatching(message) }),
    });
    const fill = (id: number, extra = "") =>
      t.db.execute(
        sql.raw(
          `update audit_events set seq = 2, prev_hash = '${first!.hash}', hash = '${"a".repeat(64)}', key_id = 'test-1'${extra} where id = ${id}`,
        ),
      );
    // Content: no privilege. A linked event's link: the trigger. A part of a link: the trigger.
    await expect(fill(second!.id, ", reason = 'sneaked in'")).rejects.toMatchObject(refusedBy(/permission denied/));
    await expect(fill(first!.id)).rejects.toMatchObject(refusedBy(/append-only: UPDATE is refused/));
    await expect(
      t.db.execute(sql`update audit_events set hash = ${"b".repeat(64)} where id = ${second!.id}`),
    ).rejects.toMatchObject(refusedBy(/append-only: UPDATE is refused/));
    expect(await t.db.select().from(auditEvents).orderBy(asc(auditEvents.id))).toEqual([first, second]);
    // The owner may not change content while filling either.
    const owner = new pg.Pool({ connectionString: t.ownerUrl, max: 1 });
    try {
      await expect(
        owner.query(
          `update audit_events set seq = 2, prev_hash = '${first!.hash}', hash = '${"a".repeat(64)}', key_id = 'test-1', reason = 'x' where id = ${second!.id}`,
        ),
      ).rejects.toMatchObject({ code: "42501", message: expect.stringMatching(/append-only: UPDATE is refused/) });
    } finally {
      await owner.end();
    }
    // A forged fill (the app role's one allowed change) is caught: its hash is not the key's.
    await fill(second!.id);
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
      ok: false,
      brokenAt: second!.id,
    });
  });

  it("runs in the workers: an event is linked soon after its commit without anyone calling it", async () => {
    const lines: string[] = [];
    const loop = startAuditSequencer({ db: t.db, everyMs: 50, log: (l) => lines.push(l) });
    try {
      await write(t.db, "background");
      await within(
        (async () => {
          while ((await t.db.select().from(auditEvents).where(isNull(auditEvents.seq))).length) {
            await new Promise((r) => setTimeout(r, 20));
          }
        })(),
        "the background sequencer",
      );
    } finally {
      await loop.stop();
    }
    const [row] = await t.db.select().from(auditEvents).where(eq(auditEvents.subjectId, "background"));
    expect(row).toMatchObject({ seq: 1, keyId: "test-1" });
    expect(lines).toEqual([]);
  });
});
