import type { Metadata } from "next";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers/trpc";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Clearance", template: "%s · Clearance" },
  description: "Policy-first access governance",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, so each carries the nonce of its own Content-Security-Policy
  // (proxy.ts); a page prerendered at build time would have scripts the policy refuses.
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
