import { AuditLogTable } from "@/components/audit/audit-log-table";
import { PageHeader } from "@/components/ui/page-header";
import { requireSection } from "@/server/auth/guard";
import { hasAnyRole, sectionByKey } from "@/server/core/roles";

export const metadata = { title: "Audit log" };

export default async function AuditLogPage() {
  const actor = await requireSection("audit-log");
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every decision and change, in order, each chained to the one before it so that no edit goes unnoticed."
      />
      <AuditLogTable linkPeople={hasAnyRole(actor.roles, sectionByKey("identities").roles)} />
    </>
  );
}
