"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

/** Registers an HR system; its token is shown once, here, and never again. */
export function HrSourceForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [key, setKey] = useState("");
  const [name, setName] = useState("");
  const create = useMutation(trpc.hr.createSource.mutationOptions({ onSuccess: () => router.refresh() }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({ key, name });
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-3">
      <div className="flex flex-wrap items-end gap-3">
        <label className="text-xs font-medium text-slate-600">
          Key
          <input
            value={key}
            onChange={(e) => setKey(e.target.value)}
            placeholder="workday"
            className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
        </label>
        <label className="text-xs font-medium text-slate-600">
          Name
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="Workday"
            className="mt-1 block rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
        </label>
        <Button type="submit" disabled={!key.trim() || create.isPending}>
          {create.isPending ? "Creating…" : "Add HR source"}
        </Button>
      </div>
      {create.isError && (
        <p role="alert" className="text-sm text-red-700">
          {create.error.message}
        </p>
      )}
      {create.data && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-medium">Token for {create.data.key}: copy it now, it is not shown again.</p>
          <code className="mt-1 block font-mono text-xs break-all">{create.data.token}</code>
          <p className="mt-2 text-xs text-slate-700">
            The HR system sends <code>POST /api/hr/events</code> with <code>Authorization: Bearer &lt;token&gt;</code>{" "}
            and an <code>Idempotency-Key</code> per event; an identity provider (Okta, Entra ID) uses the same token for
            SCIM 2.0 at <code>/api/scim/v2</code>. The token reaches only the people this source hires or that you give
            it below.
          </p>
        </div>
      )}
    </form>
  );
}
