"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

const starter = `name: production-namespace-fallback
description: Production needs an explicit policy
scope: namespace
namespace: aws
priority: 50
action: deny
message: Production access requires an explicit policy. Ask through Clearance with a business justification.
`;

interface Row {
  name: string;
  source: string;
  scope: string | null;
  target: string | null;
  priority: number;
  action: string | null;
  updatedBy: string;
}

/** Fallbacks as YAML (docs/fallbacks.md): pick one to edit, or write a new one; the server parses and lints before saving. */
export function FallbackEditor({
  rows,
  problems,
}: {
  rows: Row[];
  problems: { file: string; line: number; message: string; severity: string }[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState<string | null>(rows[0]?.name ?? null);
  const [source, setSource] = useState(rows[0]?.source ?? starter);
  const [deleting, setDeleting] = useState(false);
  const save = useMutation(
    trpc.fallbacks.save.mutationOptions({
      onSuccess: (r) => {
        setEditing(r.name);
        router.refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.fallbacks.remove.mutationOptions({
      onSuccess: () => {
        setDeleting(false);
        setEditing(null);
        setSource(starter);
        router.refresh();
      },
    }),
  );
  const open = (r: Row | null) => {
    setEditing(r?.name ?? null);
    setSource(r?.source ?? starter);
    save.reset();
  };
  return (
    <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
      <div className="grid content-start gap-2">
        <p className="text-xs text-slate-500">
          Resource beats namespace beats global; within a scope, higher priority first. With none that applies: deny.
        </p>
        <ul
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm"
          aria-label="Fallbacks"
        >
          {rows.map((r) => (
            <li key={r.name}>
              <button
                type="button"
                onClick={() => open(r)}
                aria-current={editing === r.name}
                className={`w-full px-3 py-2 text-left text-sm hover:bg-slate-50 ${editing === r.name ? "bg-brand-50" : ""}`}
              >
                <span className="font-medium text-slate-900">{r.name}</span>
                <span className="mt-0.5 flex flex-wrap items-center gap-1 text-xs text-slate-600">
                  <Badge tone={r.action === "deny" ? "red" : r.action === "allow" ? "green" : "amber"}>
                    {r.action}
                  </Badge>
                  {r.scope}
                  {r.target ? ` ${r.target}` : ""} · priority {r.priority}
                </span>
              </button>
            </li>
          ))}
          {rows.length === 0 && (
            <li className="px-3 py-4 text-sm text-slate-600">
              No fallbacks: anything no policy gives is denied by default.
            </li>
          )}
        </ul>
        <Button variant="secondary" onClick={() => open(null)}>
          New fallback
        </Button>
        {problems.length > 0 && (
          <ul className="text-xs text-amber-800" aria-label="Lint">
            {problems.map((p, i) => (
              <li key={i}>
                {p.file}:{p.line} {p.message}
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="grid content-start gap-3">
        <label htmlFor="fallback-source" className="text-sm font-medium text-slate-800">
          {editing ? `Editing ${editing}` : "New fallback"} (YAML)
        </label>
        <textarea
          id="fallback-source"
          value={source}
          onChange={(e) => setSource(e.target.value)}
          rows={18}
          spellCheck={false}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
        />
        {save.isError && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {save.error.message}
          </p>
        )}
        {save.isSuccess && <p className="text-sm text-emerald-700">Saved {save.data.name}.</p>}
        <div className="flex gap-2">
          <Button disabled={save.isPending} onClick={() => save.mutate({ source, previousName: editing ?? undefined })}>
            {save.isPending ? "Saving…" : "Save"}
          </Button>
          {editing && (
            <Button variant="ghost" onClick={() => setDeleting(true)}>
              Delete…
            </Button>
          )}
        </div>
      </div>
      <ConfirmDialog
        open={deleting}
        title={`Delete ${editing}?`}
        tone="danger"
        confirmLabel="Delete"
        busy={remove.isPending}
        onCancel={() => setDeleting(false)}
        onConfirm={() => editing && remove.mutate({ name: editing })}
      >
        Requests this fallback decided fall to the next one, or to deny by default. Access it already gave keeps its
        expiry.
        {remove.isError && (
          <p role="alert" className="mt-2 text-red-700">
            {remove.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
