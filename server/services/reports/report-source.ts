/** A report as columns and rows read in batches, so any size streams with flat memory. */
export interface ReportSource {
  name: string;
  columns: readonly string[];
  /** columns whose cells are JSON text already (JSON exports embed them as they are) */
  jsonColumns?: readonly string[];
  /** the columns a PDF shows, when not all fit on a landscape page (the CSV has them all) */
  pdfColumns?: readonly string[];
  rows(): AsyncGenerator<unknown[][]>;
  /** how many rows there are, when that is cheap to know (for progress) */
  count?: () => Promise<number>;
}

/** Reads a table in keyset order (by a numeric or text key), `size` rows at a time. */
export async function* keysetBatches<T, K>(
  fetch: (after: K | null, size: number) => Promise<T[]>,
  keyOf: (row: T) => K,
  toCells: (row: T) => unknown[],
  size = 5000,
): AsyncGenerator<unknown[][]> {
  let after: K | null = null;
  for (;;) {
    const batch = await fetch(after, size);
    if (batch.length === 0) return;
    yield batch.map(toCells);
    if (batch.length < size) return;
    after = keyOf(batch[batch.length - 1]!);
  }
}
