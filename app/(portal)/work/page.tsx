import Link from "next/link";
import type { ReactNode } from "react";
import { formatWhen } from "@/components/requests/format";
import { SetupHomeCard } from "@/components/setup/home-card";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { viewerZone } from "@/server/auth/time-zone";

export const metadata = { title: "Work queue" };

/** One kind of work: how many, the oldest few, and where the rest is done. */
function Queue({
  title,
  total,
  href,
  linkLabel,
  empty,
  tone = "amber",
  children,
}: {
  title: string;
  total: number;
  href: string;
  linkLabel: string;
  empty: string;
  tone?: "amber" | "red";
  children: ReactNode;
}) {
  return (
    <Card
      title={
        <span className="flex items-center gap-2">
          {title} {total > 0 ? <Badge tone={tone}>{total}</Badge> : <Badge tone="green">none</Badge>}
        </span>
      }
    >
      {total === 0 ? (
        <p className="text-sm text-slate-600">{empty}</p>
      ) : (
        <>
          <ul className="divide-y divide-slate-100 text-sm">{children}</ul>
          <p className="mt-3 text-sm">
            <Link href={href} className="text-brand-700 underline">
              {linkLabel}
            </Link>
          </p>
        </>
      )}
    </Card>
  );
}

const Item = ({ children }: { children: ReactNode }) => <li className="py-2">{children}</li>;
const Since = ({ children }: { children: ReactNode }) => (
  <span className="block text-xs text-slate-500">{children}</span>
);

export default async function WorkQueuePage() {
  await requireSection("work");
  const tz = await viewerZone();
  const caller = await api();
  const [q, setup] = await Promise.all([caller.work.queue(), caller.setup.checklist()]);
  const waiting =
    q.tasks.total + q.failedOperations.total + q.plansHeld.total + q.driftFindings.total + q.extensions.total;
  return (
    <>
      <PageHeader
        title="Work queue"
        description={
          waiting === 0
            ? "Nothing waits for IT right now. New tasks are also sent to you by email."
            : "What waits for IT, oldest first. New manual tasks are also sent to you in the app and by email."
        }
      />
      {setup.showOnHome && (
        <SetupHomeCard done={setup.done} total={setup.total} next={setup.items.find((i) => !i.done)?.title ?? null} />
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Queue
          title="Manual tasks"
          total={q.tasks.total}
          href="/systems"
          linkLabel="All systems"
          empty="No grant or removal waits to be done by hand."
        >
          {q.tasks.first.map((t) => (
            <Item key={t.id}>
              <Link href={`/systems/${t.systemKey}`} className="font-medium text-slate-900 hover:underline">
                {t.systemName}
              </Link>
              : {t.description}
              <Since>since {formatWhen(t.since, tz)}</Since>
            </Item>
          ))}
        </Queue>
        <Queue
          title="Failed operations"
          total={q.failedOperations.total}
          tone="red"
          href="/systems"
          linkLabel="Retry them on each system's page"
          empty="No grant or removal has failed."
        >
          {q.failedOperations.first.map((o) => (
            <Item key={o.id}>
              <Link href={`/systems/${o.systemKey}`} className="font-medium text-slate-900 hover:underline">
                {o.action} <span className="font-mono text-xs">{o.resourceKey}</span>
              </Link>
              {o.lastError && <span className="block text-xs text-red-700">{o.lastError}</span>}
              <Since>queued {formatWhen(o.since, tz)}</Since>
            </Item>
          ))}
        </Queue>
        <Queue
          title="Plans held for review"
          total={q.plansHeld.total}
          href="/identities/plans"
          linkLabel="Review them"
          empty="No joiner, mover or leaver plan waits for review."
        >
          {q.plansHeld.first.map((p) => (
            <Item key={p.id}>
              <span className="font-medium text-slate-900">
                #{p.number} {p.kind}: {p.person}
              </span>{" "}
              <span className="text-slate-600">{p.summary}</span>
              <Since>since {formatWhen(p.since, tz)}</Since>
            </Item>
          ))}
        </Queue>
        <Queue
          title="Drift findings"
          total={q.driftFindings.total}
          href="/drift"
          linkLabel="Look at them on the Drift page"
          empty="No open drift finding."
        >
          {q.driftFindings.bySystem.map((d) => (
            <Item key={`${d.systemKey}:${d.kind}`}>
              <span className="font-medium text-slate-900">{d.systemKey}</span>: {d.n} {d.kind}
            </Item>
          ))}
        </Queue>
        <Queue
          title="Extensions waiting"
          total={q.extensions.total}
          href="/exceptions"
          linkLabel="Exceptions"
          empty="No extension waits for a decision."
        >
          {q.extensions.first.map((e) => (
            <Item key={e.id}>
              <span className="font-medium text-slate-900">Request #{e.number}</span> by {e.person}
              <Since>asked {formatWhen(e.since, tz)}</Since>
            </Item>
          ))}
        </Queue>
        <Queue
          title="Exceptions expiring this week"
          total={q.expiringThisWeek.total}
          href="/exceptions?expiring=7"
          linkLabel="All of them"
          empty="No exception expires in the next 7 days."
        >
          {q.expiringThisWeek.first.map((e) => (
            <Item key={e.id}>
              <Link href={`/exceptions/${e.id}`} className="font-medium text-slate-900 hover:underline">
                #{e.number} {e.person}
              </Link>{" "}
              <span className="font-mono text-xs">{e.resourceKey}</span>
              <Since>expires {formatWhen(e.expiresAt, tz)}</Since>
            </Item>
          ))}
        </Queue>
      </div>
    </>
  );
}
