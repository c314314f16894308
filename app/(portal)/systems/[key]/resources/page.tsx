import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ResourceDiscovery } from "@/components/resources/resource-discovery";
import { ResourceForm } from "@/components/resources/resource-form";
import { ResourceImport } from "@/components/resources/resource-import";
import { ResourceList } from "@/components/resources/resource-list";
import { Card } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Resources" };

/** A system's resource catalog: by hand, by CSV, or discovered from its adapter. */
export default async function SystemResourcesPage({ params }: { params: Promise<{ key: string }> }) {
  await requireSection("systems");
  const { key } = await params;
  const catalog = await (await api()).resources.bySystem({ systemKey: key }).catch((err: unknown) => {
    if (err instanceof TRPCError && err.code === "NOT_FOUND") return null;
    throw err;
  });
  if (!catalog) notFound();
  const { system, resources, forms } = catalog;
  const editable = !system.retired;
  return (
    <>
      <PageHeader
        title={`${system.name}: resources`}
        description={`${resources.length} resource${resources.length === 1 ? "" : "s"} in the catalog. Policies, request forms and fallbacks name them as ${system.key}:type:name.`}
        actions={
          <Link href={`/systems/${system.key}`} className="text-sm font-medium text-brand-700 hover:underline">
            Back to {system.name}
          </Link>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_26rem]">
        <Card title="Catalog">
          <ResourceList systemKey={system.key} resources={resources} forms={forms} editable={editable} />
        </Card>
        {editable && (
          <div className="grid min-w-0 grid-cols-1 content-start gap-6">
            <Card title="Add a resource">
              <ResourceForm systemKey={system.key} forms={forms} />
            </Card>
            {system.canDiscover && (
              <Card title="Discover" description="Ask the system what it has and compare it with the catalog.">
                <ResourceDiscovery systemKey={system.key} />
              </Card>
            )}
            <Card
              title="Import a CSV"
              description="One resource per row; preview first, nothing is saved until you import."
            >
              <ResourceImport systemKey={system.key} />
            </Card>
          </div>
        )}
      </div>
    </>
  );
}
