/** A minimal ustar archive writer, so the policy set downloads as a directory of files. */
export function tarArchive(files: readonly { path: string; source: string }[], mtime = new Date()): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  const blocks: Uint8Array[] = [];
  for (const f of files) {
    const body = encoder.encode(f.source);
    const header = new Uint8Array(512);
    const put = (offset: number, length: number, text: string) => header.set(encoder.encode(text).slice(0, length), offset);
    const octal = (n: number, length: number) => n.toString(8).padStart(length - 1, "0");
    put(0, 100, f.path);
    put(100, 8, octal(0o644, 8));
    put(108, 8, octal(0, 8));
    put(116, 8, octal(0, 8));
    put(124, 12, octal(body.length, 12));
    put(136, 12, octal(Math.floor(mtime.getTime() / 1000), 12));
    put(148, 8, "        ");
    put(156, 1, "0");
    put(257, 6, "ustar\0");
    put(263, 2, "00");
    const checksum = header.reduce((sum, b) => sum + b, 0);
    put(148, 8, `${octal(checksum, 7)}\0 `);
    blocks.push(header, body, new Uint8Array((512 - (body.length % 512)) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let offset = 0;
  for (const b of blocks) {
    out.set(b, offset);
    offset += b.length;
  }
  return out;
}
