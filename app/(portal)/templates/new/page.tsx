import Link from "next/link";
import { TemplateEditor } from "@/components/templates/template-editor";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { editorCatalog } from "../editor-catalog";

export const metadata = { title: "New request template" };

export default async function NewTemplatePage() {
  await requireSection("templates");
  const catalog = await editorCatalog(await api());
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/templates" className="hover:text-slate-800">
          Request templates
        </Link>{" "}
        / new
      </nav>
      <PageHeader title="New request template" />
      <TemplateEditor initial={null} catalog={catalog} />
    </>
  );
}
