import { ReportView } from "@/components/reports/report-view";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Reports" };

export default async function ReportsPage() {
  await requireSection("reports");
  const caller = await api();
  const [facets, me] = await Promise.all([caller.reports.facets(), caller.me.profile()]);
  return (
    <>
      <PageHeader title="Reports" description={`Evidence for audits, read-only. Every export is recorded in the audit trail under your name (${me.email}).`} />
      <ReportView systems={facets.systems} departments={facets.departments} />
    </>
  );
}
