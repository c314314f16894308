"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import type { PatternDimension } from "@/server/core/migration/patterns";

// Node's default header limit is 16 KB and the URL counts towards it; leave room for cookies.
const LONGEST_LINK = 12_000;

/**
 * Drafts a policy from a group's pattern and opens it in the policy editor, which takes a new
 * file's YAML in `?draft=` (as the exception metrics' drafts do): lint runs on it as typed and
 * "Preview impact" shows who it reaches before anything is saved.
 */
export function useDraftPolicy() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<{ group: string; message: string } | null>(null);

  const draft = async (dimension: PatternDimension, group: string, resources?: string[]) => {
    setError(null);
    setPending(group);
    try {
      const result = await queryClient.fetchQuery({
        ...trpc.migration.draftPolicy.queryOptions({ dimension, group, resources }),
        staleTime: 0,
      });
      const href = `/policies/edit?from=migration&draft=${encodeURIComponent(result.source)}`;
      if (href.length > LONGEST_LINK) {
        setError({
          group,
          message: `A draft of ${result.resources.length} grants is too long to open: choose fewer resources and draft the rest as a second policy.`,
        });
        return;
      }
      router.push(href);
    } catch (err) {
      setError({ group, message: (err as Error).message });
    } finally {
      setPending(null);
    }
  };
  return { draft, pending, error };
}
