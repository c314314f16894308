"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";

const roleLabel: Record<string, string> = { approver: "Approver", it_admin: "IT admin", auditor: "Auditor" };

export function DevSignInPicker({
  action,
  callbackUrl,
}: {
  action: (data: FormData) => Promise<void>;
  callbackUrl: string;
}) {
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const term = useDeferredValue(search.trim());
  const { data, isPending, isError } = useQuery(trpc.signIn.devCandidates.queryOptions(term ? { search: term } : {}));

  return (
    <div className="mt-4">
      <label htmlFor="dev-search" className="text-sm font-medium text-slate-700">
        Find a person
      </label>
      <input
        id="dev-search"
        type="search"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        placeholder="Name, email or job title"
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm shadow-sm"
      />
      <p className="mt-2 text-xs text-slate-500">{term ? "Matching people" : "The people of the demo scenarios"}</p>
      {isError && <p className="mt-3 text-sm text-red-700">The list of people could not be loaded.</p>}
      <ul className="mt-2 divide-y divide-slate-100 rounded-md border border-slate-200">
        {isPending && <li className="px-3 py-3 text-sm text-slate-500">Loading people…</li>}
        {data?.length === 0 && <li className="px-3 py-3 text-sm text-slate-500">Nobody matches “{term}”.</li>}
        {data?.map((p) => (
          <li key={p.id}>
            <form action={action} className="flex items-center justify-between gap-3 px-3 py-2.5">
              <input type="hidden" name="email" value={p.email} />
              <input type="hidden" name="callbackUrl" value={callbackUrl} />
              <div className="min-w-0">
                <p className="truncate text-sm font-medium text-slate-900">
                  {p.displayName}{" "}
                  {p.roles.map((r) => (
                    <Badge key={r} tone="brand" className="ml-1">
                      {roleLabel[r] ?? r}
                    </Badge>
                  ))}
                  {!p.active && (
                    <Badge tone="red" className="ml-1">
                      {p.employmentStatus}
                    </Badge>
                  )}
                </p>
                <p className="truncate text-xs text-slate-500">
                  {[p.jobTitle, p.department].filter(Boolean).join(" · ")} · {p.email}
                </p>
              </div>
              <button
                type="submit"
                aria-label={`Sign in as ${p.displayName}`}
                className="shrink-0 rounded-md px-3 py-1.5 text-sm font-medium text-brand-700 ring-1 ring-brand-100 hover:bg-brand-50"
              >
                Sign in
              </button>
            </form>
          </li>
        ))}
      </ul>
    </div>
  );
}
