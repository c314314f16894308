"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { DataTable, type DataColumn } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { Pagination } from "@/components/ui/pagination";
import { SearchInput } from "@/components/ui/search-input";
import { SelectFilter } from "@/components/ui/select-filter";
import { useUrlParams } from "@/components/ui/use-url-params";
import type { AppRouter } from "@/server/api/root";
import { isActiveStatus } from "@/server/core/identity/status";
import { directoryQueryString, parseDirectoryParams, type DirectorySort } from "./directory-params";

type Person = inferRouterOutputs<AppRouter>["identities"]["list"]["rows"][number];

// Each column has an accessor: TanStack Table sorts (here: asks the server to sort) only columns with one.
const columns: DataColumn<Person>[] = [
  {
    id: "name",
    header: "Name",
    accessorFn: (p) => p.displayName,
    cell: ({ row: { original: p } }) => (
      <>
        <Link href={`/identities/${p.id}`} className="font-medium text-brand-700 hover:underline">
          {p.displayName}
        </Link>
        <div className="text-xs text-slate-500">{p.email}</div>
      </>
    ),
  },
  {
    id: "department",
    header: "Department",
    accessorFn: (p) => p.department,
    cell: ({ row }) => row.original.department ?? "—",
  },
  {
    id: "job_title",
    header: "Job title",
    accessorFn: (p) => p.jobTitle,
    cell: ({ row }) => row.original.jobTitle ?? "—",
  },
  {
    id: "location",
    header: "Location",
    accessorFn: (p) => p.location,
    cell: ({ row }) => row.original.location ?? "—",
  },
  {
    id: "status",
    header: "Status",
    accessorFn: (p) => p.employmentStatus,
    cell: ({ row: { original: p } }) => (
      <Badge tone={isActiveStatus(p.employmentStatus) ? "green" : "amber"}>{p.employmentStatus}</Badge>
    ),
  },
  {
    id: "hire_date",
    header: "Hired",
    accessorFn: (p) => p.hireDate,
    meta: { className: "text-slate-600 tabular-nums" },
    cell: ({ row }) => row.original.hireDate ?? "—",
  },
] satisfies (DataColumn<Person> & { id: DirectorySort })[];

const noRows: Person[] = [];

export function IdentitiesTable() {
  const trpc = useTRPC();
  const [params, navigate] = useUrlParams(parseDirectoryParams, directoryQueryString);

  const list = useQuery({ ...trpc.identities.list.queryOptions(params), placeholderData: keepPreviousData });
  const facets = useQuery(trpc.identities.facets.queryOptions());
  const filtered = Boolean(params.search || params.department || params.status);

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
        <DataTable
          label="People"
          columns={columns}
          data={list.data?.rows ?? noRows}
          getRowId={(p) => p.id}
          loading={!list.data && list.isPending}
          busy={list.isFetching}
          sort={{
            sort: params.sort,
            direction: params.direction,
            onSort: (sort, direction) => navigate({ sort: sort as DirectorySort, direction }),
          }}
          className={cn("transition-opacity", list.isPlaceholderData && "opacity-60")}
          rowProps={() => ({ className: "hover:bg-slate-50" })}
        />
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
