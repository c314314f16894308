import { DriftRunsTable } from "@/components/drift/drift-runs-table";
import { FindingsTable } from "@/components/drift/findings-table";
import { SystemDriftTable } from "@/components/drift/system-drift-table";
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
        description={
          "What each system really holds, compared with what policy, active exceptions and grace " +
          "periods say it should. Access added by hand shows as excess; access that never arrived " +
          "as missing. Expired exceptions are never re-added, and nothing is removed inside its " +
          "grace period."
        }
      />
      <div className="grid grid-cols-1 gap-6">
        <SystemDriftTable systems={systems} />
        <Card
          title="Findings"
          description={
            "Each finding explains itself. Correct it through the adapter, keep excess access as a " +
            "time-bound exception, draft a policy for it, or dismiss it with a reason."
          }
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
            <DriftRunsTable runs={runs.rows} />
          )}
        </Card>
      </div>
    </>
  );
}
