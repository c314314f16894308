"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { Problem } from "@/components/ui/field";
import { RemoveResource } from "./remove-resource";

/**
 * Asks the system's adapter what it has (LDAP groups, PostgreSQL roles): what is new is offered
 * with a tick box each, what the catalog has and the system no longer reports is listed with what
 * keeps it (or a Remove button).
 */
export function ResourceDiscovery({ systemKey }: { systemKey: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [ticked, setTicked] = useState<Set<string>>(new Set());
  const discover = useMutation(
    trpc.resources.discover.mutationOptions({ onSuccess: (r) => setTicked(new Set(r.added.map((a) => a.key))) }),
  );
  const add = useMutation(
    trpc.resources.addDiscovered.mutationOptions({
      onSuccess: () => {
        router.refresh();
        discover.mutate({ systemKey });
      },
    }),
  );
  const found = discover.data;
  const toggle = (key: string, on: boolean) =>
    setTicked((t) => {
      const next = new Set(t);
      if (on) next.add(key);
      else next.delete(key);
      return next;
    });
  return (
    <div className="grid gap-3">
      <div>
        <Button
          type="button"
          variant="secondary"
          disabled={discover.isPending}
          onClick={() => discover.mutate({ systemKey })}
        >
          {discover.isPending ? "Asking the system…" : found ? "Discover again" : "Discover from the system"}
        </Button>
      </div>
      <Problem message={discover.error?.message ?? add.error?.message} />
      {found && (
        <div className="grid gap-4 text-sm" role="status">
          <p className="text-slate-700">
            {found.added.length} new, {found.disappeared.length} no longer in the system, {found.unchanged} already in
            the catalog.
          </p>
          {found.added.length > 0 && (
            <fieldset>
              <legend className="text-xs font-medium tracking-wide text-slate-600 uppercase">New in the system</legend>
              <ul className="mt-1 divide-y divide-slate-100">
                {found.added.map((a) => (
                  <li key={a.key} className="py-1">
                    <label className="flex items-start gap-2">
                      <input
                        type="checkbox"
                        className="mt-1"
                        checked={ticked.has(a.key)}
                        onChange={(e) => toggle(a.key, e.target.checked)}
                      />
                      <span>
                        <span className="font-mono text-xs">{a.key}</span>
                        {a.description && <span className="block text-xs text-slate-600">{a.description}</span>}
                      </span>
                    </label>
                  </li>
                ))}
              </ul>
              <Button
                type="button"
                className="mt-2"
                disabled={ticked.size === 0 || add.isPending}
                onClick={() => add.mutate({ systemKey, keys: [...ticked] })}
              >
                {add.isPending ? "Adding…" : `Add ${ticked.size} to the catalog`}
              </Button>
            </fieldset>
          )}
          {found.disappeared.length > 0 && (
            <div>
              <h3 className="text-xs font-medium tracking-wide text-slate-600 uppercase">No longer in the system</h3>
              <ul className="mt-1 divide-y divide-slate-100" aria-label="No longer in the system">
                {found.disappeared.map((d) => (
                  <li key={d.key} className="flex flex-wrap items-center justify-between gap-2 py-1">
                    <span>
                      <span className="font-mono text-xs">{d.key}</span>
                      {d.inUse.length > 0 && (
                        <span className="block text-xs text-slate-600">Kept: {d.inUse.join("; ")}</span>
                      )}
                    </span>
                    {d.inUse.length === 0 && (
                      <RemoveResource resourceKey={d.key} onRemoved={() => discover.mutate({ systemKey })} />
                    )}
                  </li>
                ))}
              </ul>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
