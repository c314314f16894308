"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { AliasForm, type AliasDraft } from "./alias-form";
import { AliasesTable } from "./aliases-table";
import { AliasValueReport } from "./alias-value-report";

/** The alias table, the form to add one, and the report of values that need one. */
export function AliasesManager({ initialDraft }: { initialDraft: AliasDraft }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.aliases.list.queryOptions());
  const report = useQuery(trpc.aliases.unknownValues.queryOptions());
  // A new key remounts the form with the draft in it (and the focus on what is left to fill).
  const [draft, setDraft] = useState({ ...initialDraft, key: 0, focus: Boolean(initialDraft.raw) });
  const formCard = useRef<HTMLDivElement>(null);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.aliases.list.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.aliases.unknownValues.queryKey() }),
    ]);
  const prefill = (next: AliasDraft) => {
    setDraft((d) => ({ ...next, key: d.key + 1, focus: true }));
    formCard.current?.scrollIntoView({ behavior: "smooth", block: "start" });
  };

  return (
    <div className="grid gap-6">
      <div ref={formCard} className="scroll-mt-4">
        <Card
          title="Add an alias"
          description="From now on, policies read the HR spelling as the value it means. Matching already ignores case and surrounding spaces."
        >
          {list.data ? (
            <AliasForm
              key={draft.key}
              attributes={list.data.attributes}
              policyValues={report.data?.policyValues ?? []}
              draft={draft}
              autoFocus={draft.focus}
              onCreated={refresh}
            />
          ) : (
            <Skeleton className="h-16" />
          )}
        </Card>
      </div>
      <Card title="Aliases" description="People: how many identities HR spells this way today.">
        {list.isError ? (
          <Alert title="The aliases could not be loaded">{list.error.message}</Alert>
        ) : list.data ? (
          <AliasesTable aliases={list.data.aliases} onRemoved={refresh} />
        ) : (
          <Skeleton className="h-40" />
        )}
      </Card>
      <Card
        title="HR values no policy or alias knows"
        description={
          "People with these values may miss access policies give to the value they mean. A " +
          "likely misspelling is shown only with its evidence; every alias shows its impact before " +
          "it is saved."
        }
      >
        {report.isError ? (
          <Alert title="The report could not be loaded">{report.error.message}</Alert>
        ) : report.data && list.data ? (
          <AliasValueReport report={report.data} aliasable={list.data.attributes} onAddAlias={prefill} />
        ) : (
          <Skeleton className="h-40" />
        )}
      </Card>
    </div>
  );
}
