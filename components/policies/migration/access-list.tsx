"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Pagination } from "@/components/ui/pagination";
import { SkeletonRows } from "@/components/ui/skeleton";

const PAGE_SIZE = 25;

/**
 * Access nothing explains (remove it, document it as an exception, or write a policy), or
 * access policy expects that the system's snapshot lacks (grant it, or fix the policy).
 */
export function AccessList({ kind, systemKey }: { kind: "unexplained" | "missing"; systemKey?: string }) {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const input = { page, pageSize: PAGE_SIZE, systemKey };
  const unexplained = useQuery({
    ...trpc.migration.unexplained.queryOptions(input),
    enabled: kind === "unexplained",
    placeholderData: keepPreviousData,
  });
  const missing = useQuery({
    ...trpc.migration.missing.queryOptions(input),
    enabled: kind === "missing",
    placeholderData: keepPreviousData,
  });
  const query = kind === "unexplained" ? unexplained : missing;
  if (query.isError) return <Alert title="The list could not be loaded">{query.error.message}</Alert>;
  const data = query.data;
  if (data && data.total === 0) {
    return (
      <p className="py-4 text-sm text-emerald-700">
        {kind === "unexplained"
          ? "Policy or an active exception explains every row of the snapshot."
          : "Every grant policy expects is in the snapshot of its system."}
      </p>
    );
  }
  return (
    <div className={query.isPlaceholderData ? "opacity-60" : undefined}>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">
          {kind === "unexplained" ? "Access nothing explains" : "Access policy expects that the snapshot lacks"}
        </caption>
        <thead>
          <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
            <th scope="col" className="px-3 py-2 font-medium">
              Account
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              Resource
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {kind === "unexplained" ? "Why nothing explains it" : "Why it is expected"}
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 align-top">
          {!data ? (
            <SkeletonRows rows={5} columns={3} />
          ) : (
            data.rows.map((r) => (
              <tr key={`${r.systemKey} ${r.username} ${r.resource}`}>
                <td className="px-3 py-2">
                  {r.personId ? (
                    <Link href={`/identities/${r.personId}`} className="font-medium text-brand-700 hover:underline">
                      {r.personName}
                    </Link>
                  ) : (
                    <span className="font-medium text-slate-900">{r.username}</span>
                  )}
                  <div className="text-xs text-slate-500">{r.username}</div>
                </td>
                <td className="px-3 py-2">
                  <span className="font-mono text-xs text-slate-900">{r.resource}</span>
                  {r.level && <span className="ml-1 text-xs text-slate-500">({r.level})</span>}
                </td>
                <td className="px-3 py-2 text-slate-700">{r.why}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {data && (
        <Pagination
          page={page}
          pageSize={PAGE_SIZE}
          total={data.total}
          onPage={setPage}
          label={kind === "unexplained" ? "unexplained rows" : "missing grants"}
        />
      )}
    </div>
  );
}
