import type { NodePgDatabase } from "drizzle-orm/node-postgres";
import { insertRows } from "./insert-rows";
import { auditEvents } from "./schema";
import type * as schema from "./schema";

type Database = NodePgDatabase<typeof schema>;
type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type AuditRow = typeof auditEvents.$inferInsert;

/**
 * A transaction's audit events, written together in one statement just before it commits instead of
 * one round trip each (an approval records four; issue 14). Nothing reads an event before its
 * transaction commits (the trail, its reports and the sequencer see committed rows only), so holding
 * them changes nothing a reader can see; a failed write of them rolls the whole transaction back, as
 * one failed insert did. A long transaction (an HR import) writes them every FLUSH_AT events.
 */
const FLUSH_AT = 500;
// On globalThis: Next.js loads this module in several bundles, and the bundle that opened the database
// (whose transactions fill a buffer) is not always the one whose services record the events.
const key = Symbol.for("clearance.auditBuffers");
const buffers: WeakMap<object, AuditRow[]> = ((globalThis as { [key]?: WeakMap<object, AuditRow[]> })[key] ??=
  new WeakMap());

/** Adds `row` to the transaction's buffer, or inserts it now outside a buffered transaction. */
export async function writeAuditRow(tx: Transaction, row: AuditRow): Promise<void> {
  const buffer = buffers.get(tx);
  if (!buffer) {
    await tx.insert(auditEvents).values(row);
    return;
  }
  buffer.push(row);
  if (buffer.length >= FLUSH_AT) await flush(tx, buffer);
}

async function flush(tx: Transaction, buffer: AuditRow[]) {
  // one JSON parameter, not eleven bound values an event (insert-rows.ts)
  if (buffer.length > 0) await insertRows(tx, auditEvents, buffer.splice(0));
}

/**
 * `db` whose transactions buffer their audit events (above). Savepoints (`tx.transaction`) are not
 * buffered: their events are inserted at once, so a rolled-back savepoint takes its events with it.
 */
export function bufferingAuditEvents(db: Database): Database {
  const transaction = db.transaction.bind(db);
  db.transaction = ((run, config) =>
    transaction(async (tx) => {
      const buffer: AuditRow[] = [];
      buffers.set(tx, buffer);
      const result = await run(tx);
      await flush(tx, buffer);
      return result;
    }, config)) as Database["transaction"];
  return db;
}
