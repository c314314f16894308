import { GraphView } from "@/components/policies/graph-view";
import { UnknownValuesTable } from "@/components/policies/unknown-values-table";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Policy graph and coverage" };

export default async function PolicyGraphPage() {
  await requireSection("policies");
  const caller = await api();
  const [overview, list] = await Promise.all([caller.policies.overview(), caller.policies.list()]);
  const files = Object.fromEntries(list.policies.map((p) => [p.name, p.file]));
  const suspicious = overview.unknownValues.filter((u) => u.looksLike);
  const others = overview.unknownValues.filter((u) => !u.looksLike);
  return (
    <>
      <PageHeader
        title="Graph and coverage"
        description="How policies build on each other, what no policy hands out, and HR values no policy understands."
      />
      {overview.graph.nodes.length === 0 ? (
        <EmptyState title="No policies yet" />
      ) : (
        <GraphView nodes={overview.graph.nodes} edges={overview.graph.edges} files={files} />
      )}
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <Card title="Resources no policy grants" description="Only requests and exceptions can give these.">
          {overview.coverage.resourcesWithoutPolicy.length === 0 ? (
            <p className="text-sm text-emerald-700">Every resource is granted by some policy.</p>
          ) : (
            <ul className="space-y-1 font-mono text-xs">
              {overview.coverage.resourcesWithoutPolicy.map((r) => (
                <li key={r}>{r}</li>
              ))}
            </ul>
          )}
        </Card>
        <Card
          title="HR values no policy or alias knows"
          description={
            "People with these values may miss access they should have. A likely misspelling is " +
            "shown only with its evidence; check the alias's impact on the aliases page before " +
            "adding it."
          }
        >
          {overview.unknownValues.length === 0 ? (
            <p className="text-sm text-emerald-700">Every value policies match on is known.</p>
          ) : (
            <>
              <UnknownValuesTable rows={suspicious} caption="Likely misspellings" />
              {others.length > 0 && (
                <details className="mt-3 text-sm">
                  <summary className="cursor-pointer text-slate-600">
                    {others.length} other value{others.length === 1 ? "" : "s"} no policy names, with no evidence of a
                    misspelling (often fine: not every title needs a policy)
                  </summary>
                  <UnknownValuesTable rows={others} />
                </details>
              )}
            </>
          )}
        </Card>
      </div>
    </>
  );
}
