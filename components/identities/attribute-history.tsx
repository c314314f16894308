"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import type { AppRouter } from "@/server/api/root";
import { hrAttributeLabels, type HrAttribute } from "@/server/core/identity/attributes";
import { formatAttribute } from "./attribute-format";
import { HISTORY_PAGE_SIZE } from "./page-sizes";

type Change = inferRouterOutputs<AppRouter>["identities"]["attributeHistory"]["rows"][number];
const noChanges: Change[] = [];

const columns: DataColumn<Change>[] = [
  {
    id: "effective",
    header: "Effective",
    meta: { className: "text-slate-600 tabular-nums" },
    cell: ({ row }) => row.original.effectiveAt.toISOString().slice(0, 10),
  },
  {
    id: "attribute",
    header: "Attribute",
    meta: { className: "font-medium" },
    cell: ({ row: { original: c } }) => hrAttributeLabels[c.attribute as HrAttribute] ?? c.attribute,
  },
  {
    id: "from",
    header: "From",
    meta: { className: "text-slate-500 line-through decoration-slate-300" },
    cell: ({ row }) => formatAttribute(row.original.oldValue),
  },
  { id: "to", header: "To", cell: ({ row }) => formatAttribute(row.original.newValue) },
  { id: "why", header: "Why", meta: { className: "text-slate-600" }, cell: ({ row }) => row.original.reason ?? "—" },
  {
    id: "source",
    header: "Source",
    meta: { className: "text-slate-600" },
    cell: ({ row: { original: c } }) => (
      <>
        {c.source} <span className="text-xs text-slate-500">by {c.actorLabel}</span>
      </>
    ),
  },
];

export function AttributeHistory({ identityId }: { identityId: string }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const history = useQuery({
    ...trpc.identities.attributeHistory.queryOptions({ identityId, page, pageSize: HISTORY_PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });

  if (history.isError) return <Alert title="The history could not be loaded">{history.error.message}</Alert>;
  if (history.data?.total === 0) {
    return (
      <EmptyState title="No changes recorded">
        This person&apos;s attributes have not changed since they were first loaded.
      </EmptyState>
    );
  }
  return (
    <>
      <DataTable
        label="Attribute changes"
        columns={columns}
        data={history.data?.rows ?? noChanges}
        getRowId={(c) => String(c.id)}
        loading={!history.data}
      />
      {history.data && history.data.total > HISTORY_PAGE_SIZE && (
        <Pagination
          page={page}
          pageSize={HISTORY_PAGE_SIZE}
          total={history.data.total}
          label="changes"
          onPage={setPage}
        />
      )}
    </>
  );
}
