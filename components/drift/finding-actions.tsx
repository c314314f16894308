"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { inferRouterOutputs } from "@trpc/server";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import type { AppRouter } from "@/server/api/root";
import { dayAfter } from "@/server/core/time";
import { useTimeZone } from "@/components/time/time-zone";

type Finding = inferRouterOutputs<AppRouter>["drift"]["findings"]["rows"][number];
type Dialog = "correct" | "convert" | "dismiss" | null;

const correction = {
  excess: { action: "remove", label: "Remove" },
  missing: { action: "grant", label: "Grant" },
  level: { action: "set_level", label: "Set level" },
} as const;

/** What IT can do about one finding: correct it, propose keeping excess as a time-bound exception, draft a policy, or dismiss it. */
export function FindingActions({ finding }: { finding: Finding }) {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [note, setNote] = useState("");
  const [expiry, setExpiry] = useState(() => dayAfter(new Date(), 14, tz));
  const [justification, setJustification] = useState("");
  const [approver, setApprover] = useState("");
  const [type, setType] = useState<"project" | "privilege_escalation" | "training">("project");
  const resolve = useMutation(
    trpc.drift.resolve.mutationOptions({
      onSuccess: async () => {
        setDialog(null);
        await queryClient.invalidateQueries({ queryKey: trpc.drift.findings.queryKey() });
        router.refresh();
      },
    }),
  );
  if (finding.status !== "open") return <span className="text-xs text-slate-500">{finding.resolution}</span>;
  const fix = correction[finding.kind as keyof typeof correction];
  const close = () => {
    setDialog(null);
    resolve.reset();
  };
  const target = `${finding.resourceKey} for ${finding.person?.name ?? finding.username}`;
  return (
    <div className="flex flex-wrap justify-end gap-2">
      {finding.resolution && <p className="w-full text-right text-xs text-slate-600">{finding.resolution}</p>}
      {finding.person && (
        <Button variant="secondary" onClick={() => setDialog("correct")}>
          {fix.label}
        </Button>
      )}
      {finding.kind === "excess" && finding.person && (
        <Button variant="secondary" onClick={() => setDialog("convert")}>
          Propose keeping…
        </Button>
      )}
      {finding.policyDraft && (
        <Link
          href={`/policies/edit?draft=${encodeURIComponent(finding.policyDraft)}`}
          className="inline-flex items-center rounded-md px-3 py-2 text-sm font-medium text-brand-700 hover:bg-slate-100"
        >
          Add to a policy…
        </Link>
      )}
      <Button variant="ghost" onClick={() => setDialog("dismiss")}>
        Dismiss…
      </Button>

      <ConfirmDialog
        open={dialog === "correct"}
        title={`${fix.label}: ${target}?`}
        confirmLabel={fix.label}
        tone={finding.kind === "excess" ? "danger" : "primary"}
        busy={resolve.isPending}
        onCancel={close}
        onConfirm={() => resolve.mutate({ findingId: finding.id, action: fix.action, note: note || undefined })}
      >
        <p>The change goes through the {finding.systemKey} adapter; the next check confirms it.</p>
        <label htmlFor={`fix-note-${finding.id}`} className="mt-3 block text-xs font-medium text-slate-600">
          Note (optional)
        </label>
        <input
          id={`fix-note-${finding.id}`}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        {resolve.isError && (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {resolve.error.message}
          </p>
        )}
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === "convert"}
        title={`Propose keeping ${target} as an exception`}
        confirmLabel="Send to the approver"
        busy={resolve.isPending}
        onCancel={close}
        onConfirm={() =>
          resolve.mutate({
            findingId: finding.id,
            action: "convert",
            exception: { type, expiresAt: expiry, justification, approverEmail: approver },
          })
        }
      >
        <p>
          The approver you name decides in their inbox. If they approve, the access stays, justified and time-bound, and
          is removed when the exception expires; until then the finding stays open.
        </p>
        <div className="mt-3 grid gap-2">
          <label className="text-xs font-medium text-slate-600">
            Type
            <select
              value={type}
              onChange={(e) => setType(e.target.value as typeof type)}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            >
              <option value="project">Project</option>
              <option value="privilege_escalation">Privilege escalation</option>
              <option value="training">Training</option>
            </select>
          </label>
          <label className="text-xs font-medium text-slate-600">
            Expires on
            <input
              type="date"
              value={expiry}
              onChange={(e) => setExpiry(e.target.value)}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            />
          </label>
          <label className="text-xs font-medium text-slate-600">
            Who decides (email)
            <input
              type="email"
              value={approver}
              onChange={(e) => setApprover(e.target.value)}
              placeholder="the resource owner or the person's manager"
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            />
          </label>
          <label className="text-xs font-medium text-slate-600">
            Justification
            <textarea
              value={justification}
              onChange={(e) => setJustification(e.target.value)}
              rows={2}
              className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
            />
          </label>
        </div>
        {resolve.isError && (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {resolve.error.message}
          </p>
        )}
      </ConfirmDialog>

      <ConfirmDialog
        open={dialog === "dismiss"}
        title={`Dismiss the finding about ${target}?`}
        confirmLabel="Dismiss"
        busy={resolve.isPending}
        onCancel={close}
        onConfirm={() => resolve.mutate({ findingId: finding.id, action: "dismiss", note })}
      >
        <p>
          Nothing changes in the system. Say why, for the audit trail; a later check opens it again if it is still
          there.
        </p>
        <label htmlFor={`dismiss-note-${finding.id}`} className="mt-3 block text-xs font-medium text-slate-600">
          Why (required)
        </label>
        <input
          id={`dismiss-note-${finding.id}`}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          className="mt-1 block w-full rounded-md border border-slate-300 px-2 py-1.5 text-sm"
        />
        {resolve.isError && (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {resolve.error.message}
          </p>
        )}
      </ConfirmDialog>
    </div>
  );
}
