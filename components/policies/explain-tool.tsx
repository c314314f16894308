"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { useUrlParams } from "@/components/ui/use-url-params";
import { ExplanationView } from "./explanation-view";
import { PersonPicker } from "./person-picker";

interface Params {
  page: number;
  person?: string;
  resource?: string;
}
const parse = (q: URLSearchParams): Params => ({
  page: 1,
  person: q.get("person") ?? undefined,
  resource: q.get("resource") ?? undefined,
});
const serialize = (p: Params) => {
  const q = new URLSearchParams();
  if (p.person) q.set("person", p.person);
  if (p.resource) q.set("resource", p.resource);
  return q.size ? `?${q}` : "";
};

/** Pick a person and a resource: why they have it, or why not. The choice is kept in the URL. */
export function ExplainTool() {
  const trpc = useTRPC();
  const [params, update] = useUrlParams(parse, serialize);
  const catalog = useQuery(trpc.policies.catalog.queryOptions());
  const person = useQuery({
    ...trpc.identities.byId.queryOptions({ id: params.person ?? "" }),
    enabled: Boolean(params.person),
  });
  const explanation = useQuery({
    ...trpc.policies.explain.queryOptions({ identityId: params.person ?? "", resource: params.resource ?? "" }),
    enabled: Boolean(params.person && params.resource),
  });
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
      <Card title="Ask">
        <div className="space-y-4">
          <PersonPicker
            value={
              person.data
                ? { id: person.data.id, displayName: person.data.displayName, email: person.data.email }
                : null
            }
            onPick={(p) => update({ person: p.id })}
          />
          <div>
            <label htmlFor="explain-resource" className="text-xs font-medium text-slate-600">
              Resource
            </label>
            <select
              id="explain-resource"
              value={params.resource ?? ""}
              onChange={(e) => update({ resource: e.target.value || undefined })}
              className="mt-1 w-full rounded-md border border-slate-300 px-2 py-2 text-sm"
            >
              <option value="">Choose a resource</option>
              {catalog.data?.resources.map((r) => (
                <option key={r.key} value={r.key}>
                  {r.key}
                </option>
              ))}
            </select>
          </div>
        </div>
      </Card>
      <Card title="Answer">
        {!params.person || !params.resource ? (
          <p className="text-sm text-slate-500">Pick a person and a resource.</p>
        ) : explanation.isError ? (
          <Alert title="No explanation">{explanation.error.message}</Alert>
        ) : explanation.data && person.data ? (
          <ExplanationView e={explanation.data} person={person.data.displayName} />
        ) : (
          <p className="text-sm text-slate-500">Working it out…</p>
        )}
      </Card>
    </div>
  );
}
