/**
 * Resolved combinations of matched policies (evaluate.ts), packed into typed arrays. A
 * combination's key (its allow and deny policy indices) and its result (grant-table indices in
 * resource order) sit side by side in chunks of Int32Array; an open-addressing table of hashes
 * finds them. No entry is a JS object, so 100,000 combinations cost the collector nothing and
 * about 300 bytes each.
 */

/** Ints per chunk (4 MB). A combination never straddles two chunks. */
const CHUNK = 1 << 20;
const HEADER = 3; // allow count, deny count, result count

export interface MemoLimits {
  /** combinations kept before the memo starts again from empty */
  entries: number;
  /** ints (keys and results together) kept before the memo starts again from empty */
  ints: number;
}

/** Enough for every distinct combination of 100,000 people under 1,000 policies, in about 32 MB. */
const DEFAULT_MEMO_LIMITS: MemoLimits = { entries: 200_000, ints: 8 * CHUNK };

/**
 * When fewer than this share of lookups hit, after the first LOOKUPS_BEFORE_JUDGING, the memo
 * stops taking new combinations: in an organization where nearly everyone's combination is
 * their own, remembering costs more time and memory than it saves.
 */
const WORTHWHILE_HIT_RATE = 0.25;
const LOOKUPS_BEFORE_JUDGING = 4096;

export class CombinationMemo {
  size = 0;
  private lookups = 0;
  private hits = 0;
  private chunks: Int32Array[] = [];
  private used = CHUNK; // ints used in the last chunk (full: the next add opens a chunk)
  private ints = 0;
  private slots: Int32Array = new Int32Array(1 << 12); // slot → entry + 1, 0 when empty
  private hashes: Int32Array = new Int32Array(1 << 11);
  /** entry → chunk * CHUNK + offset of its header */
  private at: Int32Array = new Int32Array(1 << 11);

  constructor(private readonly limits: MemoLimits = DEFAULT_MEMO_LIMITS) {}

  /** The entry holding this combination, or -1. */
  find(h: number, allow: Int32Array, aFrom: number, aTo: number, deny: Int32Array, dFrom: number, dTo: number): number {
    this.lookups++;
    const mask = this.slots.length - 1;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const e = this.slots[s]! - 1;
      if (e < 0) return -1;
      if (this.hashes[e] === h && this.keyIs(e, allow, aFrom, aTo, deny, dFrom, dTo)) {
        this.hits++;
        return e;
      }
    }
  }

  /** Whether adding is still worth it (see WORTHWHILE_HIT_RATE). */
  get worthwhile(): boolean {
    return this.lookups < LOOKUPS_BEFORE_JUDGING || this.hits >= this.lookups * WORTHWHILE_HIT_RATE;
  }

  /** Copies an entry's result into `into` (from 0); returns its length. */
  copyResult(e: number, into: Int32Array): number {
    const where = this.at[e]!;
    const c = this.chunks[(where / CHUNK) | 0]!;
    const o = where % CHUNK;
    const n = c[o + 2]!;
    const from = o + HEADER + c[o]! + c[o + 1]!;
    for (let i = 0; i < n; i++) into[i] = c[from + i]!; // a loop, not set(subarray()): no view object per call
    return n;
  }

  /** Remembers a combination and its result (result[0..n)). Starts again from empty when full. */
  add(
    h: number,
    allow: Int32Array,
    aFrom: number,
    aTo: number,
    deny: Int32Array,
    dFrom: number,
    dTo: number,
    result: Int32Array,
    n: number,
  ): void {
    const na = aTo - aFrom;
    const nd = dTo - dFrom;
    const need = HEADER + na + nd + n;
    if (need > CHUNK || !this.worthwhile) return; // larger than any real combination, or the memo is not paying off
    if (this.size >= this.limits.entries || this.ints + need > this.limits.ints) this.clear();
    if (this.used + need > CHUNK) {
      this.chunks.push(new Int32Array(CHUNK));
      this.used = 0;
    }
    const ci = this.chunks.length - 1;
    const c = this.chunks[ci]!;
    const o = this.used;
    c[o] = na;
    c[o + 1] = nd;
    c[o + 2] = n;
    let w = o + HEADER;
    for (let i = aFrom; i < aTo; i++) c[w++] = allow[i]!;
    for (let i = dFrom; i < dTo; i++) c[w++] = deny[i]!;
    for (let i = 0; i < n; i++) c[w++] = result[i]!;
    this.used += need;
    this.ints += need;
    const e = this.size++;
    if (e >= this.at.length) {
      this.at = grow(this.at);
      this.hashes = grow(this.hashes);
    }
    this.at[e] = ci * CHUNK + o;
    this.hashes[e] = h;
    if (this.size * 2 > this.slots.length) this.rehash(this.slots.length * 2);
    else this.place(e, h);
  }

  clear(): void {
    this.size = 0;
    this.lookups = 0;
    this.hits = 0;
    this.chunks = [];
    this.used = CHUNK;
    this.ints = 0;
    this.slots = new Int32Array(1 << 12);
    this.hashes = new Int32Array(1 << 11);
    this.at = new Int32Array(1 << 11);
  }

  private place(e: number, h: number) {
    const mask = this.slots.length - 1;
    let s = h & mask;
    while (this.slots[s] !== 0) s = (s + 1) & mask;
    this.slots[s] = e + 1;
  }

  private rehash(capacity: number) {
    this.slots = new Int32Array(capacity);
    for (let e = 0; e < this.size; e++) this.place(e, this.hashes[e]!);
  }

  private keyIs(
    e: number,
    allow: Int32Array,
    aFrom: number,
    aTo: number,
    deny: Int32Array,
    dFrom: number,
    dTo: number,
  ): boolean {
    const where = this.at[e]!;
    const c = this.chunks[(where / CHUNK) | 0]!;
    const o = where % CHUNK;
    const na = aTo - aFrom;
    const nd = dTo - dFrom;
    if (c[o] !== na || c[o + 1] !== nd) return false;
    let k = o + HEADER;
    for (let i = aFrom; i < aTo; i++) if (c[k++] !== allow[i]) return false;
    for (let i = dFrom; i < dTo; i++) if (c[k++] !== deny[i]) return false;
    return true;
  }
}

function grow(a: Int32Array): Int32Array {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** FNV-1a over the combination: allow count, allow ids, a separator, deny ids. */
export function comboHash(
  allow: Int32Array,
  aFrom: number,
  aTo: number,
  deny: Int32Array,
  dFrom: number,
  dTo: number,
): number {
  let h = 2166136261 ^ (aTo - aFrom);
  for (let i = aFrom; i < aTo; i++) h = Math.imul(h ^ allow[i]!, 16777619);
  h = Math.imul(h ^ 0x9e3779b9, 16777619);
  for (let i = dFrom; i < dTo; i++) h = Math.imul(h ^ deny[i]!, 16777619);
  return h;
}
