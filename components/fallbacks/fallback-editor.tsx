"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo, useRef, useState } from "react";
import type { CodeEditorHandle } from "@/components/editor/code-editor";
import { EditorKeys } from "@/components/editor/editor-keys";
import { LazyCodeEditor } from "@/components/editor/lazy-code-editor";
import { useDebounced } from "@/components/editor/use-debounced";
import { ProblemsList } from "@/components/policies/problems-list";
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
  nonce,
}: {
  rows: Row[];
  problems: { file: string; line: number; message: string; severity: string }[];
  /** this page view's CSP nonce, for the editor's styles */
  nonce: string | undefined;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [editing, setEditing] = useState<string | null>(rows[0]?.name ?? null);
  const [source, setSource] = useState(rows[0]?.source ?? starter);
  const [deleting, setDeleting] = useState(false);
  const editor = useRef<CodeEditorHandle>(null);
  // Lint the draft on a pause in typing, as saving it would.
  const typed = useDebounced(source, 300);
  const lint = useQuery({
    ...trpc.fallbacks.lint.queryOptions({ source: typed, previousName: editing ?? undefined }),
    enabled: typed.trim().length > 0,
    placeholderData: keepPreviousData,
  });
  const vocabulary = useQuery({ ...trpc.policies.vocabulary.queryOptions(), staleTime: 5 * 60_000 });
  const inline = useMemo(
    () => (lint.data && !lint.isPlaceholderData ? { text: typed, problems: lint.data } : undefined),
    [lint.data, lint.isPlaceholderData, typed],
  );
  const draftFile = `${/^name:\s*([a-z0-9-]+)\s*$/m.exec(typed)?.[1] ?? "fallback"}.yaml`;
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
  const editorLabel = `${editing ? `Editing ${editing}` : "New fallback"} (YAML)`;
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
        <p className="text-sm font-medium text-slate-800">{editorLabel}</p>
        <div>
          <LazyCodeEditor
            editorRef={editor}
            value={source}
            onChange={setSource}
            label={editorLabel}
            describedBy="fallback-editor-keys"
            nonce={nonce}
            schema="fallback"
            vocabulary={vocabulary.data}
            problems={inline}
          />
          <EditorKeys id="fallback-editor-keys" />
        </div>
        {lint.data && lint.data.length > 0 && (
          <ProblemsList problems={lint.data} file={draftFile} onGoTo={(line) => editor.current?.goToLine(line)} />
        )}
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
