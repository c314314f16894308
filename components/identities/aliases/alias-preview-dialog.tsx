"use client";

import { useQuery } from "@tanstack/react-query";
import { ImpactPreview } from "@/components/policies/impact-preview";
import { useTRPC } from "@/components/providers/trpc";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { Skeleton } from "@/components/ui/skeleton";
import { hrAttributeLabels, type HrAttribute } from "@/server/core/identity/attributes";
import type { AliasDraft } from "./alias-form";

const SHOWN = 20;

/**
 * The last step before an alias is saved: the evidence that the HR spelling means the value, and
 * who would gain and lose which access (the policy engine's impact preview with the alias added).
 * Nothing can be confirmed until the preview has loaded; a refusal (a value policies read
 * themselves) is shown here and cannot be confirmed at all.
 */
export function AliasPreviewDialog({
  draft,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  draft: AliasDraft | null;
  busy: boolean;
  error: string | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const preview = useQuery({
    ...trpc.aliases.preview.queryOptions({
      attribute: draft?.attribute ?? "",
      raw: draft?.raw ?? "",
      canonical: draft?.canonical ?? "",
      limit: SHOWN,
    }),
    enabled: draft !== null,
    retry: false,
  });
  const p = preview.data;
  const label = hrAttributeLabels[(draft?.attribute ?? "") as HrAttribute] ?? draft?.attribute;
  return (
    <ConfirmDialog
      open={draft !== null}
      wide
      title={`Add the alias “${draft?.raw.trim() ?? ""}” → “${draft?.canonical.trim() ?? ""}”?`}
      confirmLabel="Add alias"
      busy={busy}
      confirmDisabled={!p}
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <div className="grid max-h-[60vh] gap-3 overflow-y-auto" data-testid="alias-preview">
        <p>
          From now on every policy reads {label} “{draft?.raw.trim()}” as “{draft?.canonical.trim()}”.
        </p>
        {preview.isError ? (
          <p role="alert" className="text-red-700">
            {preview.error.message}
          </p>
        ) : !p ? (
          <Skeleton className="h-24" />
        ) : (
          <>
            {p.evidence ? (
              <p className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-emerald-900">
                <b>Evidence it is a spelling of “{p.alias.canonical}”:</b> {p.evidence.text}.
              </p>
            ) : (
              <p role="note" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900">
                <b>
                  No evidence that “{p.alias.raw}” means “{p.alias.canonical}”:
                </b>{" "}
                they are not a typo, an abbreviation or a case or spacing difference of each other. Check with HR before
                giving {p.holders === 1 ? "this person" : `these ${p.holders} people`} what policies give “
                {p.alias.canonical}”.
              </p>
            )}
            {!p.canonicalNamedByPolicies && (
              <p className="text-slate-600">
                No policy names “{p.alias.canonical}”: the alias changes nothing policies decide today.
              </p>
            )}
            <p className="text-slate-600">
              {p.holders} {p.holders === 1 ? "person has" : "people have"} {label} “{p.alias.raw}” today.
            </p>
            <ImpactPreview impact={p} linkPeople={false} />
            {p.truncated && (
              <p className="text-xs text-slate-500">
                The first {p.people.length} of {p.affectedPeople} people are shown.
              </p>
            )}
          </>
        )}
        {error && (
          <p role="alert" className="text-red-700">
            {error}
          </p>
        )}
      </div>
    </ConfirmDialog>
  );
}
