"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

type From = "primary_email" | "user_name";

/** Where a source's SCIM Users take their sign-in email from; applies to the source's next writes. */
export function ScimSignInSetting({ sourceKey, from }: { sourceKey: string; from: From }) {
  const trpc = useTRPC();
  const router = useRouter();
  const id = useId();
  const [value, setValue] = useState<From>(from);
  const save = useMutation(trpc.hr.setScimSignInEmail.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <form
      className="flex flex-wrap items-center justify-end gap-2 text-xs text-slate-600"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ key: sourceKey, from: value });
      }}
    >
      <label htmlFor={id}>SCIM sign-in email from</label>
      <select
        id={id}
        value={value}
        onChange={(e) => setValue(e.target.value as From)}
        className="rounded-md border border-slate-300 px-2 py-1 text-xs"
      >
        <option value="primary_email">the primary email</option>
        <option value="user_name">userName</option>
      </select>
      <Button type="submit" variant="secondary" disabled={value === from || save.isPending}>
        {save.isPending ? "Saving…" : "Save"}
      </Button>
      {save.isSuccess && value === from && (
        <span role="status" className="text-emerald-700">
          Saved: applies to this source&apos;s next SCIM writes
        </span>
      )}
      {save.isError && (
        <span role="alert" className="basis-full text-right text-red-700">
          {save.error.message}
        </span>
      )}
    </form>
  );
}
