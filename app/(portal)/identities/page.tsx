import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { parseDirectoryParams } from "@/components/identities/directory-params";
import { IdentitiesTable } from "@/components/identities/identities-table";
import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, trpc } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Identities" };

export default async function IdentitiesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSection("identities");
  const params = parseDirectoryParams(await searchParams);
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.identities.list.queryOptions(params)),
    queryClient.prefetchQuery(trpc.identities.facets.queryOptions()),
  ]);
  return (
    <>
      <PageHeader
        title="Identities"
        description="Everyone HR knows about, with the attributes that policies read."
        actions={
          <div className="flex flex-wrap gap-2">
            <Link href="/identities/new" className={buttonClasses("secondary")}>
              Add a person
            </Link>
            <Link href="/identities/import" className={buttonClasses("secondary")}>
              Import CSV
            </Link>
            <Link href="/identities/aliases" className={buttonClasses("secondary")}>
              Aliases
            </Link>
            <Link href="/identities/hr-sources" className={buttonClasses("secondary")}>
              HR sources
            </Link>
            <Link href="/identities/plans" className={buttonClasses("secondary")}>
              Plans to review
            </Link>
          </div>
        }
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        <IdentitiesTable />
      </HydrationBoundary>
    </>
  );
}
