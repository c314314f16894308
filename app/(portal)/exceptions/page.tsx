import Link from "next/link";
import { ExceptionsDashboard } from "@/components/exceptions/exceptions-dashboard";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Exceptions" };

export default async function ExceptionsPage() {
  await requireSection("exceptions");
  const caller = await api();
  const [catalog, facets] = await Promise.all([caller.policies.catalog(), caller.identities.facets()]);
  return (
    <>
      <PageHeader
        title="Exceptions"
        description="Access outside policy: each with a justification, an approver and an expiry that Clearance enforces by itself."
        actions={
          <div className="flex gap-2">
            <Link href="/exceptions/settings" className={buttonClasses("ghost")}>
              Exception types
            </Link>
            <Link href="/exceptions/new" className={buttonClasses("secondary")}>
              Propose an exception
            </Link>
          </div>
        }
      />
      <ExceptionsDashboard systems={catalog.systems.map((s) => s.key)} departments={facets.departments} />
    </>
  );
}
