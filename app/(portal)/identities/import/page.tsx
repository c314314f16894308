import Link from "next/link";
import { IdentityImport } from "@/components/identities/import/identity-import";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Import identities" };

const code = "rounded bg-slate-100 px-1 font-mono text-xs";

export default async function IdentityImportPage() {
  await requireSection("identities");
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/identities" className="hover:text-slate-800">
          Identities
        </Link>{" "}
        / Import
      </nav>
      <PageHeader
        title="Import identities"
        description="Add and update people from a CSV file. The preview shows every change; nothing is applied until you confirm."
      />
      <details className="mb-6 rounded-lg border border-slate-200 bg-white px-5 py-3 text-sm text-slate-700 shadow-sm">
        <summary className="cursor-pointer font-medium text-slate-900">File format</summary>
        <ul className="mt-2 grid list-disc gap-1 pl-5">
          <li>
            The first row names the columns: <code className={code}>external_id</code> (the HR id, which says who a row
            is about), <code className={code}>email</code>, <code className={code}>display_name</code>, and HR
            attributes by name (<code className={code}>department</code>, <code className={code}>job_title</code>,{" "}
            <code className={code}>team</code>, <code className={code}>location</code>,{" "}
            <code className={code}>employment_type</code>, <code className={code}>employment_status</code>,{" "}
            <code className={code}>job_level</code>, <code className={code}>hire_date</code>,{" "}
            <code className={code}>manager</code>, <code className={code}>cost_center</code>,{" "}
            <code className={code}>trainings</code>). Case does not matter, and a space stands for an underscore (“Job
            Title”).
          </li>
          <li>
            Without an external_id column, people are matched by email; such a file can change people but not add them.
          </li>
          <li>
            Only the columns in the file change. An empty cell clears the value. Dates are YYYY-MM-DD; manager is the
            manager’s email; trainings are separated by “;”.
          </li>
          <li>
            A new person needs an external_id and an email; display_name defaults to the external id in words. Emails of
            existing people are not changed.
          </li>
        </ul>
      </details>
      <IdentityImport />
    </>
  );
}
