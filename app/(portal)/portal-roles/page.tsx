import { formatWhen } from "@/components/requests/format";
import { DecideProposal, GrantRoleForm, RevokeRole } from "@/components/portal-roles/role-actions";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { viewerZone } from "@/server/auth/time-zone";
import { isActiveStatus } from "@/server/core/identity/status";

export const metadata = { title: "Portal roles" };

type Holder = {
  identityId: string;
  displayName: string;
  email: string;
  employmentStatus: string;
  role: "it_admin" | "auditor" | "approver";
  grantedAt: Date;
  grantedBy: string;
};

function Holders({ title, people, tz }: { title: string; people: Holder[]; tz: string }) {
  return (
    <Card title={title}>
      {people.length === 0 ? (
        <EmptyState title="Nobody" />
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label={title}>
          {people.map((p) => (
            <li key={`${p.role}:${p.identityId}`} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>
                <span className="font-medium text-slate-900">{p.displayName}</span>{" "}
                <span className="text-slate-600">{p.email}</span>
                {!isActiveStatus(p.employmentStatus) && <Badge tone="amber">{p.employmentStatus}</Badge>}
                <span className="block text-xs text-slate-500">
                  since {formatWhen(p.grantedAt, tz)}, by {p.grantedBy}
                </span>
              </span>
              <RevokeRole email={p.email} name={p.displayName} role={p.role as "it_admin" | "auditor"} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

export default async function PortalRolesPage() {
  await requireSection("portal-roles");
  const tz = await viewerZone();
  const roles = await (await api()).portalRoles.list();
  return (
    <>
      <PageHeader
        title="Portal roles"
        description="Who runs Clearance (IT admins) and who reads its evidence (auditors). Every change is audited with its reason; the last IT admin cannot be removed."
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_24rem]">
        <div className="grid min-w-0 grid-cols-1 content-start gap-6">
          {roles.pending.length > 0 && (
            <Card title="Waiting for a second IT admin">
              <ul className="divide-y divide-slate-100 text-sm" aria-label="Proposed IT admins">
                {roles.pending.map((p) => (
                  <li key={p.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <span>
                      <span className="font-medium text-slate-900">{p.displayName}</span> as IT admin, proposed by{" "}
                      {p.proposedBy} {formatWhen(p.proposedAt, tz)}
                      <span className="block text-xs text-slate-600">Why: {p.reason}</span>
                    </span>
                    <DecideProposal proposalId={p.id} name={p.displayName} mine={p.mine} />
                  </li>
                ))}
              </ul>
            </Card>
          )}
          <Holders title="IT admins" people={roles.itAdmins} tz={tz} />
          <Holders title="Auditors" people={roles.auditors} tz={tz} />
        </div>
        <Card
          title="Grant a role"
          description={
            roles.secondApproval
              ? "A second IT admin approves policy changes, and so a new IT admin too."
              : "Resource owners are the people named on resources, not a role."
          }
        >
          <GrantRoleForm secondApproval={roles.secondApproval} />
        </Card>
      </div>
    </>
  );
}
