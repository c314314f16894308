import Link from "next/link";
import { formatWhen } from "@/components/requests/format";
import { StatusBadge } from "@/components/requests/status-badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { viewerZone } from "@/server/auth/time-zone";

export const metadata = { title: "My requests" };
const PAGE_SIZE = 25;

export default async function MyRequestsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  await requireSection("my-requests");
  const tz = await viewerZone();
  const page = Math.max(1, Math.min(100_000, Number((await searchParams).page) || 1));
  const data = await (await api()).requests.mine({ page, pageSize: PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  return (
    <>
      <PageHeader
        title="My requests"
        description="Everything you asked for, newest first, with where each one stands."
        actions={
          <Link href="/request" className={buttonClasses()}>
            Request access
          </Link>
        }
      />
      {data.total === 0 ? (
        <EmptyState
          title="You have not asked for anything yet"
          action={
            <Link href="/request" className={buttonClasses("secondary")}>
              Browse the catalog
            </Link>
          }
        >
          Access your role does not give you can be asked for here, for a limited time.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">My requests</caption>
            <thead className="border-b border-slate-200 bg-slate-50 text-xs tracking-wide text-slate-500 uppercase">
              <tr>
                <th className="px-4 py-2">Request</th>
                <th className="px-4 py-2">For</th>
                <th className="px-4 py-2">Status</th>
                <th className="px-4 py-2">Asked</th>
                <th className="px-4 py-2">Ends</th>
              </tr>
            </thead>
            <tbody>
              {data.rows.map((r) => (
                <tr key={r.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
                  <td className="px-4 py-2">
                    <Link href={`/requests/${r.id}`} className="font-medium text-brand-700 hover:underline">
                      REQ-{r.number} · {r.templateName}
                    </Link>
                    {r.kind === "extension" && <span className="ml-2 text-xs text-slate-500">extension</span>}
                  </td>
                  <td className="px-4 py-2">{r.duration}</td>
                  <td className="px-4 py-2">
                    <StatusBadge status={r.status} />
                  </td>
                  <td className="px-4 py-2 text-slate-600">{formatWhen(r.createdAt, tz)}</td>
                  <td className="px-4 py-2 text-slate-600">{r.accessEndsAt ? formatWhen(r.accessEndsAt, tz) : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {pages > 1 && (
            <nav
              aria-label="Pagination"
              className="flex items-center justify-between border-t border-slate-100 px-4 py-3 text-sm text-slate-600"
            >
              <p>
                Page {page} of {pages} ({data.total} requests)
              </p>
              <div className="flex gap-2">
                {page > 1 && (
                  <Link className={buttonClasses("secondary")} href={`/requests?page=${page - 1}`}>
                    Previous
                  </Link>
                )}
                {page < pages && (
                  <Link className={buttonClasses("secondary")} href={`/requests?page=${page + 1}`}>
                    Next
                  </Link>
                )}
              </div>
            </nav>
          )}
        </div>
      )}
    </>
  );
}
