"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { plural } from "@/server/core/text/plural";

function GraceRow({
  resource,
  systemDays,
  onSaved,
}: {
  resource: { key: string; description: string; graceDays: number | null; effectiveDays: number };
  systemDays: number;
  onSaved: () => void;
}) {
  const trpc = useTRPC();
  const [value, setValue] = useState(resource.graceDays === null ? "" : String(resource.graceDays));
  const save = useMutation(trpc.drift.setResourceGrace.mutationOptions({ onSuccess: onSaved }));
  const changed = value !== (resource.graceDays === null ? "" : String(resource.graceDays));
  return (
    <li className="flex items-center justify-between gap-2 py-2">
      <span className="min-w-0 flex-1">
        <span className="block truncate font-mono text-xs text-slate-800" title={resource.key}>
          {resource.key}
        </span>
        {save.isError && (
          <span role="alert" className="block text-xs text-red-700">
            {save.error.message}
          </span>
        )}
        <span className="text-xs text-slate-500">
          {resource.graceDays === null
            ? `system's ${plural(systemDays, "day")}`
            : resource.graceDays === 0
              ? "removed at once on a transfer"
              : plural(resource.graceDays, "day")}
        </span>
      </span>
      <form
        className="flex shrink-0 items-center gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ resourceKey: resource.key, graceDays: value.trim() === "" ? null : Number(value) });
        }}
      >
        <input
          type="number"
          min={0}
          max={365}
          value={value}
          placeholder={String(systemDays)}
          onChange={(e) => setValue(e.target.value)}
          aria-label={`Grace days for ${resource.key}`}
          className="w-16 rounded-md border border-slate-300 px-2 py-1 text-sm"
        />
        <Button type="submit" variant="secondary" disabled={!changed || save.isPending}>
          {save.isPending ? "…" : "Set"}
        </Button>
      </form>
    </li>
  );
}

/** Per-resource grace periods: how long a transfer keeps access it no longer needs (empty: the system's). */
export function ResourceGrace({ systemKey }: { systemKey: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.drift.resourceGrace.queryOptions({ systemKey }));
  if (query.isError)
    return (
      <p role="alert" className="text-sm text-red-700">
        {query.error.message}
      </p>
    );
  if (!query.data) return <p className="text-sm text-slate-500">Loading…</p>;
  if (query.data.resources.length === 0)
    return <p className="text-sm text-slate-500">This system has no resources in the catalog.</p>;
  return (
    <ul className="divide-y divide-slate-100 text-sm">
      {query.data.resources.map((r) => (
        <GraceRow
          key={r.key}
          resource={r}
          systemDays={query.data.systemDays}
          onSaved={() => queryClient.invalidateQueries({ queryKey: trpc.drift.resourceGrace.queryKey({ systemKey }) })}
        />
      ))}
    </ul>
  );
}
