import type { DbOrTx } from "./client";

/**
 * A query read on every page view, built once per database handle and shape, then executed with its
 * placeholders (`sql.placeholder`) bound per call. Building a Drizzle query of a dozen columns costs
 * ~0.3 ms of the server's CPU, as much as a cheap call's own work (issue 14). Build the statement with
 * `.prepare("")`: unnamed, so PostgreSQL still plans each execution for its values (a named statement
 * would fall back to a generic plan, which for a skewed column such as an approver is much slower).
 *
 * `shapes` bounds how many shapes (which filters are present) one handle keeps.
 */
export function statementCache<Shape extends string, S>(build: (db: DbOrTx, shape: Shape) => S, shapes = 64) {
  const byHandle = new WeakMap<object, Map<Shape, S>>();
  return (db: DbOrTx, shape: Shape): S => {
    let byShape = byHandle.get(db);
    if (!byShape) byHandle.set(db, (byShape = new Map()));
    let statement = byShape.get(shape);
    if (!statement) {
      if (byShape.size >= shapes) byShape.clear();
      byShape.set(shape, (statement = build(db, shape)));
    }
    return statement;
  };
}

/**
 * `read(db, key)`, shared by the callers that ask for the same key on the same handle while it runs:
 * the procedures of one tRPC batch (My access asks for the person's attributes twice) make one query.
 * Only reads already in flight are shared, so nobody gets an answer older than their own call.
 */
export function sharedWhileRunning<K, V>(read: (db: DbOrTx, key: K) => Promise<V>) {
  const running = new WeakMap<object, Map<K, Promise<V>>>();
  return (db: DbOrTx, key: K): Promise<V> => {
    let byKey = running.get(db);
    if (!byKey) running.set(db, (byKey = new Map()));
    const inFlight = byKey.get(key);
    if (inFlight) return inFlight;
    const started = read(db, key).finally(() => byKey.delete(key));
    byKey.set(key, started);
    return started;
  };
}

/**
 * The one way a list names its statement's shape: which of its `filters` a call uses, as a key
 * ("0101": the second and fourth), read back by the statement's builder. A filter is used when its
 * value is neither null, undefined nor "".
 */
export function filterShapes<F extends string>(filters: readonly F[]) {
  return {
    keyOf: (values: Record<F, unknown>): string =>
      filters.map((f) => (values[f] === null || values[f] === undefined || values[f] === "" ? "0" : "1")).join(""),
    uses: (key: string, filter: F): boolean => key[filters.indexOf(filter)] === "1",
  };
}
