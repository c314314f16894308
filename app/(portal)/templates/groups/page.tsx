import Link from "next/link";
import { GroupEditor } from "@/components/templates/group-editor";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Approver groups" };

export default async function ApproverGroupsPage() {
  await requireSection("templates");
  const groups = await (await api()).templates.groups();
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/templates" className="hover:text-slate-800">
          Request templates
        </Link>{" "}
        / approver groups
      </nav>
      <PageHeader
        title="Approver groups"
        description="Groups that templates name as approvers or escalation targets. The order of members is the order first-N and round-robin follow."
      />
      <div className="grid gap-4 md:grid-cols-2">
        {groups.map((g) => (
          <GroupEditor
            key={g.key}
            group={{
              key: g.key,
              name: g.name,
              description: g.description,
              members: g.members.map((m) => ({ email: m.email, displayName: m.displayName, status: m.status })),
            }}
          />
        ))}
        <GroupEditor group={null} />
      </div>
    </>
  );
}
