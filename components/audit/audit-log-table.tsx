"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { SearchInput } from "@/components/ui/search-input";
import { SelectFilter } from "@/components/ui/select-filter";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useUrlParams } from "@/components/ui/use-url-params";
import { auditQueryString, parseAuditParams } from "./audit-params";
import { ChainVerification } from "./chain-verification";

const PAGE_SIZE = 50;

/** `linkPeople`: whether the viewer may open identity pages (IT admins). */
export function AuditLogTable({ linkPeople }: { linkPeople: boolean }) {
  const trpc = useTRPC();
  const [params, update] = useUrlParams(parseAuditParams, auditQueryString);
  const events = useQuery({
    ...trpc.auditLog.list.queryOptions({ ...params, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });

  return (
    <div className="grid gap-4">
      <ChainVerification />

      <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
        <div className="mb-4 flex flex-wrap items-end gap-3">
          <SearchInput
            id="audit-search"
            label="Search who, subject, email or reason"
            value={params.search}
            onSearch={(search) => update({ search })}
          />
          <SelectFilter
            id="audit-action"
            label="Action"
            allLabel="All actions"
            value={params.action}
            options={events.data?.actions}
            onChange={(action) => update({ action })}
          />
          {params.subjectId && (
            <Button variant="ghost" onClick={() => update({ subjectId: undefined })}>
              Showing one subject · show all
            </Button>
          )}
        </div>

        {events.isError && <Alert title="The audit log could not be loaded">{events.error.message}</Alert>}
        {events.data?.total === 0 ? (
          <EmptyState title="No events match">Clear the filters to see every event.</EmptyState>
        ) : (
          <div className={cn("overflow-x-auto", events.isPlaceholderData && "opacity-60")}>
            <table className="w-full text-left text-sm">
              <thead>
                <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                  <th scope="col" className="px-3 py-2 font-medium">
                    #
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    When (UTC)
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Who
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    What
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Subject
                  </th>
                  <th scope="col" className="px-3 py-2 font-medium">
                    Why
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {!events.data && <SkeletonRows columns={6} />}
                {events.data?.rows.map((e) => (
                  <tr key={e.id} className="align-top">
                    <td className="px-3 py-2 text-slate-500 tabular-nums">{e.id}</td>
                    <td className="px-3 py-2 whitespace-nowrap text-slate-600 tabular-nums">
                      {e.occurredAt.toISOString().replace("T", " ").slice(0, 19)}
                    </td>
                    <td className="px-3 py-2">{e.actorLabel}</td>
                    <td className="px-3 py-2 font-mono text-xs">{e.action}</td>
                    <td className="px-3 py-2 text-slate-600">
                      {e.subjectName && e.subjectId && linkPeople ? (
                        <Link href={`/identities/${e.subjectId}`} className="text-brand-700 hover:underline">
                          {e.subjectName}
                        </Link>
                      ) : (
                        (e.subjectName ?? e.subjectType)
                      )}
                      {e.subjectId && !e.subjectName && (
                        <span className="block truncate text-xs text-slate-500">{e.subjectId}</span>
                      )}
                    </td>
                    <td className="px-3 py-2 text-slate-600">
                      {e.reason ?? "—"}
                      <details className="mt-1 text-xs">
                        <summary className="cursor-pointer text-slate-500">Details</summary>
                        <pre className="mt-1 max-w-md overflow-x-auto rounded bg-slate-50 p-2">
                          {JSON.stringify(
                            { before: e.before, after: e.after, context: e.context, hash: e.hash },
                            null,
                            2,
                          )}
                        </pre>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {events.data && events.data.total > 0 && (
          <Pagination
            page={params.page}
            pageSize={PAGE_SIZE}
            total={events.data.total}
            label="events"
            onPage={(page) => update({ page })}
          />
        )}
      </div>
    </div>
  );
}
