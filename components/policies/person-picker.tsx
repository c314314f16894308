"use client";

import { useQuery } from "@tanstack/react-query";
import { useDeferredValue, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";

export interface PickedPerson {
  id: string;
  displayName: string;
  email: string;
}

/** Find a person by name, email or title, and pick one. */
export function PersonPicker({
  value,
  onPick,
  label = "Person",
}: {
  value: PickedPerson | null;
  onPick: (p: PickedPerson) => void;
  label?: string;
}) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const term = useDeferredValue(text.trim());
  const results = useQuery({
    ...trpc.identities.list.queryOptions({ search: term, page: 1, pageSize: 8, sort: "name", direction: "asc" }),
    enabled: term.length >= 2,
  });
  return (
    <div>
      <label htmlFor="person-search" className="text-xs font-medium text-slate-600">
        {label}
      </label>
      {value && (
        <p className="mt-1 text-sm">
          <b>{value.displayName}</b> <span className="text-slate-500">{value.email}</span>
        </p>
      )}
      <input
        id="person-search"
        type="search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder={value ? "Pick someone else…" : "Type a name, email or title"}
        className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
        autoComplete="off"
      />
      {term.length >= 2 && (
        <ul className="mt-1 max-h-64 divide-y divide-slate-100 overflow-auto rounded-md border border-slate-200 bg-white text-sm shadow-sm">
          {results.isPending && <li className="px-3 py-2 text-slate-500">Searching…</li>}
          {results.data?.rows.length === 0 && <li className="px-3 py-2 text-slate-500">Nobody matches.</li>}
          {results.data?.rows.map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="w-full px-3 py-2 text-left hover:bg-brand-50 focus:bg-brand-50"
                onClick={() => {
                  onPick({ id: p.id, displayName: p.displayName, email: p.email });
                  setText("");
                }}
              >
                {p.displayName}{" "}
                <span className="text-xs text-slate-500">{[p.jobTitle, p.department].filter(Boolean).join(" · ")}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
