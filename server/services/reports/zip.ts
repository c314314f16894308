import { Zip, ZipDeflate, ZipPassThrough } from "fflate";

/** A file of a ZIP: its bytes, or chunks read only when the archive gets to it. */
export interface ZipEntry {
  name: string;
  data: Uint8Array | (() => AsyncIterable<string>);
}

/**
 * A ZIP archive (deflated entries, UTF-8 names) as a stream, written by fflate: each entry is read
 * and compressed when the reader asks for more, so a large report never sits whole in memory.
 */
export function zipStream(entries: readonly ZipEntry[], at: Date): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const out: Uint8Array[] = [];
  let failed: Error | null = null;
  let done = false;
  const zip = new Zip((err, chunk, final) => {
    if (err) failed = err;
    else out.push(chunk);
    if (final) done = true;
  });
  async function* parts() {
    for (const entry of entries) {
      // Already-compressed bytes (a PDF's streams are deflated) would only grow: they are stored.
      const file = entry.name.endsWith(".pdf") ? new ZipPassThrough(entry.name) : new ZipDeflate(entry.name);
      file.mtime = at;
      zip.add(file);
      if (entry.data instanceof Uint8Array) file.push(entry.data, true);
      else {
        for await (const chunk of entry.data()) {
          file.push(encoder.encode(chunk));
          yield;
        }
        file.push(new Uint8Array(0), true);
      }
      yield;
    }
    zip.end();
  }
  const steps = parts();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      while (out.length === 0 && !done && !failed) if ((await steps.next()).done) break;
      if (failed) return controller.error(failed);
      while (out.length) controller.enqueue(out.shift()!);
      if (done) controller.close();
    },
    async cancel() {
      await steps.return(undefined);
    },
  });
}
