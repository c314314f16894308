"use client";

import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { ExpectedAccessList } from "@/components/access/expected-access-list";
import { remaining } from "@/components/exceptions/format";
import { RevokeException } from "@/components/exceptions/revoke-exception";
import { TemporaryAccessList } from "@/components/exceptions/temporary-access-list";
import { AttributeList } from "@/components/identities/attribute-list";
import { RoleBadges } from "@/components/identities/role-badges";
import { useTRPC } from "@/components/providers/trpc";
import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";

/** Grey lines where a card's content will be, about as tall as it usually is, so nothing jumps much. */
function Lines({ count, label }: { count: number; label: string }) {
  return (
    <div role="status" aria-label={label} className="flex flex-col gap-3">
      {Array.from({ length: count }, (_, i) => (
        <Skeleton key={i} className={`h-4 ${i % 2 ? "w-2/3" : "w-5/6"}`} />
      ))}
    </div>
  );
}

/** A query's content, its loading lines, or what went wrong. */
function Loaded<T>({
  query,
  lines,
  what,
  children,
}: {
  query: { data: T | undefined; isError: boolean; error: { message: string } | null };
  lines: number;
  what: string;
  children: (data: T) => ReactNode;
}) {
  if (query.data !== undefined) return children(query.data);
  if (query.isError) return <Alert title={`${what} could not be loaded`}>{query.error?.message}</Alert>;
  return <Lines count={lines} label={`Loading ${what.toLowerCase()}`} />;
}

/**
 * My access, loaded in the browser: the page is prerendered, and the four queries (the frame's
 * `me.profile` among them) go to /api/trpc in one batch. A give-back or a revoke refetches them
 * (the components invalidate these queries).
 */
export function MyAccess() {
  const trpc = useTRPC();
  const me = useQuery(trpc.me.profile.queryOptions());
  const access = useQuery(trpc.me.access.queryOptions());
  const temporary = useQuery(trpc.exceptions.mine.queryOptions());
  const owned = useQuery(trpc.exceptions.onMyResources.queryOptions());
  return (
    <div className="grid grid-cols-1 gap-6">
      <Card
        title={me.data?.displayName ?? "Loading your details…"}
        description={me.data?.email}
        actions={me.data ? <RoleBadges roles={me.data.roles} /> : null}
      >
        <p className="mb-4 text-sm text-slate-600">
          These attributes come from HR and decide what access policy gives you. If one is wrong, ask HR to correct it:
          your access follows.
        </p>
        <Loaded query={me} lines={6} what="Your attributes">
          {(profile) => <AttributeList attributes={profile.attributes} manager={profile.manager} />}
        </Loaded>
      </Card>
      <Card
        title="Temporary access"
        description="Access outside your role, approved for a while. It is removed on its end date whatever happens; ask for an extension if you still need it."
      >
        <Loaded query={temporary} lines={2} what="Your temporary access">
          {(t) => <TemporaryAccessList items={t.exceptions} />}
        </Loaded>
      </Card>
      {owned.isError && (
        <Alert title="Temporary access to what you own could not be loaded">{owned.error.message}</Alert>
      )}
      {owned.data && owned.data.length > 0 && (
        <Card
          title="Temporary access to what you own"
          description="You own these resources: you may revoke access given outside policy, saying why."
        >
          <ul className="divide-y divide-slate-100" aria-label="Temporary access to what you own">
            {owned.data.map((x) => (
              <li key={x.id} className="flex flex-wrap items-start justify-between gap-4 py-3">
                <div>
                  <p className="text-sm text-slate-900">
                    <b>{x.holderName}</b> <span className="text-slate-500">{x.holderEmail}</span>
                  </p>
                  <p className="font-mono text-xs">{x.resourceKey}</p>
                  <p className="text-xs text-slate-500">
                    EXC-{x.number} · expires in {remaining(x.msRemaining)} · {x.justification}
                  </p>
                </div>
                <RevokeException exceptionId={x.id} number={x.number} />
              </li>
            ))}
          </ul>
        </Card>
      )}
      <Card
        title="Access from policy"
        description="Each grant with the policy behind it: yours for as long as your role says so."
      >
        <Loaded query={access} lines={4} what="Your access from policy">
          {(a) => (
            <ExpectedAccessList
              grants={a.grants}
              emptyText={
                a.active
                  ? "No policy gives you anything yet. If you need access for your work, ask your manager or IT."
                  : "Your employment status is not Active, so policy gives you nothing."
              }
            />
          )}
        </Loaded>
      </Card>
    </div>
  );
}
