import Link from "next/link";
import { BarChart } from "@/components/reports/bar-chart";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { hasAnyRole } from "@/server/core/roles";
import { viewerZone } from "@/server/auth/time-zone";
import { formatWhen } from "@/server/core/time";

export const metadata = { title: "Exception metrics" };

function Target({ met, target }: { met: boolean | null; target: string }) {
  return (
    <p className="mt-2 flex items-center gap-2 text-xs text-slate-600">
      {met === null ? (
        <Badge>no data yet</Badge>
      ) : met ? (
        <Badge tone="green">on target</Badge>
      ) : (
        <Badge tone="amber">off target</Badge>
      )}
      target: {target}
    </p>
  );
}

function Figure({ label, value }: { label: string; value: string | number | null }) {
  return (
    <div>
      <dt className="text-xs tracking-wide text-slate-500 uppercase">{label}</dt>
      <dd className="text-xl font-semibold text-slate-900">{value ?? "—"}</dd>
    </div>
  );
}

export default async function MetricsPage({ searchParams }: { searchParams: Promise<{ month?: string }> }) {
  const actor = await requireSection("metrics");
  const tz = await viewerZone();
  const month = (await searchParams).month;
  const m = await (await api()).reports.metrics(month && /^\d{4}-\d{2}$/.test(month) ? { month } : {});
  const canEditPolicies = hasAnyRole(actor.roles, ["it_admin"]);
  return (
    <>
      <PageHeader
        title="Exception metrics"
        description={
          `Five measures of how exceptions are used, each with its target, as of ` +
          `${formatWhen(m.at, tz)}. The monthly report goes to IT admins and auditors on the 1st.`
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="1. Volume" description="Active exceptions, and new and ended per month.">
          <dl className="grid grid-cols-3 gap-3">
            <Figure label="Active" value={m.volume.active} />
            <Figure label="Share of all access" value={`${m.volume.sharePercent}%`} />
            <Figure label="Policy coverage" value={`${Math.round((100 - m.volume.sharePercent) * 100) / 100}%`} />
          </dl>
          <BarChart
            title="Exceptions per month"
            labels={m.volume.trend.map((t) => t.month.slice(2))}
            series={[
              { name: "new", values: m.volume.trend.map((t) => t.created), className: "fill-brand-600" },
              { name: "ended", values: m.volume.trend.map((t) => t.ended), className: "fill-slate-400" },
            ]}
          />
          <Target met={m.volume.met} target={m.volume.target} />
        </Card>
        <Card title="2. Duration" description="How long exceptions last.">
          <dl className="grid grid-cols-3 gap-3">
            <Figure label="Average" value={m.duration.averageDays === null ? null : `${m.duration.averageDays} d`} />
            <Figure
              label="Under 30 days"
              value={m.duration.under30Percent === null ? null : `${m.duration.under30Percent}%`}
            />
            <Figure label="Over 90 days" value={m.duration.over90} />
          </dl>
          <BarChart
            title="Duration distribution"
            labels={m.duration.buckets.map((b) => b.label)}
            series={[
              { name: "exceptions", values: m.duration.buckets.map((b) => b.count), className: "fill-brand-600" },
            ]}
          />
          <Target met={m.duration.met} target={m.duration.target} />
        </Card>
        <Card title="3. Approval time" description="From request to decision, last 90 days.">
          <dl className="grid grid-cols-3 gap-3">
            <Figure label="p50" value={m.approval.p50Hours === null ? null : `${m.approval.p50Hours} h`} />
            <Figure label="p90" value={m.approval.p90Hours === null ? null : `${m.approval.p90Hours} h`} />
            <Figure
              label="Approved"
              value={m.approval.approvalRatePercent === null ? null : `${m.approval.approvalRatePercent}%`}
            />
          </dl>
          <Target met={m.approval.met} target={m.approval.target} />
        </Card>
        <Card
          title="4. Expiration compliance"
          description={
            m.expiration.ended === 0
              ? "No ended exceptions yet: these figures start with the first one that ends."
              : `Of ${m.expiration.ended} ended exception${m.expiration.ended === 1 ? "" : "s"}.`
          }
        >
          <dl className="grid grid-cols-3 gap-3">
            <Figure
              label="Expired on time"
              value={m.expiration.onTimePercent === null ? null : `${m.expiration.onTimePercent}%`}
            />
            <Figure
              label="Extended"
              value={m.expiration.extendedPercent === null ? null : `${m.expiration.extendedPercent}%`}
            />
            <Figure
              label="Revoked by hand"
              value={m.expiration.revokedPercent === null ? null : `${m.expiration.revokedPercent}%`}
            />
          </dl>
          <Target met={m.expiration.met} target={m.expiration.target} />
        </Card>
        <Card title="5. Most common this month" description="The resources and people behind this month's exceptions.">
          <div className="grid grid-cols-2 gap-4 text-sm">
            <ol className="list-decimal pl-5" aria-label="Most requested resources">
              {m.common.resources.map((r) => (
                <li key={r.resource}>
                  <span className="font-mono text-xs">{r.resource}</span> ({r.count})
                </li>
              ))}
              {m.common.resources.length === 0 && <li className="list-none text-slate-500">None yet.</li>}
            </ol>
            <ol className="list-decimal pl-5" aria-label="Most frequent requesters">
              {m.common.requesters.map((r) => (
                <li key={r.email}>
                  {r.email} ({r.count})
                </li>
              ))}
            </ol>
          </div>
        </Card>
        <Card title="Recommendations" description="The same exception asked for again and again belongs in a policy.">
          {m.recommendations.length === 0 ? (
            <p className="text-sm text-slate-600">
              No resource was requested three times or more by one department this month.
            </p>
          ) : (
            <ul className="grid gap-3" aria-label="Recommendations">
              {m.recommendations.map((r) => (
                <li
                  key={`${r.resource}-${r.department}`}
                  className="flex flex-wrap items-center justify-between gap-2 text-sm"
                >
                  <span>{r.text}.</span>
                  {canEditPolicies && (
                    <Link
                      href={`/policies/edit?draft=${encodeURIComponent(r.draftPolicy)}`}
                      className={buttonClasses("secondary")}
                    >
                      Draft the policy
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </>
  );
}
