import { TRPCError } from "@trpc/server";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TemplateEditor } from "@/components/templates/template-editor";
import { PageHeader } from "@/components/ui/page-header";
import { api } from "@/server/api/server";
import { requireSection } from "@/server/auth/guard";
import { editorCatalog } from "../editor-catalog";

export default async function EditTemplatePage({ params }: { params: Promise<{ key: string }> }) {
  await requireSection("templates");
  const { key } = await params;
  const caller = await api();
  const [template, catalog] = await Promise.all([
    caller.templates.byKey({ key }).catch((err: unknown) => {
      if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
      throw err;
    }),
    editorCatalog(caller),
  ]);
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/templates" className="hover:text-slate-800">
          Request templates
        </Link>{" "}
        / {template.name}
      </nav>
      <PageHeader title={`Edit: ${template.name}`} description={<span className="font-mono">{template.key}</span>} />
      <TemplateEditor
        initial={{
          key: template.key,
          name: template.name,
          description: template.description,
          definition: template.definition,
        }}
        catalog={catalog}
      />
    </>
  );
}
