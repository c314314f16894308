import { EvidencePackForm } from "@/components/reports/evidence-pack-form";
import { ReportView } from "@/components/reports/report-view";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Reports" };

export default async function ReportsPage() {
  await requireSection("reports");
  const caller = await api();
  // The pack's default period (last 90 days, or since the first event) and what it holds.
  const [facets, me, pack] = await Promise.all([
    caller.reports.facets(),
    caller.me.profile(),
    caller.reports.evidencePackContents({}),
  ]);
  return (
    <>
      <PageHeader
        title="Reports"
        description={`Evidence for audits, read-only. Every export is recorded in the audit trail under your name (${me.email}).`}
      />
      <div className="grid grid-cols-1 gap-6">
        <EvidencePackForm initial={pack} />
        <ReportView systems={facets.systems} departments={facets.departments} />
      </div>
    </>
  );
}
