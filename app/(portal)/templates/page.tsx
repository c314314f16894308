import Link from "next/link";
import { formatWhen } from "@/components/requests/format";
import { TemplateActiveToggle } from "@/components/templates/template-active-toggle";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { viewerZone } from "@/server/auth/time-zone";

export const metadata = { title: "Request templates" };

export default async function TemplatesPage() {
  await requireSection("templates");
  const tz = await viewerZone();
  const templates = await (await api()).templates.list();
  return (
    <>
      <PageHeader
        title="Request templates"
        description="The forms people ask for access with: what they grant, for how long, who approves in which stages, and how approvers are told."
        actions={
          <div className="flex gap-2">
            <Link href="/templates/groups" className={buttonClasses("secondary")}>
              Approver groups
            </Link>
            <Link href="/templates/new" className={buttonClasses()}>
              New template
            </Link>
          </div>
        }
      />
      {templates.length === 0 ? (
        <EmptyState
          title="No templates yet"
          action={
            <Link href="/templates/new" className={buttonClasses()}>
              Create the first
            </Link>
          }
        >
          Without a template nobody can ask for access in the catalog.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Request templates</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-4 py-2">Template</th>
                <th className="px-4 py-2">Grants</th>
                <th className="px-4 py-2">Approval</th>
                <th className="px-4 py-2">Changed</th>
                <th className="px-4 py-2">In the catalog</th>
              </tr>
            </thead>
            <tbody>
              {templates.map((t) => (
                <tr key={t.key} className="border-b border-slate-100 last:border-0">
                  <td className="px-4 py-2">
                    <Link href={`/templates/${t.key}`} className="font-medium text-brand-700 hover:underline">
                      {t.name}
                    </Link>
                    <p className="font-mono text-xs text-slate-500">{t.key}</p>
                  </td>
                  <td className="px-4 py-2">
                    {t.grants.map((g) => (
                      <Badge key={g.resource} className="mr-1">
                        {g.resource}
                      </Badge>
                    ))}
                  </td>
                  <td className="px-4 py-2 text-slate-600">{t.stages.join(" → ")}</td>
                  <td className="px-4 py-2 text-slate-600">
                    {formatWhen(t.updatedAt, tz)}
                    <p className="text-xs text-slate-500">{t.updatedBy}</p>
                  </td>
                  <td className="px-4 py-2">
                    <TemplateActiveToggle templateKey={t.key} name={t.name} active={t.active} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
