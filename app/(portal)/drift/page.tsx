import { FindingsTable } from "@/components/drift/findings-table";
import { SystemDriftTable } from "@/components/drift/system-drift-table";
import { formatWhen } from "@/components/requests/format";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Drift" };

export default async function DriftPage({ searchParams }: { searchParams: Promise<{ system?: string }> }) {
  await requireSection("drift");
  const { system } = await searchParams;
  const caller = await api();
  const [systems, runs] = await Promise.all([caller.drift.overview(), caller.drift.runs({ page: 1, pageSize: 15 })]);
  return (
    <>
      <PageHeader
        title="Drift"
        description="What each system really holds, compared with what policy, active exceptions and grace periods say it should. Access added by hand shows as excess; access that never arrived as missing. Expired exceptions are never re-added, and nothing is removed inside its grace period."
      />
      <div className="grid grid-cols-1 gap-6">
        <SystemDriftTable systems={systems} />
        <Card
          title="Findings"
          description="Each finding explains itself. Correct it through the adapter, keep excess access as a time-bound exception, draft a policy for it, or dismiss it with a reason."
        >
          <FindingsTable systems={systems.filter((s) => s.canCheck).map((s) => s.key)} initialSystem={system} />
        </Card>
        <Card title="History" description="The latest checks, scheduled (daily) and on demand.">
          {runs.rows.length === 0 ? (
            <p className="text-sm text-slate-500">
              No check has run yet. Connect a system to an adapter that can read access (LDAP, PostgreSQL, webhook),
              then “Check now”.
            </p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Drift checks">
                <thead>
                  <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                    <th scope="col" className="px-3 py-2 font-medium">
                      When
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      System
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      By
                    </th>
                    <th scope="col" className="px-3 py-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Read
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Excess
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Missing
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Level
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Corrected
                    </th>
                    <th scope="col" className="px-3 py-2 text-right font-medium">
                      Took
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {runs.rows.map((r) => (
                    <tr key={r.id}>
                      <td className="px-3 py-2 whitespace-nowrap">{formatWhen(r.startedAt)}</td>
                      <td className="px-3 py-2">{r.systemKey}</td>
                      <td className="px-3 py-2 text-xs text-slate-600">
                        {r.trigger === "schedule" ? "daily schedule" : r.requestedBy}
                      </td>
                      <td className="px-3 py-2">
                        <Badge tone={r.status === "failed" ? "red" : r.status === "running" ? "brand" : "green"}>
                          {r.status}
                        </Badge>
                        {r.error && <div className="max-w-xs text-xs text-red-700">{r.error}</div>}
                      </td>
                      <td className="px-3 py-2 text-right tabular-nums">{r.actualCount ?? "—"}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{r.excessCount ?? "—"}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{r.missingCount ?? "—"}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{r.levelCount ?? "—"}</td>
                      <td className="px-3 py-2 text-right tabular-nums">{r.remediatedCount ?? "—"}</td>
                      <td className="px-3 py-2 text-right tabular-nums">
                        {r.durationMs !== null ? `${(r.durationMs / 1000).toFixed(1)} s` : "—"}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}
