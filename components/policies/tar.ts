import { packTar } from "modern-tar";

/**
 * The policy set as a .tar of its files. modern-tar writes a PAX header for paths longer than ustar's
 * 100 (+155 prefix) bytes, so a long path keeps its full name instead of being cut.
 */
export function tarArchive(
  files: readonly { path: string; source: string }[],
  mtime = new Date(),
): Promise<Uint8Array<ArrayBuffer>> {
  const encoder = new TextEncoder();
  return packTar(
    files.map((f) => {
      const body = encoder.encode(f.source);
      return { header: { name: f.path, size: body.length, mtime, mode: 0o644, type: "file" as const }, body };
    }),
  );
}
