"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { viaLabel } from "@/components/requests/format";
import type { TemplateDefinition } from "@/server/core/requests/template";
import { smallInput } from "./controls";

/** Before saving: who each stage could ask and who it would tell, for a sample requester. */
export function NotifyPreview({ definition, templateKey }: { definition: TemplateDefinition; templateKey?: string }) {
  const trpc = useTRPC();
  const [sample, setSample] = useState("");
  // Ask the server a moment after the last edit, not on every keystroke.
  const [debounced, setDebounced] = useState({ definition, sample });
  useEffect(() => {
    const t = setTimeout(() => setDebounced({ definition, sample: sample.trim() }), 400);
    return () => clearTimeout(t);
  }, [definition, sample]);
  const preview = useQuery({
    ...trpc.templates.previewNotifications.queryOptions({
      definition: debounced.definition,
      templateKey,
      requesterEmail: debounced.sample.includes("@") ? debounced.sample : undefined,
    }),
    retry: false,
    placeholderData: (previous) => previous,
  });
  return (
    <section aria-labelledby="preview-title" className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <h2 id="preview-title" className="text-base font-semibold">
        Who would be told
      </h2>
      <label htmlFor="preview-requester" className="mt-2 block text-xs text-slate-600">
        For a sample requester (their manager is an approver, and they never approve themselves)
      </label>
      <input
        id="preview-requester"
        value={sample}
        onChange={(e) => setSample(e.target.value)}
        placeholder="sarah.chen@company.com"
        className={`${smallInput} mt-1 w-full`}
      />
      {preview.isError ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {preview.error.message}
        </p>
      ) : !preview.data ? (
        <p className="mt-3 text-sm text-slate-500">Working it out…</p>
      ) : (
        <ol className="mt-3 grid gap-3 text-sm" aria-label="Notification preview">
          {preview.data.map((s, i) => (
            <li key={i}>
              <p className="font-medium">
                {i + 1}. {s.name}:{" "}
                {s.managerUnknown
                  ? `notifies the requester's manager${s.approvers.length ? ` and ${s.notifies} of ${s.approvers.length} more` : ""}`
                  : `notifies ${s.notifies} of ${s.approvers.length}`}
              </p>
              {s.policy === "random_n" ? (
                <p className="text-slate-600">
                  {s.notifies} chosen at random each time from:{" "}
                  {s.approvers.map((a) => a.displayName).join(", ") || "nobody"}
                </p>
              ) : (
                <p className="text-slate-600">
                  {s.recipients.length
                    ? s.recipients.map((r) => r.displayName).join(", ")
                    : s.managerUnknown
                      ? "(depends on who asks)"
                      : "nobody"}
                  {s.policy === "round_robin" && " (next in turn)"}
                </p>
              )}
              {s.approvers.length > 0 && (
                <p className="text-xs text-slate-500">
                  Can decide: {s.approvers.map((a) => `${a.displayName} (${viaLabel(a.via)})`).join(", ")}
                </p>
              )}
              {s.escalation.length > 0 && (
                <p className="text-xs text-slate-500">
                  Escalates to: {s.escalation.map((p) => p.displayName).join(", ")}
                </p>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
