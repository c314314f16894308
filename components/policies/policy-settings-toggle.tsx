"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";

/** The second-approval setting: when on, policy changes wait for another IT admin. */
export function PolicySettingsToggle({ requireSecondApproval }: { requireSecondApproval: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  // Local state so the box shows the choice at once and does not flicker back while the page
  // refreshes; the page keys this component on the saved value, so a new value starts afresh.
  const [checked, setChecked] = useState(requireSecondApproval);
  const update = useMutation(
    trpc.policies.updateSettings.mutationOptions({
      onSuccess: () => router.refresh(),
      onError: () => setChecked(requireSecondApproval),
    }),
  );
  return (
    <label className="flex items-start gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
      <input
        type="checkbox"
        className="mt-0.5 size-4"
        checked={checked}
        disabled={update.isPending}
        onChange={(e) => {
          setChecked(e.target.checked);
          update.mutate({ requireSecondApproval: e.target.checked });
        }}
      />
      <span>
        <span className="font-medium text-slate-900">Changes need a second IT admin</span>
        <span className="block text-slate-600">
          A saved change waits, with its diff and impact, until another IT admin approves it.
        </span>
        {update.isError && <span className="mt-1 block text-red-700">{update.error.message}</span>}
      </span>
    </label>
  );
}
