import { eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { cachedFigures } from "@/server/db/schema";

/** A figure kept in `cached_figures`: how to compute it and how old it may be when shown. */
export interface FigureSpec<T> {
  key: string;
  /** the freshness bound: an older value is recomputed (by one caller in the cluster) */
  maxAgeMs: number;
  compute: (tx: DbOrTx) => Promise<T>;
}

type Known = { value: unknown; computedAt: Date };
/** What this process last read or computed, per database handle and figure. */
const known = new WeakMap<DbOrTx, Map<string, Known>>();

const lockOf = (key: string) => sql`hashtextextended(${`cached_figures:${key}`}, 0)`;
const fresh = (row: { computedAt: Date } | undefined, now: Date, maxAgeMs: number) => {
  if (!row) return false;
  const age = now.getTime() - row.computedAt.getTime();
  // A value computed "in the future" (a clock set back) is not trusted either.
  return age >= 0 && age < maxAgeMs;
};

/**
 * The figure as of at most `maxAgeMs` before `now`, computed once per cluster, not once per
 * process and caller: a fresh row is read as it is (one primary-key lookup); a stale one is
 * recomputed by the caller that takes the figure's advisory lock, while every other caller reads
 * the last value instead of waiting. Only the very first computation is waited for. The lock is
 * transaction-level, so a caller that dies mid-way releases it. A fresh value this process has
 * already read or computed is served from memory until it reaches the same bound: no query at all
 * (a value computed at T is as good at T + maxAgeMs whichever process reads it).
 */
export async function cachedFigure<T>(db: DbOrTx, now: Date, spec: FigureSpec<T>): Promise<T> {
  let memo = known.get(db);
  if (!memo) known.set(db, (memo = new Map()));
  const last = memo.get(spec.key);
  if (fresh(last, now, spec.maxAgeMs)) return last!.value as T;
  const keep = (row: Known) => {
    memo.set(spec.key, row);
    return row.value as T;
  };
  const read = (on: DbOrTx) =>
    on
      .select({ value: cachedFigures.value, computedAt: cachedFigures.computedAt })
      .from(cachedFigures)
      .where(eq(cachedFigures.key, spec.key));
  const [row] = await read(db);
  if (fresh(row, now, spec.maxAgeMs)) return keep(row!);
  const computed = await db.transaction(async (tx) => {
    const got = (await tx.execute<{ got: boolean }>(sql`select pg_try_advisory_xact_lock(${lockOf(spec.key)}) as got`))
      .rows[0]!.got;
    if (!got) {
      // Someone else is recomputing it: the last value meanwhile, or wait for the first one.
      if (row) return { value: row.value as T, fresh: false };
      await tx.execute(sql`select pg_advisory_xact_lock(${lockOf(spec.key)})`);
    }
    const [again] = await read(tx);
    if (fresh(again, now, spec.maxAgeMs)) return { value: keep(again!), fresh: false };
    const value = await spec.compute(tx);
    await tx
      .insert(cachedFigures)
      .values({ key: spec.key, value, computedAt: now })
      .onConflictDoUpdate({ target: cachedFigures.key, set: { value, computedAt: now } });
    return { value, fresh: true };
  });
  // A value computed here is remembered once committed: a rolled-back one was never the cluster's.
  if (computed.fresh) keep({ value: computed.value, computedAt: now });
  return computed.value;
}
