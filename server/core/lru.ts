/**
 * A bounded least-recently-used map whose entries also expire: at most `max` entries, each kept
 * until the time it was stored with (epoch milliseconds, from the caller's clock). Pure: no timers;
 * an expired entry is dropped when it is next read.
 */
export class ExpiringLru<K, V> {
  readonly #entries = new Map<K, { value: V; until: number }>();

  constructor(readonly max: number) {
    if (!(max >= 1)) throw new Error(`an LRU holds at least one entry (got ${max})`);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The value if present and not expired at `now`; it becomes the most recently used. */
  get(key: K, now: number): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.until <= now) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` until `until` (nothing when that is not later than `now`), dropping the least recently used beyond `max`. */
  set(key: K, value: V, until: number, now: number): void {
    this.#entries.delete(key);
    if (until <= now) return;
    this.#entries.set(key, { value, until });
    while (this.#entries.size > this.max) this.#entries.delete(this.#entries.keys().next().value as K);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }

  /** Drops every entry whose value matches. */
  deleteWhere(matches: (value: V, key: K) => boolean): number {
    let dropped = 0;
    for (const [key, entry] of this.#entries) {
      if (matches(entry.value, key)) {
        this.#entries.delete(key);
        dropped++;
      }
    }
    return dropped;
  }

  clear(): void {
    this.#entries.clear();
  }
}
