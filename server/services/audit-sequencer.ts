import { asc, desc, isNotNull, isNull, sql } from "drizzle-orm";
import { GENESIS_HASH, keyedChainInput } from "@/server/core/audit/chain";
import type { Db } from "@/server/db/client";
import { auditEvents } from "@/server/db/schema";
import { auditKeyring, hmacSha256, type AuditKeyring } from "./audit-keys";

/**
 * Held (try-lock, for one short transaction) by whichever instance is linking events. Writers
 * never take it, so they never wait for it; other instances' sequencers skip their turn.
 */
export const AUDIT_SEQUENCER_LOCK = 7_414_003;
const BATCH = 500;

export interface ChainRound {
  /** events linked by this call */
  chained: number;
  /** another sequencer held the lock: nothing was done, it is linking them */
  busy: boolean;
}

/** A Postgres array literal of values that need no quoting (numbers, hex, audit key ids). */
const pgArray = (values: readonly (string | number)[]) => `{${values.join(",")}}`;

/**
 * Links every committed, unlinked audit event into the chain, in the order they become visible
 * (commit order; id order among those committed together), continuing from the event with the
 * highest seq. Each batch is one short transaction under a try-lock only sequencers take: a
 * crash or a rollback leaves no event half-linked, and a second sequencer returns at once.
 * The link is the keyed HMAC of server/core/audit/chain.ts under the keyring's current key,
 * computed over the event as read back, exactly as `audit verify` recomputes it.
 */
export async function chainAuditEvents({
  db,
  keyring = auditKeyring(),
  batchSize = BATCH,
}: {
  db: Db;
  keyring?: AuditKeyring;
  batchSize?: number;
}): Promise<ChainRound> {
  const key = keyring.current;
  let chained = 0;
  for (;;) {
    // Idle rounds cost one index probe and no transaction.
    const [waiting] = await db.select({ id: auditEvents.id }).from(auditEvents).where(isNull(auditEvents.seq)).limit(1);
    if (!waiting) return { chained, busy: false };
    const done = await db.transaction(async (tx) => {
      const { rows } = await tx.execute<{ locked: boolean }>(
        sql`select pg_try_advisory_xact_lock(${AUDIT_SEQUENCER_LOCK}) as locked`,
      );
      if (!rows[0]!.locked) return null;
      const [head] = await tx
        .select({ seq: auditEvents.seq, hash: auditEvents.hash })
        .from(auditEvents)
        .where(isNotNull(auditEvents.seq))
        .orderBy(desc(auditEvents.seq))
        .limit(1);
      const events = await tx
        .select()
        .from(auditEvents)
        .where(isNull(auditEvents.seq))
        .orderBy(asc(auditEvents.id))
        .limit(batchSize);
      let seq = head?.seq ?? 0;
      let prevHash = head?.hash ?? GENESIS_HASH;
      const links = events.map(({ id, seq: _seq, prevHash: _prev, hash: _hash, keyId: _key, ...content }) => {
        const hash = hmacSha256(key, keyedChainInput(key.id, prevHash, content));
        const link = { id, seq: ++seq, prevHash, hash };
        prevHash = hash;
        return link;
      });
      if (links.length === 0) return 0;
      const updated = await tx.execute(sql`
        update ${auditEvents} as e
        set seq = v.seq, prev_hash = v.prev_hash, hash = v.hash, key_id = ${key.id}
        from unnest(${pgArray(links.map((l) => l.id))}::bigint[], ${pgArray(links.map((l) => l.seq))}::bigint[],
                    ${pgArray(links.map((l) => l.prevHash))}::text[], ${pgArray(links.map((l) => l.hash))}::text[])
             as v(id, seq, prev_hash, hash)
        where e.id = v.id and e.seq is null`);
      // Only sequencers link, one at a time: anything else is a bug, and nothing is kept.
      if (updated.rowCount !== links.length)
        throw new Error(`audit sequencer: linked ${updated.rowCount} of ${links.length} events; rolled back`);
      return links.length;
    });
    if (done === null) return { chained, busy: true };
    chained += done;
    if (done < batchSize) return { chained, busy: false };
  }
}

/** Events not yet linked, and when the oldest of them happened (null when there is none). */
export async function unchainedAuditEvents(db: Db): Promise<{ count: number; oldestAt: Date | null }> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int`, oldestAt: sql<string | null>`min(${auditEvents.occurredAt})` })
    .from(auditEvents)
    .where(isNull(auditEvents.seq));
  return { count: row?.count ?? 0, oldestAt: row?.oldestAt ? new Date(row.oldestAt) : null };
}
