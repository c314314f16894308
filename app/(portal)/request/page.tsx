import Link from "next/link";
import { AskForResource } from "@/components/fallbacks/ask-for-resource";
import { Badge } from "@/components/ui/badge";
import { buttonClasses } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";

export const metadata = { title: "Request access" };

export default async function RequestCatalogPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await requireSection("request-access");
  const q = (await searchParams).q?.trim() || undefined;
  const templates = await (await api()).requests.catalog({ search: q });
  return (
    <>
      <PageHeader
        title="Request access"
        description="Pick what you need. The form tells you whether your role already gives it, and who decides."
      />
      <form role="search" className="mb-5 flex max-w-xl gap-2" action="/request">
        <label htmlFor="catalog-search" className="sr-only">
          Search the catalog
        </label>
        <input
          id="catalog-search"
          name="q"
          defaultValue={q}
          placeholder="Search by name, system or resource (e.g. finance, aws, gitlab)"
          className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
        <button className={buttonClasses("secondary")}>Search</button>
      </form>
      {templates.length === 0 ? (
        <EmptyState
          title={q ? `Nothing matches “${q}”` : "No request forms yet"}
          action={
            q ? (
              <Link className={buttonClasses("secondary")} href="/request">
                Show everything
              </Link>
            ) : undefined
          }
        >
          {q
            ? "Try another word, or ask IT for the access you need."
            : "IT admins create request forms under Request templates."}
        </EmptyState>
      ) : (
        <ul className="grid gap-4 md:grid-cols-2" aria-label="Request forms">
          {templates.map((t) => (
            <li key={t.key}>
              <Link
                href={`/request/${t.key}`}
                className="block h-full rounded-lg border border-slate-200 bg-white p-5 shadow-sm hover:border-brand-500/50 hover:shadow"
              >
                <p className="font-semibold text-slate-900">{t.name}</p>
                <p className="mt-1 text-sm text-slate-600">{t.description}</p>
                <p className="mt-3 flex flex-wrap gap-1.5">
                  {t.grants.map((g) => (
                    <Badge key={g.resource}>
                      {g.resource}
                      {g.level ? ` (${g.level})` : ""}
                    </Badge>
                  ))}
                </p>
                <p className="mt-2 text-xs text-slate-500">
                  For {t.durations.join(", ")} · {t.stages === 1 ? "one approval" : `${t.stages} approval stages`}
                </p>
              </Link>
            </li>
          ))}
        </ul>
      )}
      <AskForResource />
    </>
  );
}
