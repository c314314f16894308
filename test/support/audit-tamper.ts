import { createHash, createHmac } from "node:crypto";
import { and, asc, gte, isNotNull, sql } from "drizzle-orm";
import { chainInput, GENESIS_HASH, keyedChainInput, type ChainedContent } from "@/server/core/audit/chain";
import type { Db } from "@/server/db/client";
import { auditEvents } from "@/server/db/schema";
import { asDatabaseSuperuser } from "./db";

/** How an attacker links an event: the hash and key id they store. */
export type Relink = (prevHash: string, content: ChainedContent) => { hash: string; keyId: string | null };

/** Plain SHA-256, as the chain was before audit keys; keeps whatever key id the row had unless told. */
export const plainSha256 =
  (keyId: string | null): Relink =>
  (prevHash, content) => ({ hash: createHash("sha256").update(chainInput(prevHash, content)).digest("hex"), keyId });

/** HMAC under a secret the attacker chose, claiming a key id (the real one, or one of their own). */
export const hmacWith =
  (keyId: string, secret: string): Relink =>
  (prevHash, content) => ({
    hash: createHmac("sha256", Buffer.from(secret))
      .update(keyedChainInput(keyId, prevHash, content))
      .digest("hex"),
    keyId,
  });

type Row = typeof auditEvents.$inferSelect;
/** A linked event: seq and both hashes are set (audit_events_link_check). */
export type LinkedRow = Row & { seq: number; prevHash: string; hash: string };

/** Every linked event, in chain order (seq). */
export const allEvents = (db: Db) =>
  db.select().from(auditEvents).where(isNotNull(auditEvents.seq)).orderBy(asc(auditEvents.seq)) as Promise<LinkedRow[]>;

/**
 * The attack of issue 12: as the database superuser (triggers off), change event `fromId` with
 * `edit`, then recompute the link of it and of every later event in chain order with `relink`, so
 * that each event's previous-hash again matches the event before it.
 */
export async function rewriteHistory(
  db: Db,
  fromId: number,
  edit: (row: Row) => Partial<Row>,
  relink: Relink,
): Promise<void> {
  await asDatabaseSuperuser(db, async (tx) => {
    const fromSeq = sql`(select seq from audit_events where id = ${fromId})`;
    const [before] = await tx
      .execute<{ hash: string }>(sql`select hash from audit_events where seq < ${fromSeq} order by seq desc limit 1`)
      .then((r) => r.rows);
    let prevHash = before?.hash ?? GENESIS_HASH;
    const rows = await tx
      .select()
      .from(auditEvents)
      .where(and(isNotNull(auditEvents.seq), gte(auditEvents.seq, fromSeq)))
      .orderBy(asc(auditEvents.seq));
    for (const original of rows) {
      const row = original.id === fromId ? { ...original, ...edit(original) } : original;
      const { id, seq: _s, prevHash: _p, hash: _h, keyId: _k, ...content } = row;
      const link = relink(prevHash, content);
      await tx
        .update(auditEvents)
        .set({ ...content, prevHash, hash: link.hash, keyId: link.keyId })
        .where(sql`${auditEvents.id} = ${id}`);
      prevHash = link.hash;
    }
  });
}

/** Puts rows back exactly as they were (after an attack, for the next test). */
export async function restoreEvents(db: Db, rows: readonly Row[]): Promise<void> {
  await asDatabaseSuperuser(db, async (tx) => {
    for (const { id, ...rest } of rows)
      await tx
        .update(auditEvents)
        .set(rest)
        .where(sql`${auditEvents.id} = ${id}`);
  });
}
