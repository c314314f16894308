import Link from "next/link";
import { PendingChanges } from "@/components/policies/pending-changes";
import { PolicySettingsToggle } from "@/components/policies/policy-settings-toggle";
import { ImportExport } from "@/components/policies/import-export";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Policies" };

export default async function PoliciesPage() {
  await requireSection("policies");
  const caller = await api();
  const [list, pending, settings] = await Promise.all([
    caller.policies.list(),
    caller.policies.pending(),
    caller.policies.settings(),
  ]);
  const problems = list.problems.filter((p) => p.severity === "error");
  return (
    <>
      <PageHeader
        title="Policies"
        description={`Who gets what, declared once and computed from HR attributes. Version ${list.versionId ?? "—"} is active.`}
        actions={
          <div className="flex flex-wrap items-center gap-2">
            <ImportExport />
            <Link href="/policies/edit" className={buttonClasses("primary")}>
              New policy
            </Link>
          </div>
        }
      />
      <PendingChanges
        changes={pending.map((p) => ({
          id: p.id,
          author: p.authorLabel,
          message: p.message,
          createdAt: p.createdAt,
          summary: p.summary,
        }))}
      />
      {problems.length > 0 && (
        <div className="mb-4">
          <Alert title={`${problems.length} policy file problem${problems.length === 1 ? "" : "s"}`}>
            {problems
              .slice(0, 3)
              .map((p) => `${p.file}:${p.line}: ${p.message}`)
              .join(" · ")}
          </Alert>
        </div>
      )}
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        {list.policies.length === 0 ? (
          <div className="p-6">
            <EmptyState
              title="No policies yet"
              action={
                <Link href="/policies/edit" className={buttonClasses("primary")}>
                  Write the first policy
                </Link>
              }
            >
              Without a policy nobody gets anything (deny by default). Start with what every employee needs.
            </EmptyState>
          </div>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-xs tracking-wide text-slate-500 uppercase">
                <th scope="col" className="px-4 py-2 font-medium">
                  Policy
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Effect
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Priority
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  People matched
                </th>
                <th scope="col" className="px-4 py-2 text-right font-medium">
                  Grants
                </th>
                <th scope="col" className="px-4 py-2 font-medium">
                  Inherits
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {list.policies.map((p) => (
                <tr key={p.name} className="align-top hover:bg-slate-50">
                  <td className="px-4 py-3">
                    <Link
                      href={`/policies/edit?file=${encodeURIComponent(p.file)}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      {p.name}
                    </Link>
                    {p.description && <p className="mt-0.5 max-w-md text-xs text-slate-500">{p.description}</p>}
                  </td>
                  <td className="px-4 py-3">
                    <Badge tone={p.effect === "deny" ? "red" : "green"}>{p.effect}</Badge>
                  </td>
                  <td className="px-4 py-3 text-right tabular-nums">{p.priority}</td>
                  <td className="px-4 py-3 text-right tabular-nums">{p.peopleMatched}</td>
                  <td className="px-4 py-3 text-right tabular-nums" title={`${p.ownGrants} of its own`}>
                    {p.grants}
                  </td>
                  <td className="px-4 py-3 text-xs text-slate-600">{p.inherits.join(", ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <div className="mt-6">
        <PolicySettingsToggle
          key={String(settings.requireSecondApproval)}
          requireSecondApproval={settings.requireSecondApproval}
        />
      </div>
    </>
  );
}
