"use client";

import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { createTRPCClient } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useEffect, useState, type ReactNode } from "react";
import { z } from "zod";
import type { AppRouter } from "@/server/api/root";
import { makeQueryClient } from "./query-client";
import { browserLink } from "./trpc-link";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

// Schemas shared with the server are parsed here too; zod would otherwise probe `Function("")` to
// compile them, which the Content-Security-Policy refuses (no eval) and reports as a violation.
z.config({ jitless: true });

let browserQueryClient: QueryClient | undefined;

function getQueryClient() {
  // On the server every request gets its own client; in the browser one is kept for the tab.
  if (typeof window === "undefined") return makeQueryClient();
  return (browserQueryClient ??= makeQueryClient());
}

export function Providers({ children }: { children: ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [browserLink()],
    }),
  );
  // Marks the page interactive, so end-to-end tests act only once React is listening.
  useEffect(() => {
    document.documentElement.dataset.hydrated = "true";
  }, []);
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
