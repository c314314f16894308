import { describe, expect, it } from "vitest";
import { inlineHashes, prerenderedHtmlPath, prerenderedPages } from "./prerendered-pages";
import { prerenderedPageCsp } from "./security-headers";

// Digests computed apart from the code under test: printf '…' | openssl dgst -sha256 -binary | base64
const ALERT = "'sha256-bhHHL3z2vDgxUt0W3dWQOrprscmda2Y5pLsLg4GF+pI='";
const FLIGHT = "'sha256-584+2pcOhnYRFGjMj7wO9AXB72SmGoj5ulTtGKXPcD4='";

const page = [
  "<!DOCTYPE html><html><head>",
  '<script src="/_next/static/chunks/main.js" async=""></script>',
  "</head><body><main>My access</main>",
  // Entities stay as written: a script is raw text, so the browser hashes "&amp;", not "&".
  '<script>self.__next_f.push([1,"a&amp;b <\\/x>"])</script>',
  "<SCRIPT>alert(1)</SCRIPT><script>alert(1)</script>",
  "</body></html>",
].join("");

describe("a prerendered page's inline hashes", () => {
  it("names each inline script once by the SHA-256 of its text as written, and no script that has a src", () => {
    expect(inlineHashes(page)).toEqual({ scripts: [FLIGHT, ALERT], styles: [] });
  });

  it("names inline styles apart from scripts", () => {
    expect(inlineHashes("<style>alert(1)</style>")).toEqual({ scripts: [], styles: [ALERT] });
  });

  it("goes into a policy that allows those scripts and the site's files, never inline code in general or eval", () => {
    const csp = prerenderedPageCsp({ scripts: [FLIGHT, ALERT], styles: [] }, { https: false, env: {} });
    expect(csp).toContain(`script-src 'self' ${FLIGHT} ${ALERT};`);
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|nonce-|strict-dynamic/);
  });
});

describe("which paths are prerendered", () => {
  function build(files: Record<string, string>) {
    const reads = { routes: 0, html: [] as string[] };
    const lookup = prerenderedPages({
      routes: () => (reads.routes++, new Set(["/access", "/gone"])),
      html: (pathname) => (reads.html.push(pathname), files[pathname] ?? null),
    });
    return { lookup, reads };
  }

  it("answers from the build's prerendered routes, reading each page once; other paths are rendered per request", () => {
    const { lookup, reads } = build({ "/access": "<script>alert(1)</script>" });
    expect(lookup("/access")).toEqual({ scripts: [ALERT], styles: [] });
    expect(lookup("/access")).toEqual({ scripts: [ALERT], styles: [] });
    expect(lookup("/inbox")).toBeNull();
    expect(lookup("/access/extra")).toBeNull();
    expect(reads).toEqual({ routes: 1, html: ["/access"] });
  });

  it("treats a listed route without its HTML file as rendered per request", () => {
    const { lookup } = build({});
    expect(lookup("/gone")).toBeNull();
  });

  it("finds a page's HTML where next build writes it", () => {
    expect(prerenderedHtmlPath(".next", "/access")).toBe(".next/server/app/access.html");
    expect(prerenderedHtmlPath("/srv/.next", "/")).toBe("/srv/.next/server/app/index.html");
  });
});
