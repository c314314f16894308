import { ExpectedAccessList } from "@/components/access/expected-access-list";
import { AttributeList } from "@/components/identities/attribute-list";
import { RoleBadges } from "@/components/identities/role-badges";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "My access" };

export default async function MyAccessPage() {
  await requireSection("my-access");
  const caller = await api();
  const [me, access] = await Promise.all([caller.me.profile(), caller.me.access()]);
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
        <Card title="Access" description="Each grant with the policy behind it. Temporary access you ask for will appear here too, with the date it ends.">
          <ExpectedAccessList
            grants={access.grants}
            emptyText={
              access.active
                ? "No policy gives you anything yet. If you need access for your work, ask your manager or IT."
                : "Your employment status is not Active, so policy gives you nothing."
            }
          />
        </Card>
      </div>
    </>
  );
}
