import { formatWhen } from "@/components/requests/format";
import Link from "next/link";
import { notFound } from "next/navigation";

import { ResourceGrace } from "@/components/drift/resource-grace";
import { AdapterForm } from "@/components/systems/adapter-form";
import { CompleteTask, RetryOperation } from "@/components/systems/system-actions";
import { EditSystemForm, RetireSystem } from "@/components/systems/system-forms";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { viewerZone } from "@/server/auth/time-zone";

export const metadata = { title: "System" };

export default async function SystemPage({ params }: { params: Promise<{ key: string }> }) {
  await requireSection("systems");
  const tz = await viewerZone();
  const { key } = await params;
  const s = await (await api()).systems.byKey({ systemKey: key }).catch(() => null);
  if (!s) notFound();
  return (
    <>
      <PageHeader
        title={s.name}
        description={`${s.description ? `${s.description} · ` : ""}Levels: ${s.accessLevels.join(" < ")}`}
        actions={
          s.retiredAt ? (
            <Badge>retired</Badge>
          ) : (
            <Badge tone={s.health.ok ? "green" : "red"}>
              {s.health.ok ? "healthy" : "unhealthy"}: {s.health.detail}
            </Badge>
          )
        }
      />
      {s.retiredAt && (
        <p
          role="status"
          className="mb-6 rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700"
        >
          Retired {formatWhen(s.retiredAt, tz)}: {s.retiredReason}. Its history stays in reports and the audit trail;
          its adapter is no longer called.
        </p>
      )}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="grid min-w-0 grid-cols-1 content-start gap-6">
          <Card title="Tasks for IT" description="The manual adapter's work: do it in the system, then mark it done.">
            {s.tasks.length === 0 ? (
              <EmptyState title="Nothing to do by hand" />
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {s.tasks.map((t) => (
                  <li key={t.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span>
                      {t.description}{" "}
                      <span className="text-xs text-slate-500">since {formatWhen(t.createdAt, tz)}</span>
                    </span>
                    <CompleteTask taskId={t.id} />
                  </li>
                ))}
              </ul>
            )}
            {s.cancelledTasks.length > 0 && (
              <div className="mt-4 border-t border-slate-200 pt-3">
                <h3 className="text-xs font-medium tracking-wide text-slate-600 uppercase">
                  Cancelled: do not do these
                </h3>
                <ul className="mt-1 divide-y divide-slate-100 text-sm" aria-label="Cancelled tasks">
                  {s.cancelledTasks.map((t) => (
                    <li key={t.id} className="flex flex-wrap items-start justify-between gap-2 py-2">
                      <span className="text-slate-700">
                        <span className="line-through decoration-slate-400">{t.description}</span>
                        <span className="block text-xs text-slate-600">
                          {t.cancelReason ?? "No longer needed"} · cancelled {t.doneAt ? formatWhen(t.doneAt, tz) : ""}
                          {t.doneBy ? ` by ${t.doneBy}` : ""}
                        </span>
                      </span>
                      <Badge>cancelled</Badge>
                    </li>
                  ))}
                </ul>
              </div>
            )}
          </Card>
          <Card
            title="Waiting, failed and cancelled operations"
            description="Cancelled: a grant whose exception ended, or that a later removal replaced, before it reached the system. It will not run."
          >
            {s.operations.length === 0 ? (
              <EmptyState title="Nothing waiting, failed or cancelled" />
            ) : (
              <ul className="divide-y divide-slate-100 text-sm">
                {s.operations.map((o) => (
                  <li key={o.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span>
                      {o.action} <span className="font-mono text-xs">{o.resourceKey}</span> for {o.email} · {o.attempts}
                      /{o.maxAttempts} attempts
                      {o.status === "cancelled" ? (
                        <span className="block text-xs text-slate-600">{o.cancelReason}</span>
                      ) : (
                        o.lastError && <span className="block text-xs text-red-700">{o.lastError}</span>
                      )}
                    </span>
                    {o.status === "failed" ? (
                      <RetryOperation operationId={o.id} />
                    ) : o.status === "cancelled" ? (
                      <Badge>cancelled {o.completedAt ? formatWhen(o.completedAt, tz) : ""}</Badge>
                    ) : (
                      <Badge tone="amber">next try {formatWhen(o.nextAttemptAt, tz)}</Badge>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </Card>
          <Card title="Recent adapter calls">
            {s.calls.length === 0 ? (
              <EmptyState title="No calls yet" />
            ) : (
              <div className="overflow-x-auto">
                <table className="w-full text-left text-sm" aria-label="Adapter calls">
                  <tbody className="divide-y divide-slate-100">
                    {s.calls.map((c) => (
                      <tr key={c.id}>
                        <td className="py-1.5 pr-3 text-slate-500">{formatWhen(c.at, tz)}</td>
                        <td className="py-1.5 pr-3">{c.call}</td>
                        <td className="py-1.5 pr-3">
                          <Badge tone={c.outcome === "done" ? "green" : c.outcome === "error" ? "red" : "amber"}>
                            {c.outcome}
                          </Badge>
                        </td>
                        <td className="py-1.5 pr-3 text-xs text-slate-500">{c.durationMs} ms</td>
                        <td className="py-1.5 text-xs wrap-anywhere text-slate-600">{c.detail}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Card>
        </div>
        <div className="grid min-w-0 grid-cols-1 content-start gap-6">
          {!s.retiredAt && (
            <>
              <Card title="Details">
                <EditSystemForm
                  systemKey={s.key}
                  name={s.name}
                  description={s.description}
                  accessLevels={s.accessLevels}
                />
              </Card>
              <Card title="Adapter" description="Clearance tests the connection before it keeps new settings.">
                <AdapterForm
                  systemKey={s.key}
                  adapterKind={s.adapterKind}
                  adapterConfig={s.adapterConfig}
                  kinds={s.adapterKinds}
                />
              </Card>
            </>
          )}
          <Card title="Resources" description="What people can hold on this system: owners, sensitivity, who may ask.">
            <Link href={`/systems/${s.key}/resources`} className="text-sm font-medium text-brand-700 hover:underline">
              Manage the resource catalog
            </Link>
          </Card>
          <Card
            title="Grace periods"
            description={
              "On a transfer, access the new role does not need is kept this many days for the " +
              "hand-over (0: removed at once). Empty follows the system's setting on the Drift page."
            }
          >
            <ResourceGrace systemKey={s.key} />
          </Card>
          {!s.retiredAt && (
            <Card title="Retire">
              <RetireSystem systemKey={s.key} name={s.name} />
            </Card>
          )}
        </div>
      </div>
    </>
  );
}
