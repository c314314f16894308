"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

type Kind = "okta" | "entra" | "google";

export interface PullRow {
  key: string;
  name: string;
  kindLabel: string;
  intervalMinutes: number;
  running: boolean;
  lastStatus: "ok" | "failed" | null;
  lastError: string | null;
  /** already worded: "3 Dec, 14:02" */
  lastRun: string | null;
  nextRun: string;
  summary: string | null;
  /** the last full read was held back because it would end many people */
  massLeave: boolean;
}

/** The settings each directory needs: addresses, and the names of variables holding secrets. */
const fields: Record<Kind, { name: string; label: string; placeholder: string; optional?: boolean }[]> = {
  okta: [
    { name: "orgUrl", label: "Org URL", placeholder: "https://acme.okta.com" },
    { name: "tokenEnv", label: "Variable holding the API token", placeholder: "OKTA_API_TOKEN" },
  ],
  entra: [
    { name: "tenantId", label: "Tenant id", placeholder: "contoso.onmicrosoft.com" },
    { name: "clientId", label: "Application (client) id", placeholder: "00000000-0000-0000-0000-000000000000" },
    { name: "clientSecretEnv", label: "Variable holding the client secret", placeholder: "ENTRA_CLIENT_SECRET" },
  ],
  google: [
    { name: "adminEmail", label: "Admin to impersonate", placeholder: "admin@acme.com" },
    { name: "keyFileEnv", label: "Variable holding the key file's path", placeholder: "GOOGLE_KEY_FILE" },
    { name: "domain", label: "Domain (optional)", placeholder: "acme.com", optional: true },
  ],
};

export function DirectoryPulls({ pulls }: { pulls: PullRow[] }) {
  return (
    <div className="grid gap-4">
      {pulls.length > 0 && (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Directory pulls">
          {pulls.map((p) => (
            <PullItem key={p.key} pull={p} />
          ))}
        </ul>
      )}
      <NewPullForm />
    </div>
  );
}

function PullItem({ pull }: { pull: PullRow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const test = useMutation(trpc.hr.testDirectoryPull.mutationOptions());
  const sync = useMutation(trpc.hr.syncDirectoryNow.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <li className="grid gap-1 py-3" data-pull={pull.key}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <b>{pull.name}</b> <span className="text-slate-600">{pull.kindLabel}</span>{" "}
          <span className="font-mono text-xs text-slate-500">{pull.key}</span>{" "}
          {pull.running ? (
            <Badge>running</Badge>
          ) : pull.lastStatus === "ok" ? (
            <Badge tone="green">last pull ok</Badge>
          ) : pull.lastStatus === "failed" ? (
            <Badge tone="red">last pull failed</Badge>
          ) : (
            <Badge>not pulled yet</Badge>
          )}
        </span>
        <span className="flex gap-2">
          <Button variant="secondary" onClick={() => test.mutate({ key: pull.key })} disabled={test.isPending}>
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
          <Button onClick={() => sync.mutate({ key: pull.key })} disabled={sync.isPending || pull.running}>
            Sync now
          </Button>
        </span>
      </div>
      <span className="text-xs text-slate-600">
        every {pull.intervalMinutes} minutes · {pull.lastRun ? `last ${pull.lastRun} · ` : ""}next {pull.nextRun}
      </span>
      {pull.summary && <span className="text-xs text-slate-700">{pull.summary}</span>}
      {pull.lastError && <span className="text-xs text-red-700">Last pull: {pull.lastError}</span>}
      {pull.massLeave && !pull.running && (
        <span>
          <Button
            variant="secondary"
            onClick={() => {
              if (
                window.confirm(`End everyone ${pull.name} no longer lists? Their access is removed as for any leaver.`)
              )
                sync.mutate({ key: pull.key, allowMassLeave: true });
            }}
          >
            Sync now, ending them
          </Button>
        </span>
      )}
      {test.data && (
        <span role="status" className={test.data.ok ? "text-xs text-emerald-700" : "text-xs text-red-700"}>
          {test.data.detail}
        </span>
      )}
      {sync.data && (
        <span role="status" className="text-xs text-slate-700">
          {sync.data.status === "started" ? "Pull started: refresh to see its outcome" : "A pull is running"}
        </span>
      )}
      {(test.error ?? sync.error) && (
        <span role="alert" className="text-xs text-red-700">
          {(test.error ?? sync.error)!.message}
        </span>
      )}
    </li>
  );
}

function NewPullForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [kind, setKind] = useState<Kind>("okta");
  const create = useMutation(trpc.hr.createDirectoryPull.mutationOptions({ onSuccess: () => router.refresh() }));
  const input = "rounded-md border border-slate-300 px-2 py-1 text-sm";
  return (
    <form
      className="grid gap-2 rounded-md border border-slate-200 p-3 text-sm sm:grid-cols-2"
      aria-label="Connect a directory"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const value = (name: string) => String(form.get(name) ?? "").trim();
        const settings = Object.fromEntries(
          fields[kind].filter((f) => !f.optional || value(f.name)).map((f) => [f.name, value(f.name)]),
        );
        create.mutate({
          key: value("key"),
          name: value("name"),
          kind,
          settings,
          intervalMinutes: Number(value("intervalMinutes")),
        });
      }}
    >
      <label className="grid gap-1">
        Directory
        <select className={input} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          <option value="okta">Okta</option>
          <option value="entra">Microsoft Entra ID</option>
          <option value="google">Google Workspace</option>
        </select>
      </label>
      <label className="grid gap-1">
        Source key
        <input name="key" required className={input} placeholder="okta" pattern="[a-z][a-z0-9-]*" />
      </label>
      <label className="grid gap-1">
        Source name
        <input name="name" className={input} placeholder="Okta (production)" />
      </label>
      <label className="grid gap-1">
        Every (minutes)
        <input name="intervalMinutes" type="number" min={5} max={10080} defaultValue={60} className={input} />
      </label>
      {fields[kind].map((f) => (
        <label key={`${kind}-${f.name}`} className="grid gap-1">
          {f.label}
          <input name={f.name} required={!f.optional} placeholder={f.placeholder} className={input} />
        </label>
      ))}
      <div className="flex items-center gap-2 sm:col-span-2">
        <Button type="submit" disabled={create.isPending}>
          {create.isPending ? "Connecting…" : "Connect directory"}
        </Button>
        {create.isSuccess && (
          <span role="status" className="text-emerald-700">
            Connected: the first pull runs within a minute
          </span>
        )}
        {create.isError && (
          <span role="alert" className="text-red-700">
            {create.error.message}
          </span>
        )}
      </div>
    </form>
  );
}
