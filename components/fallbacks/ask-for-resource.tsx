"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useTimeZone } from "@/components/time/time-zone";
import { formatDay, formatWhen } from "@/server/core/time";

/** Ask for any resource by name: policy, then the fallbacks decide (allow for a while, deny with a message, or a request form). */
export function AskForResource() {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const router = useRouter();
  const [resource, setResource] = useState("");
  const names = useQuery(trpc.fallbacks.resources.queryOptions());
  const ask = useMutation(
    trpc.fallbacks.ask.mutationOptions({
      onSuccess: (r) => {
        if (r.outcome === "prompt") router.push(`/request/${r.templateKey}`);
      },
    }),
  );
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    ask.mutate({ resource });
  };
  const r = ask.data;
  return (
    <section className="mt-8 rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-labelledby="ask-heading">
      <h2 id="ask-heading" className="text-base font-semibold">
        Not in the catalog?
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        Name the resource. Your policies decide first; where none gives it, IT&apos;s fallback rules do, and otherwise
        it is denied.
      </p>
      <form onSubmit={onSubmit} className="mt-3 flex max-w-xl gap-2">
        <label htmlFor="ask-resource" className="sr-only">
          Resource
        </label>
        <input
          id="ask-resource"
          list="ask-resources"
          value={resource}
          onChange={(e) => setResource(e.target.value)}
          placeholder="system:type:name, e.g. aws:role:production-admin"
          className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        <datalist id="ask-resources">
          {names.data?.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
        <Button type="submit" disabled={!resource.trim() || ask.isPending}>
          {ask.isPending ? "Asking…" : "Ask"}
        </Button>
      </form>
      <div className="mt-3 max-w-xl" aria-live="polite">
        {ask.isError && (
          <Alert tone="red" title="Could not ask">
            {ask.error.message}
          </Alert>
        )}
        {r?.outcome === "covered" && (
          <Alert tone="green" title="You already have this">
            Through {r.via.join(" → ")}.
          </Alert>
        )}
        {r?.outcome === "refused" && (
          <Alert tone="red" title="Refused by policy">
            The deny polic{r.policies.length === 1 ? "y" : "ies"} {r.policies.join(", ")} refuse
            {r.policies.length === 1 ? "s" : ""} this, whatever else says yes.
          </Alert>
        )}
        {r?.outcome === "held" && (
          <Alert tone="green" title="You hold this already">
            EXC-{r.exceptionNumber} until {formatDay(r.expiresAt, tz)}.{" "}
            <Link href="/access" className="underline">
              My access
            </Link>
          </Alert>
        )}
        {r?.outcome === "allowed" && (
          <Alert tone="green" title={`Granted by ${r.fallback}`}>
            Until {formatWhen(r.expiresAt, tz)}
            {r.level ? `, at level ${r.level}` : ""}. It is tagged as fallback access.{" "}
            <Link href="/access" className="underline">
              My access
            </Link>
          </Alert>
        )}
        {r?.outcome === "denied" && (
          <Alert tone="red" title={r.fallback ? `Denied by ${r.fallback}` : "Denied by default"}>
            <span className="whitespace-pre-line">{r.message}</span>
          </Alert>
        )}
        {r?.outcome === "prompt" && (
          <Alert tone="amber" title="Opening the request form…">
            {r.message}
          </Alert>
        )}
      </div>
    </section>
  );
}
