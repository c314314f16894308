"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useTRPC } from "@/components/providers/trpc";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { EmptyState } from "@/components/ui/empty-state";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDay } from "./format";
import { useTimeZone } from "@/components/time/time-zone";
import { dayAfter, daysIn, wallClockIn } from "@/server/core/time";

const input = "mt-1 w-full rounded-md border border-slate-300 px-3 py-2 text-sm aria-[invalid=true]:border-red-500";

export function DelegationManager() {
  const tz = useTimeZone();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.delegations.list.queryOptions());
  const [delegateEmail, setDelegateEmail] = useState("");
  const [startsOn, setStartsOn] = useState(() => dayAfter(new Date(), 0, tz));
  const [endsOn, setEndsOn] = useState("");
  const [reason, setReason] = useState("");
  const [ending, setEnding] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.delegations.list.queryKey() });
  const create = useMutation(
    trpc.delegations.create.mutationOptions({
      onSuccess: async () => {
        setDelegateEmail("");
        setEndsOn("");
        setReason("");
        await refresh();
      },
    }),
  );
  const end = useMutation(
    trpc.delegations.end.mutationOptions({ onSuccess: async () => (setEnding(null), await refresh()) }),
  );
  const badField = create.error?.data?.field;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    // Whole days in the person's own zone: from the start of the first to the end of the last.
    const away = endsOn ? daysIn(startsOn, endsOn, tz) : null;
    create.mutate({
      delegateEmail: delegateEmail.trim(),
      startsAt: wallClockIn(startsOn, tz),
      endsAt: away ? away.endsAt : new Date(NaN),
      reason,
    });
  };

  return (
    <div className="grid gap-6 lg:grid-cols-[24rem_minmax(0,1fr)]">
      <Card title="Hand over my decisions">
        <form className="grid gap-3" onSubmit={onSubmit} noValidate>
          <div>
            <label htmlFor="delegate-email" className="text-sm font-medium">
              Who decides for me (email)
            </label>
            <input
              id="delegate-email"
              type="email"
              value={delegateEmail}
              onChange={(e) => setDelegateEmail(e.target.value)}
              className={input}
              aria-invalid={badField === "delegateEmail"}
              placeholder="alice@company.com"
            />
          </div>
          <div className="grid grid-cols-2 gap-3">
            <div>
              <label htmlFor="delegate-from" className="text-sm font-medium">
                From
              </label>
              <input
                id="delegate-from"
                type="date"
                value={startsOn}
                onChange={(e) => setStartsOn(e.target.value)}
                className={input}
                aria-invalid={badField === "startsAt"}
              />
            </div>
            <div>
              <label htmlFor="delegate-until" className="text-sm font-medium">
                Until (including)
              </label>
              <input
                id="delegate-until"
                type="date"
                value={endsOn}
                onChange={(e) => setEndsOn(e.target.value)}
                className={input}
                aria-invalid={badField === "endsAt"}
              />
            </div>
          </div>
          <div>
            <label htmlFor="delegate-reason" className="text-sm font-medium">
              Reason <span className="font-normal text-slate-500">(optional)</span>
            </label>
            <input
              id="delegate-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              className={input}
              placeholder="Vacation"
            />
          </div>
          {create.isError && (
            <p role="alert" className="text-sm text-red-700">
              {create.error.data?.field === "endsAt" && !endsOn
                ? "endsAt: pick the last day you are away"
                : create.error.message}
            </p>
          )}
          <Button type="submit" disabled={create.isPending}>
            Save
          </Button>
        </form>
      </Card>
      <Card title="Delegations">
        {list.isPending ? (
          <Skeleton className="h-20" />
        ) : !list.data?.length ? (
          <EmptyState title="No delegations">Nobody decides for you, and you decide for nobody else.</EmptyState>
        ) : (
          <ul className="divide-y divide-slate-100 text-sm" aria-label="Delegations">
            {list.data.map((d) => (
              <li key={d.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                <span>
                  {d.mine ? (
                    <>
                      <strong>{d.delegateName}</strong> decides for you
                    </>
                  ) : (
                    <>
                      You decide for <strong>{d.delegatorName}</strong>
                    </>
                  )}{" "}
                  from {formatDay(d.startsAt, tz)} to {formatDay(new Date(new Date(d.endsAt).getTime() - 1), tz)}
                  {d.reason && <span className="text-slate-500"> · {d.reason}</span>}
                </span>
                <span className="flex items-center gap-2">
                  <Badge tone={d.state === "in force" ? "green" : d.state === "planned" ? "brand" : "neutral"}>
                    {d.state}
                  </Badge>
                  {d.mine && d.state !== "over" && (
                    <Button variant="ghost" className="text-xs" onClick={() => setEnding(d.id)}>
                      End now…
                    </Button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <ConfirmDialog
        open={ending !== null}
        title="End this delegation now?"
        confirmLabel="End it"
        busy={end.isPending}
        onCancel={() => setEnding(null)}
        onConfirm={() => ending && end.mutate({ id: ending })}
      >
        From now on, what waits for you comes to you again.
      </ConfirmDialog>
    </div>
  );
}
