import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AssessmentNotice } from "@/components/requests/assessment-notice";
import { RequestForm } from "@/components/requests/request-form";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { viaLabel } from "@/components/requests/format";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export default async function RequestFormPage({ params }: { params: Promise<{ key: string }> }) {
  await requireSection("request-access");
  const { key } = await params;
  const form = await (await api()).requests.form({ templateKey: key }).catch((err: unknown) => {
    if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
    throw err;
  });
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/request" className="hover:text-slate-800">
          Request access
        </Link>{" "}
        / {form.name}
      </nav>
      <PageHeader title={form.name} description={form.description} />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="grid gap-4">
          <AssessmentNotice
            assessment={form.assessment}
            approvers={form.stages.flatMap((s) => s.approvers.map((a) => a.displayName))}
          />
          {form.open ? (
            <Card title="You already asked for this">
              <p className="text-sm">
                Your request{" "}
                <Link className="font-medium text-brand-700 underline" href={`/requests/${form.open.id}`}>
                  REQ-{form.open.number}
                </Link>{" "}
                is still open. One open request per form: follow it there, or cancel it to ask again.
              </p>
            </Card>
          ) : form.assessment.overall === "outside" ? (
            <RequestForm
              templateKey={form.key}
              definition={form.definition}
              durations={form.durations}
              held={form.held ? { number: form.held.number, id: form.held.id, until: form.held.accessEndsAt } : null}
            />
          ) : null}
        </div>
        <aside className="grid content-start gap-4">
          <Card title="Who decides">
            <ol className="grid gap-3 text-sm">
              {form.stages.map((s, i) => (
                <li key={i}>
                  <p className="font-medium text-slate-900">
                    {form.stages.length > 1 ? `${i + 1}. ` : ""}
                    {s.name}
                    <span className="font-normal text-slate-500">
                      {" "}
                      · {s.threshold.kind === "any" ? "any one" : `${s.threshold.n} of ${s.approvers.length}`}
                    </span>
                  </p>
                  <ul className="mt-1 text-slate-600">
                    {s.approvers.map((a) => (
                      <li key={a.id}>
                        {a.displayName} <span className="text-xs text-slate-500">({viaLabel(a.via)})</span>
                      </li>
                    ))}
                    {s.approvers.length === 0 && (
                      <li className="text-red-700">Nobody can approve this stage for you.</li>
                    )}
                  </ul>
                </li>
              ))}
            </ol>
          </Card>
          <Card title="What you get">
            <ul className="text-sm text-slate-700">
              {form.definition.grants.map((g) => (
                <li key={g.resource} className="font-mono text-xs">
                  {g.resource}
                  {g.level ? ` · ${g.level}` : ""}
                </li>
              ))}
            </ul>
            <p className="mt-2 text-xs text-slate-500">It ends by itself when the time you pick is up.</p>
          </Card>
        </aside>
      </div>
    </>
  );
}
