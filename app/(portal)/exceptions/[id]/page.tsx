import { formatDay, formatWhen } from "@/components/requests/format";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ExtendException } from "@/components/exceptions/extend-exception";
import { RestrictionsSummary } from "@/components/exceptions/restrictions-summary";
import { RevokeException } from "@/components/exceptions/revoke-exception";
import { statusText, typeLabel } from "@/components/exceptions/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { hasRestrictions, storedRestrictions } from "@/server/core/exceptions/restrictions";
import { plural } from "@/server/core/text/plural";
import { referencesText } from "@/server/core/exceptions/types";
import { viewerZone } from "@/server/auth/time-zone";

export const metadata = { title: "Exception" };

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export default async function ExceptionPage({ params }: { params: Promise<{ id: string }> }) {
  await requireSection("exceptions");
  const tz = await viewerZone();
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const caller = await api();
  const [e, settings] = await Promise.all([
    caller.exceptions.byId({ exceptionId: id }).catch(() => null),
    caller.exceptions.typeSettings(),
  ]);
  if (!e) notFound();
  const typeSettings = e.type === "fallback" ? null : settings[e.type as keyof typeof settings];
  const refs = referencesText(e.references);
  const restrictions = storedRestrictions(e.restrictions);
  return (
    <>
      <PageHeader
        title={`EXC-${e.number}: ${e.holderName}`}
        description={
          <span className="font-mono text-xs">
            {e.resourceKey}
            {e.level ? ` (${e.level})` : ""}
          </span>
        }
        actions={
          !e.endedAt && (
            <div className="flex gap-2">
              {typeSettings?.extensible && (
                <ExtendException
                  exceptionId={e.id}
                  number={e.number}
                  extensionsUsed={e.extensionsUsed}
                  escalatedGroup={typeSettings.escalatedApproverGroup}
                />
              )}
              <RevokeException exceptionId={e.id} number={e.number} />
            </div>
          )
        }
      />
      <div className="grid gap-6 lg:grid-cols-[1fr_22rem]">
        <div className="grid content-start gap-6">
          <Card
            title="Lifecycle"
            description={`${plural(e.timeline.durationDays, "day")} from ${e.requestNumber ? "request" : "approval"} to ${e.endedAt ? "end" : "today"}.`}
          >
            <ol className="grid grid-cols-1 gap-3" aria-label="Timeline">
              {e.timeline.steps.map((s, i) => (
                <li key={i} className="flex gap-3 text-sm">
                  <span className="w-40 shrink-0 text-slate-500">{formatWhen(s.at, tz)}</span>
                  <span>
                    <strong className={s.label.endsWith("failed") ? "text-red-700" : "text-slate-900"}>
                      {s.label}
                    </strong>{" "}
                    {s.detail}
                  </span>
                </li>
              ))}
            </ol>
          </Card>
          <Card
            title="Provisioning"
            description={
              e.decisionToDeliveryMs !== null
                ? `Delivered ${Math.round(e.decisionToDeliveryMs / 1000)} s after the decision.`
                : "Not delivered yet."
            }
          >
            <ul className="divide-y divide-slate-100 text-sm">
              {e.operations.map((o) => (
                <li key={o.id} className="flex flex-wrap justify-between gap-2 py-2">
                  <span>
                    {o.action} on{" "}
                    <Link href={`/systems/${o.systemKey}`} className="text-brand-700 underline">
                      {o.systemKey}
                    </Link>{" "}
                    · {o.attempts} attempt{o.attempts === 1 ? "" : "s"}
                    {o.status === "cancelled" ? (
                      <span className="block text-xs text-slate-600">{o.cancelReason}</span>
                    ) : (
                      o.lastError && <span className="block text-xs text-red-700">{o.lastError}</span>
                    )}
                  </span>
                  <Badge
                    tone={
                      o.status === "done"
                        ? "green"
                        : o.status === "failed"
                          ? "red"
                          : o.status === "cancelled"
                            ? "neutral"
                            : "amber"
                    }
                  >
                    {o.status}
                  </Badge>
                </li>
              ))}
            </ul>
          </Card>
        </div>
        <Card title="Details">
          <dl className="grid grid-cols-1 gap-3">
            <Fact label="Status">
              <Badge tone={statusText[e.status]?.tone ?? "neutral"}>{statusText[e.status]?.label ?? e.status}</Badge>
            </Fact>
            <Fact label="Person">
              {e.holderName} <span className="text-slate-500">({e.holderEmail})</span>
            </Fact>
            <Fact label="Type">{typeLabel(e.type)}</Fact>
            <Fact label="Justification">{e.justification}</Fact>
            <Fact label="Proposed by">{e.proposedBy}</Fact>
            <Fact label="Approved by">
              {e.approverName
                ? `${e.approverName} (${e.approverEmail})`
                : (e.approvalRule ?? `fallback ${e.fallbackName}`)}
            </Fact>
            {e.approvalNote && <Fact label="Approval note">{e.approvalNote}</Fact>}
            <Fact label="Window">
              {formatWhen(e.startsAt, tz)} → {formatWhen(e.expiresAt, tz)}
              {e.daysRemaining !== null && (
                <span className="block text-xs text-slate-500">{plural(e.daysRemaining, "day")} remaining</span>
              )}
            </Fact>
            <Fact label="Extensions">{e.extensionsUsed} of 4 (two by the original approver, then escalated)</Fact>
            {refs && <Fact label="References">{refs}</Fact>}
            {hasRestrictions(restrictions) && (
              <Fact label="Restrictions">
                <RestrictionsSummary restrictions={restrictions} />
              </Fact>
            )}
            {e.requestNumber && (
              <Fact label="Request">
                <Link href={`/requests/${e.requestId}`} className="text-brand-700 hover:underline">
                  REQ-{e.requestNumber}
                </Link>
              </Fact>
            )}
            {e.endedAt && (
              <Fact label="Ended">
                {formatDay(e.endedAt, tz)} ({e.endText})
              </Fact>
            )}
          </dl>
        </Card>
      </div>
    </>
  );
}
