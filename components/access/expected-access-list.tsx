"use client";

import Link from "next/link";
import { useMemo } from "react";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";

export interface Grant {
  resource: string;
  level: string | null;
  via: string[];
}

function grantColumns(explainFor?: string): DataColumn<Grant>[] {
  return [
    {
      id: "resource",
      header: "Resource",
      // Resource keys are long and have no spaces: they break anywhere rather than widen a phone's page.
      meta: { className: "font-mono text-xs wrap-anywhere" },
      cell: ({ row }) => row.original.resource,
    },
    { id: "level", header: "Level", cell: ({ row }) => row.original.level ?? "—" },
    {
      id: "why",
      header: "Why",
      meta: { className: "text-slate-600" },
      cell: ({ row: { original: g } }) =>
        explainFor ? (
          <Link
            href={`/policies/explain?person=${explainFor}&resource=${encodeURIComponent(g.resource)}`}
            className="hover:underline"
          >
            {g.via.join(" → ")}
          </Link>
        ) : (
          g.via.join(" → ")
        ),
    },
  ];
}

/** Grants with the reason for each: the policy that matched, and what it inherits down to the one naming it. */
export function ExpectedAccessList({
  grants,
  explainFor,
  emptyText,
}: {
  grants: Grant[];
  explainFor?: string;
  emptyText?: string;
}) {
  const columns = useMemo(() => grantColumns(explainFor), [explainFor]);
  if (grants.length === 0) {
    return (
      <EmptyState title="No access from policy">
        {emptyText ?? "No policy matches, so nothing is granted (deny by default)."}
      </EmptyState>
    );
  }
  return <DataTable label="Access from policy" columns={columns} data={grants} getRowId={(g) => g.resource} />;
}
