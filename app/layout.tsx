import type { Metadata } from "next";
import type { ReactNode } from "react";
import { Providers } from "@/components/providers/trpc";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Clearance", template: "%s · Clearance" },
  description: "Policy-first access governance",
};

/**
 * Pages are rendered per request, each carrying the nonce of its own Content-Security-Policy
 * (proxy.ts): the layouts of app/(portal) and the other pages read the request. The pages of
 * app/(prerendered) are built once and get a policy with their scripts' hashes instead.
 */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
