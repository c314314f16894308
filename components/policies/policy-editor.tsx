"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { CodeEditorHandle } from "@/components/editor/code-editor";
import { LazyCodeEditor } from "@/components/editor/lazy-code-editor";
import { EditorKeys } from "@/components/editor/editor-keys";
import { useDebounced } from "@/components/editor/use-debounced";
import { ImpactPreview, type ImpactData } from "./impact-preview";
import { ProblemsList } from "./problems-list";
import { plural } from "@/server/core/text/plural";

const nameOf = (source: string) => /^name:\s*([a-z0-9-]+)\s*$/m.exec(source)?.[1] ?? null;

/** Edit one policy file: lint as you type, preview the impact, save with a message. */
export function PolicyEditor({
  initial,
  nonce,
}: {
  /** `draft`: the text came from elsewhere (a link) and is saved nowhere yet, so it can be saved as it is */
  initial: { path: string | null; source: string; versionId: number | null; draft?: boolean };
  /** this page view's CSP nonce, for the editor's styles */
  nonce: string | undefined;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const editor = useRef<CodeEditorHandle>(null);
  const [source, setSource] = useState(initial.source);
  const [message, setMessage] = useState("");
  // An impact preview belongs to the text it was computed for; editing makes it stale.
  const [previewed, setPreviewed] = useState<{ source: string; impact: ImpactData } | null>(null);
  const impact = previewed?.source === source ? previewed.impact : null;
  const [impactError, setImpactError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<"save" | "delete" | null>(null);
  const path = initial.path ?? `${nameOf(source) ?? "new-policy"}.yaml`;
  const dirty = initial.draft === true || source !== initial.source;
  const changes = [{ path, source }];

  // One lint per pause in typing; the editor keeps older findings in place meanwhile.
  const typed = useDebounced(source, 300);
  const lint = useQuery({
    ...trpc.policies.lint.queryOptions({ changes: [{ path, source: typed }] }),
    placeholderData: keepPreviousData,
  });
  const vocabulary = useQuery({ ...trpc.policies.vocabulary.queryOptions(), staleTime: 5 * 60_000 });
  const problems = useMemo(() => lint.data ?? [], [lint.data]);
  const errors = problems.filter((p) => p.severity === "error");
  const inline = useMemo(
    () =>
      lint.data && !lint.isPlaceholderData
        ? { text: typed, problems: lint.data.filter((p) => p.file === path) }
        : undefined,
    [lint.data, lint.isPlaceholderData, typed, path],
  );

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const preview = async () => {
    setImpactError(null);
    try {
      const result = await queryClient.fetchQuery(trpc.policies.preview.queryOptions({ changes, limit: 200 }));
      setPreviewed({ source, impact: result });
      return result;
    } catch (err) {
      setImpactError((err as Error).message);
      return null;
    }
  };

  const save = useMutation(
    trpc.policies.save.mutationOptions({
      onSuccess: (v) => {
        setConfirm(null);
        router.push(`/policies/versions/${v.id}`);
        router.refresh();
      },
    }),
  );

  const openSave = async () => {
    save.reset();
    if (!impact && !(await preview())) return;
    setConfirm("save");
  };

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === "s") {
            e.preventDefault();
            void openSave();
          }
        }}
      >
        <LazyCodeEditor
          editorRef={editor}
          value={source}
          onChange={setSource}
          label={`Policy file ${path}`}
          describedBy="policy-editor-keys"
          nonce={nonce}
          schema="policy"
          vocabulary={vocabulary.data}
          problems={inline}
        />
        <EditorKeys id="policy-editor-keys" />
        <div className="mt-3 flex flex-wrap items-end gap-3">
          <div className="min-w-64 flex-1">
            <label htmlFor="save-message" className="text-xs font-medium text-slate-600">
              What is this change for?
            </label>
            <input
              id="save-message"
              value={message}
              onChange={(e) => setMessage(e.target.value)}
              placeholder="e.g. Sales engineers need the customer-success channel"
              className="mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
            />
          </div>
          <Button variant="secondary" onClick={() => void preview()} disabled={errors.length > 0}>
            Preview impact
          </Button>
          <Button onClick={() => void openSave()} disabled={!dirty || errors.length > 0 || message.trim().length < 3}>
            Save…
          </Button>
          {initial.path && (
            <Button variant="ghost" className="text-red-700" onClick={() => setConfirm("delete")}>
              Delete file
            </Button>
          )}
        </div>
        <p className="mt-2 text-xs text-slate-500">
          {path} · {dirty ? "unsaved changes" : "no changes"} · Ctrl+S to save
        </p>
      </div>

      <div className="grid content-start gap-4">
        <Card
          title="Problems"
          description={
            lint.isFetching ? "Checking…" : `${errors.length} errors, ${problems.length - errors.length} warnings`
          }
        >
          {lint.isError ? (
            <Alert title="Lint could not run">{lint.error.message}</Alert>
          ) : lint.data === undefined ? (
            <p className="text-sm text-slate-500">Checking…</p>
          ) : (
            <ProblemsList problems={problems} file={path} onGoTo={(line) => editor.current?.goToLine(line)} />
          )}
        </Card>
        <Card title="Impact" description="Who gains and who loses which grant if this is saved.">
          {impactError && <Alert title="No preview">{impactError}</Alert>}
          {impact ? (
            <ImpactPreview impact={impact} />
          ) : (
            !impactError && <p className="text-sm text-slate-500">Preview the impact to see it here.</p>
          )}
        </Card>
      </div>

      <ConfirmDialog
        open={confirm === "save"}
        title="Save this change?"
        confirmLabel="Save"
        busy={save.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() => save.mutate({ baseVersionId: initial.versionId, changes, message })}
      >
        <p>
          {impact?.affectedPeople
            ? `Access changes for ${plural(impact.affectedPeople, "person", "people")}: ` +
              `+${plural(impact.gains, "grant")}, −${impact.losses}, ` +
              `${plural(impact.levelChanges, "level change")}.`
            : "Nobody's access changes."}{" "}
          It becomes a new version of the policy set with your message.
        </p>
        {save.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {save.error.message}
          </p>
        )}
      </ConfirmDialog>
      <ConfirmDialog
        open={confirm === "delete"}
        title={`Delete ${path}?`}
        tone="danger"
        confirmLabel="Delete the policy"
        busy={save.isPending}
        onCancel={() => setConfirm(null)}
        onConfirm={() =>
          save.mutate({
            baseVersionId: initial.versionId,
            changes: [{ path, source: null }],
            message: message.trim() || `Delete ${path}`,
          })
        }
      >
        <p>
          Everyone it gave access to loses that access, unless another policy gives it. The file stays in earlier
          versions and can be restored.
        </p>
        {save.isError && (
          <p className="mt-2 text-red-700" role="alert">
            {save.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
