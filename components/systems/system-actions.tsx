"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

/** Retry a failed operation with a fresh set of attempts. */
export function RetryOperation({ operationId }: { operationId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const retry = useMutation(trpc.systems.retryOperation.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <span>
      <Button variant="secondary" disabled={retry.isPending} onClick={() => retry.mutate({ operationId })}>
        {retry.isPending ? "Queuing…" : "Retry"}
      </Button>
      {retry.isError && (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {retry.error.message}
        </span>
      )}
    </span>
  );
}

/** IT did a manual task by hand: mark it done, which completes the grant or removal. */
export function CompleteTask({ taskId }: { taskId: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const done = useMutation(trpc.systems.completeTask.mutationOptions({ onSuccess: () => router.refresh() }));
  return (
    <span>
      <Button variant="secondary" disabled={done.isPending} onClick={() => done.mutate({ taskId })}>
        {done.isPending ? "Saving…" : "Mark done"}
      </Button>
      {done.isError && (
        <span role="alert" className="ml-2 text-xs text-red-700">
          {done.error.message}
        </span>
      )}
    </span>
  );
}

const examples: Record<string, string> = {
  manual: "{}",
  ldap: JSON.stringify(
    {
      url: "ldap://ldap.company.com:389",
      bindDn: "cn=clearance,dc=company,dc=com",
      bindPasswordEnv: "CLEARANCE_LDAP_PASSWORD",
      groupBaseDn: "ou=groups,dc=company,dc=com",
      userDnTemplate: "uid={username},ou=people,dc=company,dc=com",
    },
    null,
    2,
  ),
  postgres: JSON.stringify({ urlEnv: "CLEARANCE_POSTGRES_ADAPTER_URL" }, null, 2),
  webhook: JSON.stringify(
    { url: "https://hooks.company.com/clearance", secretEnv: "CLEARANCE_WEBHOOK_SECRET" },
    null,
    2,
  ),
};

/** The adapter and its settings; Clearance checks them before saving. Secrets are named by environment variable. */
export function AdapterForm({
  systemKey,
  adapterKind,
  adapterConfig,
  kinds,
}: {
  systemKey: string;
  adapterKind: string;
  adapterConfig: Record<string, unknown>;
  kinds: string[];
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [kind, setKind] = useState(adapterKind);
  const [config, setConfig] = useState(JSON.stringify(adapterConfig, null, 2));
  const [jsonError, setJsonError] = useState<string | null>(null);
  const save = useMutation(trpc.systems.configure.mutationOptions({ onSuccess: () => router.refresh() }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    let parsed: unknown;
    try {
      parsed = JSON.parse(config || "{}");
    } catch (err) {
      setJsonError(`Settings are not valid JSON: ${(err as Error).message}`);
      return;
    }
    setJsonError(null);
    save.mutate({ systemKey, adapterKind: kind as "manual", adapterConfig: parsed as Record<string, unknown> });
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-3">
      <div>
        <label htmlFor="adapter-kind" className="text-xs font-medium text-slate-600">
          Adapter
        </label>
        <select
          id="adapter-kind"
          value={kind}
          onChange={(e) => {
            setKind(e.target.value);
            setConfig(examples[e.target.value] ?? "{}");
          }}
          className="mt-1 block rounded-md border border-slate-300 px-2 py-2 text-sm"
        >
          {kinds.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="adapter-config" className="text-xs font-medium text-slate-600">
          Settings (JSON)
        </label>
        <textarea
          id="adapter-config"
          value={config}
          onChange={(e) => setConfig(e.target.value)}
          rows={8}
          spellCheck={false}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
        />
      </div>
      {(jsonError || save.isError) && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {jsonError ?? save.error?.message}
        </p>
      )}
      {save.isSuccess && <p className="text-sm text-emerald-700">Saved.</p>}
      <div>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Checking…" : "Save adapter"}
        </Button>
      </div>
    </form>
  );
}
