import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/core/actor";
import { checkpointInput, checkpointName } from "@/server/core/audit/checkpoint";
import { auditEvents } from "@/server/db/schema";
import { fixedClock } from "@/test/support/actors";
import { allEvents, hmacWith, plainSha256, restoreEvents, rewriteHistory } from "@/test/support/audit-tamper";
import { asDatabaseSuperuser, createTestDatabase, type TestDatabase } from "@/test/support/db";
import { recordAuditEvent } from "./audit";
import { writeAuditCheckpoint } from "./audit-checkpoints/checkpoints";
import { directoryCheckpointStore } from "./audit-checkpoints/stores";
import { auditKeyring, hmacSha256, parseAuditKeys } from "./audit-keys";
import { verifyAuditChain } from "./audit-log";
import { chainAuditEvents } from "./audit-sequencer";

const ctx = { actor: systemActor("test"), clock: fixedClock() };
const freshDirectory = () =>
  directoryCheckpointStore(path.join(mkdtempSync(path.join(tmpdir(), "clearance-tamper-")), "checkpoints"));

async function record(t: TestDatabase, n: number, action = "test.event") {
  for (let i = 0; i < n; i++) {
    await t.db.transaction((tx) =>
      recordAuditEvent(tx, ctx, {
        action,
        subjectType: "test",
        subjectId: String(i),
        after: { i },
        reason: `event ${i}`,
      }),
    );
  }
  // Linked by the sequencer under the keyring in force now (withKeys).
  await chainAuditEvents({ db: t.db });
}

/** Runs `body` with CLEARANCE_AUDIT_KEYS set to `keys` (the process's keyring follows the setting). */
async function withKeys<T>(keys: string, body: () => Promise<T>): Promise<T> {
  const saved = process.env.CLEARANCE_AUDIT_KEYS;
  process.env.CLEARANCE_AUDIT_KEYS = keys;
  try {
    return await body();
  } finally {
    process.env.CLEARANCE_AUDIT_KEYS = saved;
  }
}

describe("a database superuser who rewrites the audit trail is caught", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("empty");
    await record(t, 12);
  });
  afterAll(() => t.close());

  it("links every event with HMAC under the current audit key and names that key on the row", async () => {
    const rows = await allEvents(t.db);
    expect(rows.map((r) => r.keyId)).toEqual(rows.map(() => auditKeyring().current.id));
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
      ok: true,
      checked: 12,
      legacy: 0,
    });
  });

  describe("edit one event, then re-hash every later one", () => {
    const attacks = [
      [
        "with plain SHA-256, keeping the key ids",
        plainSha256("test-1"),
        /its content does not match its hash under audit key "test-1" \(the event was changed, or re-hashed without the key\)/,
      ],
      [
        "with plain SHA-256, posing as legacy events",
        plainSha256(null),
        /it carries no audit key id although keyed events precede it/,
      ],
      [
        "with HMAC under a wrong key claiming the real key id",
        hmacWith("test-1", "a guess at the key, 32 bytes long!"),
        /does not match its hash under audit key "test-1"/,
      ],
      [
        "with HMAC under a key of their own",
        hmacWith("attacker-1", "the attacker's own key, 32 bytes!"),
        /it is signed by audit key "attacker-1", which is not in the keyring/,
      ],
    ] as const;
    it.each(attacks)("%s: verify names the edited event", async (_, relink, problem) => {
      const original = await allEvents(t.db);
      const victim = original[5]!;
      try {
        await rewriteHistory(t.db, victim.id, () => ({ reason: "approved by the CFO (edited afterwards)" }), relink);
        const after = await allEvents(t.db);
        // The rewrite is consistent: every previous-hash matches the event before it.
        for (let i = 1; i < after.length; i++) expect(after[i]!.prevHash).toBe(after[i - 1]!.hash);
        expect(after[5]!.reason).toBe("approved by the CFO (edited afterwards)");
        expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
          ok: false,
          brokenAt: victim.id,
          checked: 5,
          problem: expect.stringMatching(problem),
        });
      } finally {
        await restoreEvents(t.db, original);
      }
      expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({ ok: true, checked: 12 });
    });
  });

  it("names an unknown key id on an event as a failure of that event", async () => {
    const original = await allEvents(t.db);
    const victim = original[3]!;
    try {
      await asDatabaseSuperuser(t.db, (tx) =>
        tx.execute(sql`update audit_events set key_id = 'retired-0' where id = ${victim.id}`),
      );
      expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
        ok: false,
        brokenAt: victim.id,
        problem: 'it is signed by audit key "retired-0", which is not in the keyring',
      });
    } finally {
      await restoreEvents(t.db, original);
    }
  });
});

describe("events removed from the end are caught by the checkpoints", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("empty");
    await record(t, 10);
  });
  afterAll(() => t.close());

  it("reports the truncation against the checkpoint, refuses to write a newer one, and catches new events written over the gap", async () => {
    const store = freshDirectory();
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [store] })).toMatchObject({
      ok: true,
      checked: 10,
      unconfirmed: [`${store.location} holds no checkpoint yet`],
    });
    const written = await writeAuditCheckpoint({
      ctx: { db: t.db, clock: fixedClock("2026-11-22T13:00:00Z") },
      stores: [store],
    });
    expect(written).toMatchObject({
      ok: true,
      checkpoint: { count: 10, legacy: 0, keyId: "test-1", at: "2026-11-22T13:00:00.000Z" },
      written: [{ location: store.location, outcome: "written" }],
    });
    const rows = await allEvents(t.db);
    const head = rows.at(-1)!;
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [store] })).toMatchObject({
      ok: true,
      checked: 10,
      unconfirmed: [],
      checkpoints: [{ location: store.location, at: "2026-11-22T13:00:00.000Z", count: 10, headId: head.id }],
    });

    // The superuser removes the last three events: every remaining link still holds.
    await asDatabaseSuperuser(t.db, (tx) => tx.execute(sql`delete from audit_events where id > ${rows[6]!.id}`));
    const truncated = await verifyAuditChain({ ctx: { db: t.db }, stores: [store] });
    expect(truncated).toEqual(
      expect.objectContaining({
        ok: false,
        brokenAt: null,
        checked: 7,
        problem: `events after #${rows[6]!.id} are missing: the checkpoint of 2026-11-22T13:00:00.000Z saw 10 events ending at #${head.id} (${head.hash.slice(0, 12)}…); the database has only 7`,
      }),
    );

    // The next checkpoint would bury the evidence: it is refused, and nothing is written.
    const refused = await writeAuditCheckpoint({
      ctx: { db: t.db, clock: fixedClock("2026-11-22T14:00:00Z") },
      stores: [store],
    });
    expect(refused).toEqual({
      ok: false,
      refused: expect.stringMatching(
        new RegExp(
          `^the database no longer holds what the checkpoint of 2026-11-22T13:00:00.000Z .* saw, 10 events ending at #${head.id} .*: event #${head.id} is missing$`,
        ),
      ),
    });
    expect((await store.latest!())!.name).toBe(written.ok && written.name);

    // New events written after the removal fill the count again, but not with what the checkpoint saw.
    await record(t, 4, "test.after_removal");
    const refilled = await allEvents(t.db);
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [store] })).toMatchObject({
      ok: false,
      brokenAt: refilled[9]!.id,
      problem: expect.stringMatching(
        /^it does not match the checkpoint of 2026-11-22T13:00:00.000Z, which saw 10 events ending at/,
      ),
    });
  });
});

describe("key rotation", () => {
  let t: TestDatabase;
  const key1 = `k1:${Buffer.alloc(32, 1).toString("base64")}`;
  const key2 = `k2:${Buffer.alloc(32, 2).toString("base64")}`;
  beforeAll(async () => {
    t = await createTestDatabase("empty");
    await withKeys(key1, () => record(t, 3, "test.under_k1"));
    // Rotation: the new key is listed first (it signs), the old one stays listed (it verifies).
    await withKeys(`${key2},${key1}`, () => record(t, 3, "test.under_k2"));
  });
  afterAll(() => t.close());

  it("verifies events of both keys while both are listed, and names the first event of a key that is missing", async () => {
    const rows = await allEvents(t.db);
    expect(rows.map((r) => r.keyId)).toEqual(["k1", "k1", "k1", "k2", "k2", "k2"]);
    expect(
      await verifyAuditChain({ ctx: { db: t.db }, keyring: parseAuditKeys(`${key2}\n${key1}`, "test"), stores: [] }),
    ).toMatchObject({ ok: true, checked: 6 });
    expect(
      await verifyAuditChain({ ctx: { db: t.db }, keyring: parseAuditKeys(key1, "test"), stores: [] }),
    ).toMatchObject({
      ok: false,
      brokenAt: rows[3]!.id,
      checked: 3,
      problem: 'it is signed by audit key "k2", which is not in the keyring',
    });
    expect(
      await verifyAuditChain({ ctx: { db: t.db }, keyring: parseAuditKeys(key2, "test"), stores: [] }),
    ).toMatchObject({ ok: false, brokenAt: rows[0]!.id });
  });

  it("does not accept a key under another key's id", async () => {
    const swapped = `k2:${Buffer.alloc(32, 9).toString("base64")}`;
    const rows = await allEvents(t.db);
    expect(
      await verifyAuditChain({ ctx: { db: t.db }, keyring: parseAuditKeys(`${swapped},${key1}`, "test"), stores: [] }),
    ).toMatchObject({ ok: false, brokenAt: rows[3]!.id });
  });
});

describe("events from before audit keys (legacy links)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("empty");
    // Written as the previous version did: plain SHA-256, no key id.
    let prev = "0".repeat(64);
    for (let i = 0; i < 3; i++) {
      const content = {
        occurredAt: new Date(`2026-01-0${i + 1}T00:00:00Z`),
        actorType: "system",
        actorId: null,
        actorLabel: "system:old",
        action: "test.legacy",
        subjectType: "test",
        subjectId: String(i),
        before: null,
        after: null,
        reason: null,
        context: {},
      };
      const { hash } = plainSha256(null)(prev, content);
      await t.db.insert(auditEvents).values({ ...content, seq: i + 1, prevHash: prev, hash, keyId: null });
      prev = hash;
    }
    await record(t, 2, "test.keyed");
  });
  afterAll(() => t.close());

  it("verify as legacy links, anchored by the first keyed event: rewriting them is caught there", async () => {
    const rows = await allEvents(t.db);
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
      ok: true,
      checked: 5,
      legacy: 3,
    });
    try {
      // Legacy links can be recomputed without a key, but the first keyed event's HMAC covers the last legacy hash.
      await rewriteHistory(
        t.db,
        rows[1]!.id,
        () => ({ actorLabel: "someone-else" }),
        (prev, content) => plainSha256(null)(prev, content),
      );
      const rewritten = await allEvents(t.db);
      await asDatabaseSuperuser(t.db, (tx) =>
        tx.execute(
          sql`update audit_events set prev_hash = ${rewritten[2]!.hash}, key_id = ${"test-1"} where id = ${rows[3]!.id}`,
        ),
      );
      expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [] })).toMatchObject({
        ok: false,
        brokenAt: rows[3]!.id,
        legacy: 3,
      });
    } finally {
      await restoreEvents(t.db, rows);
    }
  });
});

describe("checkpoints that were forged or damaged", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase("empty");
    await record(t, 3);
  });
  afterAll(() => t.close());

  it("fail verification and block new checkpoints until someone looks", async () => {
    const store = freshDirectory();
    const directory = store.location.replace(/^directory /, "");
    const good = await writeAuditCheckpoint({
      ctx: { db: t.db, clock: fixedClock("2026-11-22T13:00:00Z") },
      stores: [store],
    });
    expect(good.ok).toBe(true);
    // A newer checkpoint claiming only 1 event, signed with a key the attacker made up under the real id.
    const body = {
      version: 1 as const,
      count: 3,
      legacy: 0,
      headId: 1,
      headHash: "f".repeat(64),
      at: "2026-11-22T14:00:00.000Z",
      keyId: "test-1",
    };
    const forgedKey = parseAuditKeys(`test-1:${Buffer.alloc(32, 7).toString("base64")}`, "forger").current;
    writeFileSync(
      path.join(directory, checkpointName(body)),
      JSON.stringify({ ...body, signature: hmacSha256(forgedKey, checkpointInput(body)) }),
    );
    expect(await verifyAuditChain({ ctx: { db: t.db }, stores: [store] })).toMatchObject({
      ok: false,
      brokenAt: null,
      problem: expect.stringMatching(
        /^the checkpoint of 2026-11-22T14:00:00.000Z \(.*\.json in directory .*\) carries a signature that does not verify under audit key "test-1"/,
      ),
    });
    expect(
      await writeAuditCheckpoint({ ctx: { db: t.db, clock: fixedClock("2026-11-22T15:00:00Z") }, stores: [store] }),
    ).toMatchObject({ ok: false });
    expect(readdirSync(directory)).toHaveLength(2);
  });
});
