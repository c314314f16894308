"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { SearchInput } from "@/components/ui/search-input";
import { SelectFilter } from "@/components/ui/select-filter";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useUrlParams } from "@/components/ui/use-url-params";
import { isActiveStatus } from "@/server/core/identity/status";
import { directoryQueryString, parseDirectoryParams, type DirectorySort } from "./directory-params";

const columns: { key: DirectorySort; label: string }[] = [
  { key: "name", label: "Name" },
  { key: "department", label: "Department" },
  { key: "job_title", label: "Job title" },
  { key: "location", label: "Location" },
  { key: "status", label: "Status" },
  { key: "hire_date", label: "Hired" },
];

export function IdentitiesTable() {
  const trpc = useTRPC();
  const [params, navigate] = useUrlParams(parseDirectoryParams, directoryQueryString);

  const list = useQuery({ ...trpc.identities.list.queryOptions(params), placeholderData: keepPreviousData });
  const facets = useQuery(trpc.identities.facets.queryOptions());
  const filtered = Boolean(params.search || params.department || params.status);

  const sortBy = (key: DirectorySort) =>
    navigate({ sort: key, direction: params.sort === key && params.direction === "asc" ? "desc" : "asc" });

  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <div className="mb-4 flex flex-wrap items-end gap-3">
        <SearchInput
          id="identity-search"
          label="Search"
          value={params.search}
          onSearch={(search) => navigate({ search })}
          placeholder="Name, email, title, team, location"
          slashToFocus
        />
        <SelectFilter
          id="identity-department"
          label="Department"
          allLabel="All departments"
          value={params.department}
          options={facets.data?.departments}
          onChange={(department) => navigate({ department })}
        />
        <SelectFilter
          id="identity-status"
          label="Status"
          allLabel="Any status"
          value={params.status}
          options={facets.data?.statuses}
          onChange={(status) => navigate({ status })}
        />
        {filtered && (
          <Button
            variant="ghost"
            onClick={() => navigate({ search: undefined, department: undefined, status: undefined })}
          >
            Clear filters
          </Button>
        )}
      </div>

      {list.isError && <Alert title="The directory could not be loaded">{list.error.message}</Alert>}

      {list.data?.total === 0 ? (
        <EmptyState title="Nobody matches these filters">Try another spelling, or clear the filters.</EmptyState>
      ) : (
        <div className={cn("overflow-x-auto transition-opacity", list.isPlaceholderData && "opacity-60")}>
          <table className="w-full text-left text-sm" aria-busy={list.isFetching}>
            <thead>
              <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                {columns.map((c) => {
                  const active = params.sort === c.key;
                  return (
                    <th
                      key={c.key}
                      scope="col"
                      className="px-3 py-2 font-medium"
                      aria-sort={active ? (params.direction === "asc" ? "ascending" : "descending") : "none"}
                    >
                      <button
                        type="button"
                        onClick={() => sortBy(c.key)}
                        className="inline-flex items-center gap-1 hover:text-slate-800"
                      >
                        {c.label}
                        <span aria-hidden className={active ? "text-slate-700" : "text-slate-300"}>
                          {active && params.direction === "desc" ? "▼" : "▲"}
                        </span>
                      </button>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {!list.data && list.isPending && <SkeletonRows columns={columns.length} />}
              {list.data?.rows.map((p) => (
                <tr key={p.id} className="hover:bg-slate-50">
                  <td className="px-3 py-2.5">
                    <Link href={`/identities/${p.id}`} className="font-medium text-brand-700 hover:underline">
                      {p.displayName}
                    </Link>
                    <div className="text-xs text-slate-500">{p.email}</div>
                  </td>
                  <td className="px-3 py-2.5">{p.department ?? "—"}</td>
                  <td className="px-3 py-2.5">{p.jobTitle ?? "—"}</td>
                  <td className="px-3 py-2.5">{p.location ?? "—"}</td>
                  <td className="px-3 py-2.5">
                    <Badge tone={isActiveStatus(p.employmentStatus) ? "green" : "amber"}>{p.employmentStatus}</Badge>
                  </td>
                  <td className="px-3 py-2.5 text-slate-600 tabular-nums">{p.hireDate ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data && list.data.total > 0 && (
        <Pagination
          page={params.page}
          pageSize={params.pageSize}
          total={list.data.total}
          label="people"
          onPage={(page) => navigate({ page })}
        />
      )}
    </div>
  );
}
