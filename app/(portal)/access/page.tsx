import { AttributeList } from "@/components/identities/attribute-list";
import { RoleBadges } from "@/components/identities/role-badges";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "My access" };

export default async function MyAccessPage() {
  await requireSection("my-access");
  const me = await (await api()).me.profile();
  return (
    <>
      <PageHeader title="My access" description="What you can use, and why you have it." />
      <div className="grid gap-6">
        <Card
          title={me.displayName}
          description={me.email}
          actions={
            <RoleBadges roles={me.roles} />
          }
        >
          <p className="mb-4 text-sm text-slate-600">
            These attributes come from HR and decide what access policy gives you. If one is wrong, ask HR to correct
            it: your access follows.
          </p>
          <AttributeList attributes={me.attributes} manager={me.manager} />
        </Card>
        <Card title="Access" description="Each grant with the policy or approved exception behind it.">
          <EmptyState title="No access to show yet">
            No access policies are published in Clearance yet, so nothing has been computed for you. When IT admins
            publish policies, every grant you hold appears here with the reason you have it, and temporary access with
            the date it ends.
          </EmptyState>
        </Card>
      </div>
    </>
  );
}
