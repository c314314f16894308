import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Systems" };

export default async function SystemsPage() {
  await requireSection("systems");
  const systems = await (await api()).systems.list();
  return (
    <>
      <PageHeader
        title="Systems"
        description="Where access lives, and the adapter that grants and removes it. Health is asked live."
      />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm" aria-label="Systems">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className="px-4 py-2 font-medium">
                System
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Adapter
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Health
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Waiting
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Tasks for IT
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Failed
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {systems.map((s) => (
              <tr key={s.key} className="hover:bg-slate-50">
                <td className="px-4 py-2">
                  <Link href={`/systems/${s.key}`} className="font-medium text-slate-900 hover:underline">
                    {s.name}
                  </Link>
                  <div className="text-xs text-slate-500">{s.description}</div>
                </td>
                <td className="px-4 py-2">{s.adapterKind}</td>
                <td className="px-4 py-2">
                  <Badge tone={s.health.ok ? "green" : "red"}>{s.health.ok ? "healthy" : "unhealthy"}</Badge>
                  <div className="mt-0.5 max-w-xs truncate text-xs text-slate-500" title={s.health.detail}>
                    {s.health.detail}
                  </div>
                </td>
                <td className="px-4 py-2">{s.pending}</td>
                <td className="px-4 py-2">{s.openTasks ? <Badge tone="amber">{s.openTasks}</Badge> : 0}</td>
                <td className="px-4 py-2">{s.failed ? <Badge tone="red">{s.failed}</Badge> : 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
