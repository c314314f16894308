import Link from "next/link";
import { AccessPatterns } from "@/components/policies/migration/access-patterns";
import { CoverageHeadline, CoverageReport } from "@/components/policies/migration/coverage-report";
import { SnapshotImport } from "@/components/policies/migration/snapshot-import";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Migration to policy" };

const code = "rounded bg-slate-100 px-1 font-mono text-xs";

/**
 * Seed 001's migration path on one page: snapshot what systems grant today, find the patterns,
 * draft policies from them, and measure how much of current access policy explains.
 */
export default async function PolicyMigrationPage() {
  await requireSection("policies");
  return (
    <>
      <PageHeader
        title="Migration to policy"
        description={
          "From what each system grants today to access that policy defines: snapshot, patterns, " +
          "draft policies, then coverage. Nothing here changes access on any system."
        }
      />
      <div className="grid gap-6">
        <CoverageHeadline />
        <Card
          title="1. Snapshot current access"
          description="Export who has what from each system and import it here, one system at a time; importing a system again replaces its snapshot."
        >
          <details className="mb-4 text-sm text-slate-700">
            <summary className="cursor-pointer font-medium text-slate-900">File format</summary>
            <ul className="mt-2 grid list-disc gap-1 pl-5">
              <li>
                A header row, then one row per account and resource. Columns: <code className={code}>username</code> or{" "}
                <code className={code}>email</code> (an email counts as its part before the @, which is how accounts
                match identities), <code className={code}>resource</code> and, optionally,{" "}
                <code className={code}>level</code>. Other columns are ignored.
              </li>
              <li>
                A resource is <code className={code}>system:type:name</code>, or <code className={code}>type:name</code>
                , or just the name when the catalog has one resource of that name in the system.
              </li>
              <li>
                Accounts nobody in HR has, resources the catalog lacks, levels the system does not have and duplicate
                rows are imported as found and listed in the preview.
              </li>
            </ul>
          </details>
          <SnapshotImport />
        </Card>
        <Card
          title="2. Access patterns"
          description={
            "People grouped by role, and the share of each group holding each resource. What " +
            "everyone holds is the baseline policy; 90% and more likely belongs in it; outliers are " +
            "exceptions to investigate."
          }
        >
          <AccessPatterns />
        </Card>
        <Card
          title="3. Policy coverage"
          description={
            <>
              Each snapshot row is explained by policy, covered by an active exception, or explained by nothing.
              Remediate, update policies, document exceptions; then pilot with review before execution, a system setting
              on the{" "}
              <Link href="/drift" className="text-brand-700 underline">
                Drift
              </Link>{" "}
              page.
            </>
          }
        >
          <CoverageReport />
        </Card>
      </div>
    </>
  );
}
