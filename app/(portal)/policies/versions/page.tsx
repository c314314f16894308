import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { plural } from "@/server/core/text/plural";
import { viewerZone } from "@/server/auth/time-zone";
import { formatWhen } from "@/server/core/time";

export const metadata = { title: "Policy versions" };

const statusTone = { active: "green", pending: "amber", rejected: "red" } as const;

export default async function PolicyVersionsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  await requireSection("policies");
  const tz = await viewerZone();
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const list = await (await api()).policies.versions({ page, pageSize: 25 });
  const pages = Math.max(1, Math.ceil(list.total / list.pageSize));
  return (
    <>
      <PageHeader
        title="Versions"
        description="Every save of the policy set, who made it and why. Open one to see its diff, compare, or restore it."
      />
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
              <th scope="col" className="px-4 py-2 font-medium">
                Version
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Message
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Author
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                When
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Impact
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {list.rows.map((v) => {
              const summary = v.summary as {
                impact?: { people: number; gains: number; losses: number };
                files?: unknown[];
              };
              return (
                <tr key={v.id} className="hover:bg-slate-50">
                  <td className="px-4 py-2.5">
                    <Link href={`/policies/versions/${v.id}`} className="font-medium text-brand-700 hover:underline">
                      #{v.id}
                    </Link>{" "}
                    <Badge tone={statusTone[v.status as keyof typeof statusTone]}>
                      {v.id === list.activeVersionId ? "active now" : v.status}
                    </Badge>
                  </td>
                  <td className="px-4 py-2.5">{v.message}</td>
                  <td className="px-4 py-2.5 text-slate-600">{v.authorLabel}</td>
                  <td className="px-4 py-2.5 whitespace-nowrap text-slate-600 tabular-nums">
                    {formatWhen(v.createdAt, tz)}
                  </td>
                  <td className="px-4 py-2.5 text-xs text-slate-600">
                    {summary.impact
                      ? `${plural(summary.files?.length ?? 0, "file")} · ` +
                        `${plural(summary.impact.people, "person", "people")} · ` +
                        `+${summary.impact.gains} −${summary.impact.losses}`
                      : "—"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {pages > 1 && (
        <nav aria-label="Pagination" className="mt-3 flex justify-between text-sm">
          {page > 1 ? <Link href={`?page=${page - 1}`}>← Newer</Link> : <span />}
          <span>
            Page {page} of {pages}
          </span>
          {page < pages ? <Link href={`?page=${page + 1}`}>Older →</Link> : <span />}
        </nav>
      )}
    </>
  );
}
