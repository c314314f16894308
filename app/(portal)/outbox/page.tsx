import Link from "next/link";
import { formatWhen } from "@/components/requests/format";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { viewerZone } from "@/server/auth/time-zone";

export const metadata = { title: "Outbox" };
const PAGE_SIZE = 50;

export default async function OutboxPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  await requireSection("outbox");
  const tz = await viewerZone();
  const page = Math.max(1, Math.min(100_000, Number((await searchParams).page) || 1));
  const data = await (await api()).notifications.outbox({ page, pageSize: PAGE_SIZE });
  const pages = Math.max(1, Math.ceil(data.total / PAGE_SIZE));
  return (
    <>
      <PageHeader
        title="Outbox"
        description="Every email Clearance writes, newest first: sent over SMTP, or kept here when no SMTP server is set."
      />
      {!data.smtpConfigured && (
        <div className="mb-4">
          <Alert tone="amber" title="No SMTP_URL: mail is kept here, not sent">
            Set SMTP_URL (for example smtp://user:password@mail.company.com:587) and restart to send email.
          </Alert>
        </div>
      )}
      {data.total === 0 ? (
        <EmptyState title="No email yet">
          Email is written when someone must decide, is answered, or learns a decision.
        </EmptyState>
      ) : (
        <ul
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm"
          aria-label="Email"
        >
          {data.rows.map((m) => (
            <li key={m.id} className="px-4 py-3">
              <details>
                <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                  <span className="font-medium text-slate-900">{m.subject}</span>
                  <span className="text-slate-600">to {m.toAddress}</span>
                  <span className="text-slate-500">{formatWhen(m.createdAt, tz)}</span>
                  {m.sentAt ? (
                    <Badge tone="green">sent {formatWhen(m.sentAt, tz)}</Badge>
                  ) : m.attempts >= data.maxAttempts ? (
                    <Badge tone="red">gave up after {m.attempts} attempts</Badge>
                  ) : m.attempts > 0 ? (
                    <Badge tone="amber">retrying ({m.attempts})</Badge>
                  ) : (
                    <Badge>{data.smtpConfigured ? "waiting" : "kept"}</Badge>
                  )}
                </summary>
                {m.lastError && <p className="mt-2 text-sm text-red-700">Last error: {m.lastError}</p>}
                <pre className="mt-2 rounded-md bg-slate-50 p-3 font-sans text-sm whitespace-pre-wrap text-slate-800">
                  {m.bodyText}
                </pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      {pages > 1 && (
        <nav aria-label="Pagination" className="mt-3 flex items-center justify-between text-sm text-slate-600">
          <p>
            Page {page} of {pages}
          </p>
          <div className="flex gap-2">
            {page > 1 && (
              <Link className={buttonClasses("secondary")} href={`/outbox?page=${page - 1}`}>
                Previous
              </Link>
            )}
            {page < pages && (
              <Link className={buttonClasses("secondary")} href={`/outbox?page=${page + 1}`}>
                Next
              </Link>
            )}
          </div>
        </nav>
      )}
    </>
  );
}
