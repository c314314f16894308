import { ExpectedAccessList } from "@/components/access/expected-access-list";
import { remaining } from "@/components/exceptions/format";
import { RevokeException } from "@/components/exceptions/revoke-exception";
import { TemporaryAccessList } from "@/components/exceptions/temporary-access-list";
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
  const [me, access, temporary, owned] = await Promise.all([
    caller.me.profile(),
    caller.me.access(),
    caller.exceptions.mine(),
    caller.exceptions.onMyResources(),
  ]);
  return (
    <>
      <PageHeader title="My access" description="What you can use, and why you have it." />
      <div className="grid grid-cols-1 gap-6">
        <Card title={me.displayName} description={me.email} actions={<RoleBadges roles={me.roles} />}>
          <p className="mb-4 text-sm text-slate-600">
            These attributes come from HR and decide what access policy gives you. If one is wrong, ask HR to correct
            it: your access follows.
          </p>
          <AttributeList attributes={me.attributes} manager={me.manager} />
        </Card>
        <Card
          title="Temporary access"
          description="Access outside your role, approved for a while. It is removed on its end date whatever happens; ask for an extension if you still need it."
        >
          <TemporaryAccessList items={temporary.exceptions} />
        </Card>
        {owned.length > 0 && (
          <Card
            title="Temporary access to what you own"
            description="You own these resources: you may revoke access given outside policy, saying why."
          >
            <ul className="divide-y divide-slate-100" aria-label="Temporary access to what you own">
              {owned.map((x) => (
                <li key={x.id} className="flex flex-wrap items-start justify-between gap-4 py-3">
                  <div>
                    <p className="text-sm text-slate-900">
                      <b>{x.holderName}</b> <span className="text-slate-500">{x.holderEmail}</span>
                    </p>
                    <p className="font-mono text-xs">{x.resourceKey}</p>
                    <p className="text-xs text-slate-500">
                      EXC-{x.number} · expires in {remaining(x.msRemaining)} · {x.justification}
                    </p>
                  </div>
                  <RevokeException exceptionId={x.id} number={x.number} />
                </li>
              ))}
            </ul>
          </Card>
        )}
        <Card
          title="Access from policy"
          description="Each grant with the policy behind it: yours for as long as your role says so."
        >
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
