import { EvidencePackForm } from "@/components/reports/evidence-pack-form";
import { ReportView } from "@/components/reports/report-view";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Reports" };

export default async function ReportsPage() {
  await requireSection("reports");
  const caller = await api();
  const [facets, me] = await Promise.all([caller.reports.facets(), caller.me.profile()]);
  const today = new Date();
  const firstOfLastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1))
    .toISOString()
    .slice(0, 10);
  const lastOfLastMonth = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), 0)).toISOString().slice(0, 10);
  return (
    <>
      <PageHeader
        title="Reports"
        description={`Evidence for audits, read-only. Every export is recorded in the audit trail under your name (${me.email}).`}
      />
      <div className="grid grid-cols-1 gap-6">
        <EvidencePackForm defaultFrom={firstOfLastMonth} defaultTo={lastOfLastMonth} />
        <ReportView systems={facets.systems} departments={facets.departments} />
      </div>
    </>
  );
}
