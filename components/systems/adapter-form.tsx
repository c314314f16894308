"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Button } from "@/components/ui/button";

/** A starting point for each adapter's settings; secrets are named by environment variable. */
export const adapterExamples: Record<string, string> = {
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

export type AdapterKindName = "ldap" | "postgres" | "webhook" | "manual";

/** The adapter and its settings as typed, with "Test connection" (nothing is saved by a test). */
export function useAdapterSettings(initial: { kind: string; config: string }) {
  const [kind, setKind] = useState(initial.kind);
  const [config, setConfig] = useState(initial.config);
  const [jsonError, setJsonError] = useState<string | null>(null);
  /** The settings as an object, or null (and the error shown) when they are not JSON. */
  const parsed = (): Record<string, unknown> | null => {
    try {
      const value: unknown = JSON.parse(config || "{}");
      if (typeof value !== "object" || value === null || Array.isArray(value))
        throw new Error("an object { … } is expected");
      setJsonError(null);
      return value as Record<string, unknown>;
    } catch (err) {
      setJsonError(`Settings are not valid JSON: ${(err as Error).message}`);
      return null;
    }
  };
  return { kind: kind as AdapterKindName, setKind, config, setConfig, jsonError, parsed };
}

export function AdapterFields({
  systemKey,
  kinds,
  settings,
}: {
  /** the system's key (a new system's as typed), for the adapter's messages */
  systemKey: string;
  kinds: string[];
  settings: ReturnType<typeof useAdapterSettings>;
}) {
  const trpc = useTRPC();
  const test = useMutation(trpc.systems.testConnection.mutationOptions());
  const runTest = () => {
    const adapterConfig = settings.parsed();
    if (!adapterConfig) return;
    test.mutate({ systemKey: systemKey || "new-system", adapterKind: settings.kind, adapterConfig });
  };
  return (
    <div className="grid gap-3">
      <div>
        <label htmlFor="adapter-kind" className="text-xs font-medium text-slate-600">
          Adapter
        </label>
        <select
          id="adapter-kind"
          value={settings.kind}
          onChange={(e) => {
            settings.setKind(e.target.value);
            settings.setConfig(adapterExamples[e.target.value] ?? "{}");
            test.reset();
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
          Settings (JSON; secrets by environment variable name, e.g. bindPasswordEnv)
        </label>
        <textarea
          id="adapter-config"
          value={settings.config}
          onChange={(e) => {
            settings.setConfig(e.target.value);
            test.reset();
          }}
          rows={8}
          spellCheck={false}
          className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-xs"
        />
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={runTest} disabled={test.isPending}>
          {test.isPending ? "Testing…" : "Test connection"}
        </Button>
        <span role="status" className="text-sm">
          {test.data &&
            (test.data.ok ? (
              <span className="text-emerald-700">Connected: {test.data.detail}</span>
            ) : (
              <span className="text-red-700">Not connected: {test.data.detail}</span>
            ))}
          {test.isError && <span className="text-red-700">{test.error.message}</span>}
        </span>
      </div>
      {settings.jsonError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {settings.jsonError}
        </p>
      )}
    </div>
  );
}

/** "Save without a working connection": for a system not reachable yet; the settings are still checked. */
export function WithoutTest({ checked, onChange }: { checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="flex items-start gap-2 text-sm text-slate-700">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} className="mt-0.5" />
      <span>
        Save without a working connection{" "}
        <span className="text-xs text-slate-500">(the system is not reachable yet; grants wait and retry)</span>
      </span>
    </label>
  );
}

/** A system's adapter: tested before it is saved (server/services/provisioning/system-admin.ts). */
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
  const settings = useAdapterSettings({ kind: adapterKind, config: JSON.stringify(adapterConfig, null, 2) });
  const [withoutTest, setWithoutTest] = useState(false);
  const save = useMutation(trpc.systems.configure.mutationOptions({ onSuccess: () => router.refresh() }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const config = settings.parsed();
    if (!config) return;
    save.mutate({ systemKey, adapterKind: settings.kind, adapterConfig: config, withoutConnectionTest: withoutTest });
  };
  return (
    <form onSubmit={onSubmit} className="grid gap-3">
      <AdapterFields systemKey={systemKey} kinds={kinds} settings={settings} />
      <WithoutTest checked={withoutTest} onChange={setWithoutTest} />
      {save.isError && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {save.error.message}
        </p>
      )}
      {save.isSuccess && <p className="text-sm text-emerald-700">Saved.</p>}
      <div>
        <Button type="submit" disabled={save.isPending}>
          {save.isPending ? "Testing and saving…" : "Save adapter"}
        </Button>
      </div>
    </form>
  );
}
