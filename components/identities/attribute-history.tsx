"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { SkeletonRows } from "@/components/ui/skeleton";
import { hrAttributeLabels, type HrAttribute } from "@/server/core/identity/attributes";
import { formatAttribute } from "./attribute-format";
import { HISTORY_PAGE_SIZE } from "./page-sizes";

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
      <table className="w-full text-left text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="px-3 py-2 font-medium">
              Effective
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Attribute
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              From
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              To
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Why
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Source
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {!history.data && <SkeletonRows rows={3} columns={6} />}
          {history.data?.rows.map((c) => (
            <tr key={c.id}>
              <td className="px-3 py-2 text-slate-600 tabular-nums">{c.effectiveAt.toISOString().slice(0, 10)}</td>
              <td className="px-3 py-2 font-medium">{hrAttributeLabels[c.attribute as HrAttribute] ?? c.attribute}</td>
              <td className="px-3 py-2 text-slate-500 line-through decoration-slate-300">
                {formatAttribute(c.oldValue)}
              </td>
              <td className="px-3 py-2">{formatAttribute(c.newValue)}</td>
              <td className="px-3 py-2 text-slate-600">{c.reason ?? "—"}</td>
              <td className="px-3 py-2 text-slate-600">
                {c.source} <span className="text-xs text-slate-500">by {c.actorLabel}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
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
