/** A report as columns and rows read in batches, so any size streams with flat memory. */
export interface ReportSource {
  name: string;
  columns: readonly string[];
  /** columns whose cells are JSON text already (JSON exports embed them as they are) */
  jsonColumns?: readonly string[];
  /** the columns a PDF shows, when not all fit on a landscape page (the CSV has them all) */
  pdfColumns?: readonly string[];
  /** batchSize: rows per query, when the reader wants only a few (a preview reads limit + 1), else the source's own */
  rows(batchSize?: number): AsyncGenerator<unknown[][]>;
  /** how many rows there are, when that is cheap to know (for progress); with atMost, counted up to that many */
  count?: (atMost?: number) => Promise<number>;
}

/**
 * Reads a table in keyset order (by a numeric or text key), `size` rows at a time. From the second
 * batch on, the next one is asked for as soon as a full one arrives, so PostgreSQL reads it while the
 * caller writes this one out (two cores at work; at most two batches held). A reader that stops after
 * the first batch (a preview) never causes a read it does not use.
 */
export async function* keysetBatches<T, K>(
  fetch: (after: K | null, size: number) => Promise<T[]>,
  keyOf: (row: T) => K,
  toCells: (row: T) => unknown[],
  size = 5000,
): AsyncGenerator<unknown[][]> {
  let after: K | null = null;
  let ahead: Promise<T[]> | null = null;
  for (let n = 0; ; n++) {
    const batch: T[] = await (ahead ?? fetch(after, size));
    ahead = null;
    if (batch.length === 0) return;
    const more = batch.length === size;
    if (more) {
      after = keyOf(batch[batch.length - 1]!);
      if (n > 0) {
        ahead = fetch(after, size);
        // A reader that stops here never awaits it: its failure must not go unhandled.
        ahead.catch(() => undefined);
      }
    }
    yield batch.map(toCells);
    if (!more) return;
  }
}
