import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import Link from "next/link";
import { AliasesManager } from "@/components/identities/aliases/aliases-manager";
import { PageHeader } from "@/components/ui/page-header";
import { getQueryClient, trpc } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "HR value aliases" };

const param = (v: string | string[] | undefined) => (typeof v === "string" ? v.slice(0, 200) : "");

export default async function AliasesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await requireSection("identities");
  const params = await searchParams;
  const queryClient = getQueryClient();
  await Promise.all([
    queryClient.prefetchQuery(trpc.aliases.list.queryOptions()),
    queryClient.prefetchQuery(trpc.aliases.unknownValues.queryOptions()),
  ]);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/identities" className="hover:text-slate-800">
          Identities
        </Link>{" "}
        / Aliases
      </nav>
      <PageHeader
        title="HR value aliases"
        description="HR systems spell the same thing several ways (“Eng”, “Engineering - Platform”). An alias maps a spelling to the value policies use."
      />
      <HydrationBoundary state={dehydrate(queryClient)}>
        {/* Links such as "Add alias…" on the import preview pre-fill the form through the URL. */}
        <AliasesManager
          initialDraft={{
            attribute: param(params.attribute),
            raw: param(params.raw),
            canonical: param(params.canonical),
          }}
        />
      </HydrationBoundary>
    </>
  );
}
