import type { GrantTable } from "./compile";
import type { ExpectedGrant } from "./types";

/** What packed results are read against: their set's resources and grant table. */
export interface GrantSource {
  resources: readonly string[];
  table: GrantTable;
}

export interface GrantDelta {
  added: ExpectedGrant[];
  removed: ExpectedGrant[];
  /** same resource, another level */
  changed: { resource: string; from: string | null; to: string | null; via: string[] }[];
}

/**
 * Each grant-table entry of two sets as the place of its resource in the sorted union of both
 * sets' resources, so packed results of the two can be merged and compared as numbers.
 */
function unionRanks(before: GrantSource, after: GrantSource) {
  const names = [...new Set([...before.resources, ...after.resources])].sort();
  const place = new Map(names.map((r, i) => [r, i]));
  const rankBefore = Int32Array.from(before.table.resource, (r) => place.get(before.resources[r]!)!);
  const rankAfter =
    before === after ? rankBefore : Int32Array.from(after.table.resource, (r) => place.get(after.resources[r]!)!);
  return { rankBefore, rankAfter, outBefore: before.table.out, outAfter: after.table.out };
}

/**
 * diffGrants (impact.ts) for packed results of two sets, without building arrays for people
 * whose grants do not change. The comparison returns null when nothing changes.
 */
export function packedComparison(before: GrantSource, after: GrantSource) {
  const { rankBefore, rankAfter, outBefore, outAfter } = unionRanks(before, after);
  return (a: Int32Array, aFrom: number, aTo: number, b: Int32Array, bFrom: number, bTo: number): GrantDelta | null => {
    // Most changed people change one way only: the other lists stay the shared empty one.
    let added: ExpectedGrant[] = NO_GRANTS;
    let removed: ExpectedGrant[] = NO_GRANTS;
    let changed: GrantDelta["changed"] = NO_CHANGES;
    let i = aFrom;
    let j = bFrom;
    while (i < aTo || j < bTo) {
      const ra = i < aTo ? rankBefore[a[i]!]! : Infinity;
      const rb = j < bTo ? rankAfter[b[j]!]! : Infinity;
      if (ra < rb) {
        if (removed === NO_GRANTS) removed = [];
        removed.push(outBefore[a[i++]!]!);
      } else if (rb < ra) {
        if (added === NO_GRANTS) added = [];
        added.push(outAfter[b[j++]!]!);
      } else {
        const g = outBefore[a[i++]!]!;
        const h = outAfter[b[j++]!]!;
        if (g.level === h.level) continue;
        if (changed === NO_CHANGES) changed = [];
        changed.push({ resource: h.resource, from: g.level, to: h.level, via: h.via });
      }
    }
    return added === NO_GRANTS && removed === NO_GRANTS && changed === NO_CHANGES ? null : { added, removed, changed };
  };
}

const NO_GRANTS = Object.freeze([]) as unknown as ExpectedGrant[];
const NO_CHANGES = Object.freeze([]) as unknown as GrantDelta["changed"];

/** Whether two packed grant lists (of two sets) are the same grants: resources and levels. */
function packedEquality(before: GrantSource, after: GrantSource) {
  const { rankBefore, rankAfter, outBefore, outAfter } = unionRanks(before, after);
  return (x: Int32Array, xFrom: number, xTo: number, y: Int32Array, yFrom: number, yTo: number): boolean => {
    if (xTo - xFrom !== yTo - yFrom) return false;
    for (let i = 0; i < xTo - xFrom; i++) {
      const g = x[xFrom + i]!;
      const h = y[yFrom + i]!;
      if (rankBefore[g] !== rankAfter[h] || outBefore[g]!.level !== outAfter[h]!.level) return false;
    }
    return true;
  };
}

/** One block of packed results: person i's grants are grants[start[i]..start[i + 1]). */
export interface GrantBlock {
  start: Int32Array;
  grants: Int32Array;
}

/**
 * Expected grants of many people, packed: per block of people, where each person's grants start
 * in one Int32Array of grant-table indices. 100,000 people with 45 grants each take 18 MB, not
 * the 50 MB that as many arrays of objects would. Read like a Map from identity id to grants;
 * each read builds that person's array from the set's shared grant objects.
 */
export class EvaluatedGrants {
  private index: Map<string, number> | null = null;

  constructor(
    private readonly ids: readonly string[],
    private readonly blocks: readonly GrantBlock[],
    private readonly blockSize: number,
    private readonly source: GrantSource,
  ) {}

  get size(): number {
    return this.indexOf().size;
  }

  /** How many grants the i-th person (in the order evaluated) has. */
  countAt(i: number): number {
    const b = this.blocks[(i / this.blockSize) | 0]!;
    const j = i % this.blockSize;
    return b.start[j + 1]! - b.start[j]!;
  }

  /** The i-th person's grants, in alphabetical order of resource. */
  at(i: number): ExpectedGrant[] {
    const b = this.blocks[(i / this.blockSize) | 0]!;
    const j = i % this.blockSize;
    const from = b.start[j]!;
    const grants = new Array<ExpectedGrant>(b.start[j + 1]! - from);
    const out = this.source.table.out;
    for (let k = 0; k < grants.length; k++) grants[k] = out[b.grants[from + k]!]!;
    return grants;
  }

  get(id: string): ExpectedGrant[] | undefined {
    const i = this.indexOf().get(id);
    return i === undefined ? undefined : this.at(i);
  }

  has(id: string): boolean {
    return this.indexOf().has(id);
  }

  *keys(): IterableIterator<string> {
    yield* this.indexOf().keys();
  }

  *values(): IterableIterator<ExpectedGrant[]> {
    for (const i of this.indexOf().values()) yield this.at(i);
  }

  *entries(): IterableIterator<[string, ExpectedGrant[]]> {
    for (const [id, i] of this.indexOf()) yield [id, this.at(i)];
  }

  [Symbol.iterator](): IterableIterator<[string, ExpectedGrant[]]> {
    return this.entries();
  }

  /** The total number of grants (each person counted once). */
  totalGrants(): number {
    let n = 0;
    for (const i of this.indexOf().values()) n += this.countAt(i);
    return n;
  }

  /**
   * The people of this evaluation, in its order, whose grants (resources and levels) differ from
   * `before`: found there by id, someone `before` does not hold having had nothing.
   */
  changedFrom(before: EvaluatedGrants): string[] {
    const same = packedEquality(before.source, this.source);
    const changed: string[] = [];
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i]!;
      const b = this.blocks[(i / this.blockSize) | 0]!;
      const j = i % this.blockSize;
      const k = before.indexOf().get(id);
      if (k === undefined) {
        if (b.start[j + 1]! > b.start[j]!) changed.push(id);
        continue;
      }
      const a = before.blocks[(k / before.blockSize) | 0]!;
      const m = k % before.blockSize;
      if (!same(a.grants, a.start[m]!, a.start[m + 1]!, b.grants, b.start[j]!, b.start[j + 1]!)) changed.push(id);
    }
    return changed;
  }

  /** id → position, built at the first read; as with a Map, a repeated id keeps its first place and its last grants. */
  private indexOf(): Map<string, number> {
    if (this.index) return this.index;
    const index = new Map<string, number>();
    for (let i = 0; i < this.ids.length; i++) index.set(this.ids[i]!, i);
    return (this.index = index);
  }
}
