import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Parser } from "htmlparser2";

/**
 * Pages prerendered at build time (app/(prerendered)) cannot carry a per-request nonce: their HTML
 * is the same for every view. Their Content-Security-Policy names instead the SHA-256 of each inline
 * script and style the build wrote into them (CSP Level 3 hash-source), read once per process from
 * the build's own files. Everything else stays on the nonce (proxy.ts).
 */

export interface InlineHashes {
  /** `'sha256-…'` source expressions, each once */
  scripts: string[];
  styles: string[];
}

const sha256 = (text: string) => `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;

/**
 * The hashes of an HTML page's inline scripts (those without `src`) and `<style>` elements, over
 * their text exactly as written: scripts and styles are raw text to an HTML parser, so what the
 * browser hashes is these characters in UTF-8.
 */
export function inlineHashes(html: string): InlineHashes {
  const scripts = new Set<string>();
  const styles = new Set<string>();
  let open: { tag: "script" | "style"; text: string } | null = null;
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === "style" || (name === "script" && !("src" in attributes))) open = { tag: name, text: "" };
      },
      ontext(text) {
        if (open) open.text += text;
      },
      onclosetag(name) {
        if (!open || open.tag !== name) return;
        (open.tag === "script" ? scripts : styles).add(sha256(open.text));
        open = null;
      },
    },
    { decodeEntities: false, lowerCaseTags: true },
  );
  parser.end(html);
  return { scripts: [...scripts], styles: [...styles] };
}

/** Where a build keeps a prerendered page's HTML: `/access` → `server/app/access.html`. */
export function prerenderedHtmlPath(distDir: string, pathname: string): string {
  return path.join(
    /*turbopackIgnore: true*/ distDir,
    "server",
    "app",
    `${pathname === "/" ? "/index" : pathname}.html`,
  );
}

type Reader = { routes: () => Set<string>; html: (pathname: string) => string | null };

/** The build in this process's directory (next start runs from the project's root). */
function buildReader(distDir: string): Reader {
  return {
    routes() {
      const file = path.join(/*turbopackIgnore: true*/ distDir, "prerender-manifest.json");
      if (!existsSync(file)) return new Set();
      const manifest = JSON.parse(readFileSync(file, "utf8")) as { routes?: Record<string, unknown> };
      return new Set(Object.keys(manifest.routes ?? {}));
    },
    html(pathname) {
      const file = prerenderedHtmlPath(distDir, pathname);
      return existsSync(file) ? readFileSync(file, "utf8") : null;
    },
  };
}

/**
 * A lookup from a path to its prerendered page's hashes (null: the page is rendered per request).
 * The build's files are read on first use and kept: one process serves one build.
 */
export function prerenderedPages(reader: Reader) {
  let routes: Set<string> | undefined;
  const found = new Map<string, InlineHashes | null>();
  return (pathname: string): InlineHashes | null => {
    routes ??= reader.routes();
    if (!routes.has(pathname)) return null;
    if (!found.has(pathname)) {
      const html = reader.html(pathname);
      found.set(pathname, html === null ? null : inlineHashes(html));
    }
    return found.get(pathname) ?? null;
  };
}

/** This process's build; development renders every page per request, so it has none. */
export const hashesOfPrerenderedPage =
  process.env.NODE_ENV === "production"
    ? prerenderedPages(
        buildReader(path.resolve(/*turbopackIgnore: true*/ process.env.CLEARANCE_NEXT_DIST_DIR || ".next")),
      )
    : () => null;
